# SPDX-License-Identifier: GPL-2.0-only
# Observability: the metrics unit suite (rates, listen addresses, the
# exposition against a strict parser), and the real daemon on the sim
# backend scraped over HTTP (promtool when installed), watched through
# `top` in a real tmux terminal, and its log kept quiet when nothing moves.
xb_check_test(test_metrics SOURCES unit/test_metrics.c LIBS xbmetrics)
# The Prometheus rules the package ships: promtool's syntax check, then
# its unit tests (hand-worked hosts in controller/xenballoon.rules.test.yml).
find_program(XB_PROMTOOL promtool)
if(XB_PROMTOOL)
  add_test(NAME obs_rules
    COMMAND sh -c "\"$0\" check rules xenballoon.rules.yml && \"$0\" test rules xenballoon.rules.test.yml"
            ${XB_PROMTOOL}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/controller)
else()
  add_test(NAME obs_rules COMMAND sh -c "echo 'promtool not found'; exit 77")
endif()
set_tests_properties(obs_rules PROPERTIES LABELS unit SKIP_RETURN_CODE 77
                     TIMEOUT 60)
if(TARGET xenballoon-ctl)
  foreach(t metrics top quiet)
    add_test(NAME obs_${t}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/obs/${t}.sh)
    set_tests_properties(obs_${t} PROPERTIES LABELS regress
      ENVIRONMENT "XB_CTL=$<TARGET_FILE:xenballoon-ctl>"
      SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()
