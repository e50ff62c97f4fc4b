# SPDX-License-Identifier: GPL-2.0-only
add_library(xbcore STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/balancer.c)
target_include_directories(xbcore PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(xbcore PUBLIC xbcommon)
