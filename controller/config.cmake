# SPDX-License-Identifier: GPL-2.0-only
# The configuration file: schema, parser, defaults and `config show`.
add_library(xbconfig STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/cfg_schema.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cfg_sim.c
  ${CMAKE_CURRENT_SOURCE_DIR}/cfg_value.c
  ${CMAKE_CURRENT_SOURCE_DIR}/config.c)
target_include_directories(xbconfig PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(xbconfig PUBLIC xbcommon xbpolicy PkgConfig::JANSSON)
