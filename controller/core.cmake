# SPDX-License-Identifier: GPL-2.0-only
# The daemon core: balancer, domain table, hypervisor backends, event loop.
add_library(xbcore STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/balancer.c
  ${CMAKE_CURRENT_SOURCE_DIR}/daemon.c
  ${CMAKE_CURRENT_SOURCE_DIR}/decide.c
  ${CMAKE_CURRENT_SOURCE_DIR}/dmn_api.c
  ${CMAKE_CURRENT_SOURCE_DIR}/dmn_hold.c
  ${CMAKE_CURRENT_SOURCE_DIR}/dmn_guest.c
  ${CMAKE_CURRENT_SOURCE_DIR}/domain.c
  ${CMAKE_CURRENT_SOURCE_DIR}/guestview.c
  ${CMAKE_CURRENT_SOURCE_DIR}/hv_sim.c
  ${CMAKE_CURRENT_SOURCE_DIR}/hv_xen.c
  ${CMAKE_CURRENT_SOURCE_DIR}/metrics.c
  ${CMAKE_CURRENT_SOURCE_DIR}/simmodel.c)
target_include_directories(xbcore PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(xbcore PUBLIC xbconfig xbpolicy xbcommon
  PkgConfig::LIBEVENT PkgConfig::JANSSON PkgConfig::XENSTORE
  PkgConfig::XENCTRL PkgConfig::XENLIGHT PkgConfig::XENTOOLLOG)
if(TARGET xbproto)
  # The command handlers call into the daemon and the daemon starts the
  # control server: two static libraries that need each other.
  target_link_libraries(xbcore PUBLIC xbproto)
  target_link_libraries(xbproto PUBLIC xbcore)
  add_executable(xenballoon-ctl ${CMAKE_CURRENT_SOURCE_DIR}/main.c)
  target_link_libraries(xenballoon-ctl PRIVATE xbcore xbproto)
  install(TARGETS xenballoon-ctl DESTINATION ${CMAKE_INSTALL_SBINDIR}
          COMPONENT dom0)
endif()
# Xen's public headers use anonymous unions (a GNU C11 extension).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/hv_xen.c
  PROPERTIES COMPILE_OPTIONS "-std=gnu11")
