# SPDX-License-Identifier: GPL-2.0-only
# The simulation tier (label "sim"): short xenballoon-sim scenarios that
# check the safety rules every step and one qualitative outcome per
# policy, reproducibility, and that a broken plan is caught.
if(TARGET xenballoon-sim)
  foreach(c safety static squeeze proportional pressure selfballoon oracle
            reactive launch repro sabotage errors agent burst)
    add_test(NAME sim_${c}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/sim/check.sh ${c})
    set_tests_properties(sim_${c} PROPERTIES LABELS sim TIMEOUT 120
      ENVIRONMENT "SIM=$<TARGET_FILE:xenballoon-sim>")
  endforeach()
endif()

# The make-room suite (tests/sim/makeroom.sh): one test per scenario of
# tools/sim/scenarios/makeroom, each under static and pressure, and the
# seeded property test over random hosts and holds.
if(TARGET xenballoon-sim)
  foreach(c ideal hidden-floor hidden-ceiling stuck intermittent-short
            intermittent-long impossible several property)
    add_test(NAME sim_makeroom_${c}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/sim/makeroom.sh ${c})
    set_tests_properties(sim_makeroom_${c} PROPERTIES LABELS sim TIMEOUT 300
      ENVIRONMENT "SIM=$<TARGET_FILE:xenballoon-sim>")
  endforeach()
endif()
