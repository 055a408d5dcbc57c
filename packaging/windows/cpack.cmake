# The Windows zip (packaging/windows/README.md): both executables, an example
# config, how to install the service, docs/windows.md.
#
#   cmake --build build-windows --target package   ->  build-windows/warden-<version>-win64.zip
install(TARGETS wardend wardenctl RUNTIME DESTINATION bin)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/packaging/windows/warden.ini
              ${CMAKE_CURRENT_SOURCE_DIR}/packaging/windows/README.md DESTINATION .)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/docs/windows.md ${CMAKE_CURRENT_SOURCE_DIR}/docs/protocol.md
        DESTINATION docs)
set(CPACK_GENERATOR ZIP)
set(CPACK_PACKAGE_NAME warden)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_SYSTEM_NAME win64)
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "warden process supervisor for Windows")
include(CPack)
