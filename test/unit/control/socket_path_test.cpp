// Where the control socket is: the defaults of SPEC §2 and the `socket` key.
#include "control/socket_path.hpp"
#include "control_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace warden;
using namespace warden::control;
using warden::control::testing::temp_dir;

BOOST_AUTO_TEST_SUITE(socket_path_tests)

BOOST_AUTO_TEST_CASE(default_paths)
{
    struct row {
        char const* name;
        unsigned uid;
        char const* xdg;
        std::string path;
    };
    std::vector<row> const table = {
        {"root", 0, "/run/user/0", "/run/warden/warden.sock"},
        {"root without XDG", 0, nullptr, "/run/warden/warden.sock"},
        {"user with XDG_RUNTIME_DIR", 1000, "/run/user/1000", "/run/user/1000/warden.sock"},
        {"trailing slash", 1000, "/run/user/1000/", "/run/user/1000/warden.sock"},
        {"user without XDG_RUNTIME_DIR", 1000, nullptr, "/tmp/warden-1000/warden.sock"},
        {"empty XDG_RUNTIME_DIR", 1000, "", "/tmp/warden-1000/warden.sock"},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            BOOST_TEST(default_socket_path(r.uid, r.xdg) == r.path);
        }
    }
}

BOOST_AUTO_TEST_CASE(socket_from_config)
{
    temp_dir dir;
    struct row {
        char const* name;
        std::string text;
        std::optional<std::string> path; // nullopt: errors expected
    };
    std::vector<row> const table = {
        {"socket key", "[warden]\nsocket = /srv/w.sock\n[program:a]\ncommand = /bin/true\n", "/srv/w.sock"},
        {"supervisord section", "[supervisord]\nsocket = /srv/s.sock\n", "/srv/s.sock"},
        {"expanded", "[warden]\nsocket = %(here)s/w.sock\n", dir.path + "/w.sock"},
        {"no key: the default", "[program:a]\ncommand = /bin/true\n", default_socket_path()},
        // Only [warden] is validated: a broken program does not hide the socket.
        {"broken program", "[warden]\nsocket = /srv/w.sock\n[program:a]\nautostart = maybe\n", "/srv/w.sock"},
        {"invalid [warden]", "[warden]\nsocket_mode = 9x\n", std::nullopt},
    };
    for (auto const& r : table) {
        BOOST_TEST_CONTEXT(r.name)
        {
            std::string const file = dir.file("warden.ini");
            std::ofstream(file) << r.text;
            auto const got = socket_path_from_config(file);
            BOOST_TEST(got.path.value_or("<none>") == r.path.value_or("<none>"));
            BOOST_TEST(got.errors.empty() == r.path.has_value());
            for (auto const& e : got.errors)
                BOOST_TEST(config::format(e).rfind(file + ":", 0) == 0u, config::format(e));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error)
{
    auto const got = socket_path_from_config("/nonexistent/warden.ini");
    BOOST_TEST(!got.path.has_value());
    BOOST_TEST_REQUIRE(got.errors.size() == 1u);
    BOOST_TEST(got.errors[0].message.find("cannot read config file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
