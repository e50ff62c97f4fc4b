# SPDX-License-Identifier: GPL-2.0-only
# Hardening tests (tests/hardening/): hostile guests, a flooding guest,
# faults (balloon drivers, refused targets, vanishing domains, xenstore
# lost, SIGKILL), each on the real daemon with the sim backend's hooks;
# label "hardening".  A short soak (domain churn and CLI traffic), label
# "soak"; in the ASan build that is the memory-safety run, and
# `XB_SOAK_SECONDS=600 XB_SOAK_VALGRIND=1 tests/hardening/soak.sh` is the
# long one under valgrind.  Randomised scripts print their seed and take
# XB_SEED.
if(TARGET xenballoon-ctl)
  foreach(t hostile flood faults)
    add_test(NAME hardening_${t}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hardening/${t}.sh)
    set_tests_properties(hardening_${t} PROPERTIES LABELS hardening
      ENVIRONMENT "XB_CTL=$<TARGET_FILE:xenballoon-ctl>" TIMEOUT 240)
  endforeach()
  add_test(NAME soak_short
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hardening/soak.sh)
  set_tests_properties(soak_short PROPERTIES LABELS soak
    ENVIRONMENT "XB_CTL=$<TARGET_FILE:xenballoon-ctl>;XB_SOAK_SECONDS=40"
    TIMEOUT 180)
endif()

# Lying guests through intake, every policy and the balancer (label unit).
if(TARGET xbcore)
  xb_check_test(test_hostile SOURCES unit/test_hostile.c LIBS xbcore)
endif()
