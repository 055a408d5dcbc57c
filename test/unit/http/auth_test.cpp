// supervisord's basic auth (src/http/auth.hpp), {SHA} passwords included.
#include "http/auth.hpp"

#include <boost/test/unit_test.hpp>

using namespace warden::http;

BOOST_AUTO_TEST_SUITE(http_auth)

BOOST_AUTO_TEST_CASE(sha1_is_the_hex_digest)
{
    BOOST_TEST(sha1_hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    BOOST_TEST(sha1_hex("admin") == "d033e22ae348aeb5660fc2140aec35850c4da997");
}

BOOST_AUTO_TEST_CASE(basic_auth)
{
    credentials const none{};
    BOOST_TEST(authorized(none, ""));
    credentials const plain{"user", "123"};
    BOOST_TEST(authorized(plain, "Basic dXNlcjoxMjM="));      // user:123
    BOOST_TEST(authorized(plain, "basic   dXNlcjoxMjM=  "));
    BOOST_TEST(!authorized(plain, ""));
    BOOST_TEST(!authorized(plain, "Basic dXNlcjoxMjQ="));     // user:124
    BOOST_TEST(!authorized(plain, "Basic dXNlcg=="));         // no colon
    BOOST_TEST(!authorized(plain, "Bearer dXNlcjoxMjM="));
    BOOST_TEST(!authorized(plain, "Basic !!!!"));
    credentials const sha{"admin", "{SHA}D033E22AE348AEB5660FC2140AEC35850C4DA997"};
    BOOST_TEST(authorized(sha, "Basic YWRtaW46YWRtaW4="));   // admin:admin
    BOOST_TEST(!authorized(sha, "Basic YWRtaW46e1NIQX1kMDMzZTIyYWUzNDhhZWI1NjYwZmMyMTQwYWVjMzU4NTBjNGRhOTk3"));
}

BOOST_AUTO_TEST_SUITE_END()
