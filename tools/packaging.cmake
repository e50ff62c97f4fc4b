# SPDX-License-Identifier: GPL-2.0-only
# Installation into components and the Debian packages built from them by
# CPack's DEB generator (tools/pkg-build runs it):
#
#   xenballoon        (component "dom0")   xenballoon-ctl, its unit, the
#                     conffile /etc/xenballoon/xenballoon.json, man pages,
#                     the Prometheus rules; creates the group "xenballoon"
#   xenballoon-agent  (component "agent")  xenballoon-agent, its unit and
#                     man page, for guests
#
# Everything else (xenballoon-sim, eatmem, tests) installs under the
# "tools" component, which no package takes.  Shared-library dependencies
# come from dpkg-shlibdeps, never by hand.  The maintainer scripts sit
# next to the units they handle (controller/, agent/); copyright and
# changelog, shared by both packages, in tools/deb/.
include_guard(GLOBAL)
set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME tools)

# Man pages are installed gzipped (Debian policy 12.1), -n for
# reproducible bytes.
add_custom_target(xb-manpages ALL)
# xb_install_man(FILE COMPONENT): FILE (relative to the calling directory)
# into man<section> of COMPONENT, the section taken from FILE's suffix.
function(xb_install_man file component)
  get_filename_component(name ${file} NAME)
  string(REGEX MATCH "[0-9]$" section ${name})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${file})
  set(gz ${CMAKE_BINARY_DIR}/man/${name}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND gzip -9n -c ${src} > ${gz}
    DEPENDS ${src} VERBATIM)
  add_custom_target(xb-man-${name} DEPENDS ${gz})
  add_dependencies(xb-manpages xb-man-${name})
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section}
          COMPONENT ${component})
endfunction()

# copyright and changelog.Debian.gz in /usr/share/doc/<package>.
set(XB_DEB_CHANGELOG_DATE "Sun, 06 Dec 2026 00:00:00 +0000")
configure_file(${CMAKE_CURRENT_LIST_DIR}/deb/changelog.in
               ${CMAKE_BINARY_DIR}/deb/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/deb/changelog.Debian.gz
  COMMAND gzip -9n -c ${CMAKE_BINARY_DIR}/deb/changelog.Debian
          > ${CMAKE_BINARY_DIR}/deb/changelog.Debian.gz
  DEPENDS ${CMAKE_BINARY_DIR}/deb/changelog.Debian VERBATIM)
add_custom_target(xb-changelog ALL
  DEPENDS ${CMAKE_BINARY_DIR}/deb/changelog.Debian.gz)
foreach(pkg IN ITEMS xenballoon:dom0:controller xenballoon-agent:agent:agent)
  string(REPLACE ":" ";" pc ${pkg})
  list(GET pc 0 p)
  list(GET pc 1 c)
  list(GET pc 2 dir)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/deb/copyright
                ${CMAKE_BINARY_DIR}/deb/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${p} COMPONENT ${c})
  # Each remaining lintian tag is explained in the override file.
  install(FILES ${CMAKE_SOURCE_DIR}/${dir}/${p}.lintian-overrides
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
          RENAME ${p} COMPONENT ${c})
endforeach()

# --- CPack ------------------------------------------------------------

# xb_deb_control(COMP PACKAGE DIR FILE...): the control files of COMP,
# kept as DIR/PACKAGE.FILE (debhelper's names) and copied to the plain
# names the .deb needs.
function(xb_deb_control comp pkg dir)
  set(files)
  foreach(f IN LISTS ARGN)
    configure_file(${CMAKE_SOURCE_DIR}/${dir}/${pkg}.${f}
                   ${CMAKE_BINARY_DIR}/deb/${pkg}/${f} COPYONLY)
    list(APPEND files ${CMAKE_BINARY_DIR}/deb/${pkg}/${f})
  endforeach()
  set(CPACK_DEBIAN_${comp}_PACKAGE_CONTROL_EXTRA ${files} PARENT_SCOPE)
endfunction()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xenballoon)
set(CPACK_PACKAGE_VENDOR "xenballoon developers")
set(CPACK_PACKAGE_CONTACT "xenballoon developers <dev@xenballoon.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL dom0 agent)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SOURCE xenballoon)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://xenballoon.invalid/")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_DOM0_PACKAGE_NAME xenballoon)
set(CPACK_DEBIAN_DOM0_PACKAGE_SECTION admin)
# adduser: the maintainer scripts create and remove the group.  Xen itself
# (xen-utils-*) is on any host this runs on; no Recommends, so that CI can
# install the package without pulling Xen in.
set(CPACK_DEBIAN_DOM0_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_DOM0_PACKAGE_SUGGESTS "prometheus, xenballoon-agent")
set(CPACK_DEBIAN_DOM0_DESCRIPTION
"directed-ballooning controller for Xen (dom0 daemon and CLI)
xenballoon moves memory between Xen guests according to what they need.
Its agent in each guest publishes memory figures (meminfo, vmstat, PSI,
balloon size) to xenstore; this package's daemon watches them, runs one
global policy over all domains, keeps the host safe (reserve, shrink
before grow, stuck-domain detection) and sets every domain's target
through libxl.

This package holds xenballoon-ctl, which is both the dom0 daemon and the
command line that queries and steers it, its systemd unit (not enabled on
install), the configuration file and Prometheus alerting rules.  Members
of the xenballoon group may use the read-only commands.")
xb_deb_control(DOM0 xenballoon controller postinst prerm postrm conffiles)

set(CPACK_DEBIAN_AGENT_PACKAGE_NAME xenballoon-agent)
set(CPACK_DEBIAN_AGENT_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_AGENT_DESCRIPTION
"guest agent for the xenballoon Xen ballooning controller
xenballoon moves memory between Xen guests according to what they need.
This package, for the guests, holds xenballoon-agent: it samples
/proc/meminfo, /proc/vmstat, memory pressure (PSI) and the balloon
driver, and writes one compact record to xenstore when something moved,
for the xenballoon daemon in dom0.  With --selfballoon it balloons the
guest itself while no controller runs.

Its systemd unit is enabled and started on install; it does nothing
outside a Xen guest.")
xb_deb_control(AGENT xenballoon-agent agent postinst prerm postrm)

include(CPack)
cpack_add_component(dom0 DISPLAY_NAME "xenballoon (dom0)")
cpack_add_component(agent DISPLAY_NAME "xenballoon-agent (guests)")
