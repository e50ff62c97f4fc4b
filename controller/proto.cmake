# SPDX-License-Identifier: GPL-2.0-only
# The control plane: wire protocol, the daemon's control server, the shared
# command table and the CLI client.  It calls the daemon through daemon.h
# (dmn_*); the final binary (or a test's fake daemon) provides those.
add_library(xbproto STATIC
  cli.c
  client.c
  cmd.c
  cmd_change.c
  cmd_fmt.c
  cmd_query.c
  cmd_top.c
  control.c
  proto.c)
target_include_directories(xbproto PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(xbproto PUBLIC xbconfig xbcommon PkgConfig::JANSSON
                      PkgConfig::LIBEVENT)

# The CLI's man page (it also documents the daemon), the config file's,
# the daemon's unit and the shipped config: component "dom0", the
# xenballoon package (tools/packaging.cmake).
xb_install_man(xenballoon-ctl.8 dom0)
xb_install_man(xenballoon.json.5 dom0)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/xenballoon.json
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/xenballoon COMPONENT dom0)
# Prometheus recording and alerting rules over the metrics endpoint.
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/xenballoon.rules.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/xenballoon COMPONENT dom0)
set(XB_SYSTEMD_UNITDIR "lib/systemd/system" CACHE PATH
    "Where to install systemd units")
set(XB_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/xenballoon.service
               ${CMAKE_CURRENT_BINARY_DIR}/xenballoon.service @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/xenballoon.service
        DESTINATION ${XB_SYSTEMD_UNITDIR} COMPONENT dom0)
