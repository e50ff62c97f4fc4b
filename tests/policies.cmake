# SPDX-License-Identifier: GPL-2.0-only
# Policy suites: one per policy (exact hand-worked tables), the registry,
# the shared arithmetic, and seeded property tests over random snapshots
# (XB_SEED=<n> replays a run).
foreach(t registry util static selfballoon proportional squeeze pressure
          props)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_pol_${t}.c)
    xb_check_test(test_pol_${t} SOURCES unit/test_pol_${t}.c LIBS xbpolicy)
  endif()
endforeach()
