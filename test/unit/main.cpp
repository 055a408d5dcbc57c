// The one Boost.Test main of every test executable.
#define BOOST_TEST_MODULE warden
#ifdef WARDEN_BOOST_TEST_HEADER_ONLY
#include <boost/test/included/unit_test.hpp>
#else
#include <boost/test/unit_test.hpp>
#endif
