# Install rules and the Debian package (SPEC §8, docs/packaging.md).
#
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/warden_<version>_<arch>.deb
#
# The package installs under /usr (CPACK_PACKAGING_INSTALL_PREFIX), whatever
# CMAKE_INSTALL_PREFIX a developer build uses. The system files have fixed,
# absolute places (/etc, /lib/systemd/system), and the unit names
# /usr/bin/wardend and /usr/bin/wardenctl: they are the package's, and a
# `cmake --install` to another prefix needs a drop-in for the unit.

set(warden_pkg ${CMAKE_CURRENT_SOURCE_DIR}/packaging)

# cpack (and `make install`) package what is already built instead of first
# building every target, the tests included: build, then package.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# --- binaries ---------------------------------------------------------------
install(TARGETS wardend wardenctl RUNTIME DESTINATION bin)

# --- man pages, gzipped as Debian wants them (gzip -9n: no name, no time) ----
find_program(GZIP_PROGRAM gzip REQUIRED)
set(warden_man_pages wardenctl.1 warden.ini.5 wardend.8)
set(warden_man_gz)
foreach(page ${warden_man_pages})
  string(REGEX MATCH "[0-9]$" section ${page})
  set(gz ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${GZIP_PROGRAM} -9n -c ${warden_pkg}/man/${page} > ${gz}
    DEPENDS ${warden_pkg}/man/${page}
    VERBATIM)
  list(APPEND warden_man_gz ${gz})
  install(FILES ${gz} DESTINATION share/man/man${section})
endforeach()
add_custom_target(warden-man ALL DEPENDS ${warden_man_gz})

# --- system integration -----------------------------------------------------
install(FILES ${warden_pkg}/systemd/wardend.service DESTINATION /lib/systemd/system)
install(FILES ${warden_pkg}/systemd/warden.conf DESTINATION lib/tmpfiles.d)
install(FILES ${warden_pkg}/logrotate/warden DESTINATION /etc/logrotate.d)
install(FILES ${warden_pkg}/debian/warden.ini DESTINATION /etc/warden)
install(FILES ${warden_pkg}/completion/wardenctl DESTINATION share/bash-completion/completions)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/README.md ${warden_pkg}/debian/copyright
  DESTINATION share/doc/warden)

# --- the Debian package -----------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME warden)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "warden maintainers <maintainers@users.noreply.h-seed-14082ea7.example>"
  CACHE STRING "Maintainer of the Debian package")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "process supervisor with supervisord-compatible configuration")
# The long description; CPack indents it and turns the empty line into " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "wardend starts the programs declared in a supervisord-compatible INI file,
keeps them alive by policy (restart with backoff, then FATAL), captures their
output into rotating log files, and stops them cleanly and in order, each
program's whole process group. It adds dependencies (depends_on), readiness
checks (ready = tcp, notify, exec) and essential programs, speaks sd_notify
under systemd and works as a container's PID 1. wardenctl controls it over a
Unix socket.

The service is installed but neither enabled nor started; to run it:
systemctl enable --now wardend")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The runtime libraries, from the binaries themselves (dpkg-shlibdeps, in
# dpkg-dev): libc6, libstdc++6, libgcc-s1 and Debian's shared Boost 1.81
# libraries (json, log, program_options), plus any library linked later.
# test/package checks them against the binaries' NEEDED entries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "logrotate")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${warden_pkg}/debian/conffiles
  ${warden_pkg}/debian/postinst
  ${warden_pkg}/debian/prerm
  ${warden_pkg}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Debian ships stripped binaries (the RelWithDebInfo ones carry ~25 MB of
# debug information).
set(CPACK_STRIP_FILES ON)
include(CPack)

# --- tests: test/package/run.sh ----------------------------------------------
# package.deb builds the .deb (a fixture); package.contents checks what it
# holds and exercises the unit, man pages, config, completion and logrotate
# snippet; package.install does the dpkg -i/-r/-P round trip (root only,
# else skipped).
set(warden_pkg_test ${CMAKE_CURRENT_SOURCE_DIR}/test/package/run.sh)
foreach(mode deb contents install)
  add_test(NAME package.${mode}
    COMMAND bash ${warden_pkg_test} ${mode} ${CMAKE_BINARY_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(package.${mode} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endforeach()
set_tests_properties(package.deb PROPERTIES FIXTURES_SETUP warden_deb)
set_tests_properties(package.contents package.install PROPERTIES FIXTURES_REQUIRED warden_deb)
# The round trip installs into the real system: never next to another test
# that might look at /usr/bin or dpkg's database.
set_tests_properties(package.install PROPERTIES RUN_SERIAL ON)
