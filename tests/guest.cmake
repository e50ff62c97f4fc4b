# SPDX-License-Identifier: GPL-2.0-only
# The guest's view: the status and settings lines both sides share, the
# daemon's builder, the agent's selfballoon arithmetic (exact tables); the
# agent against the mock xenstored (status, settings with clamping,
# selfballooning that yields to a heartbeat); and the real daemon on the
# sim backend publishing what guests would read.
xb_check_test(test_gstatus SOURCES unit/test_gstatus.c LIBS xbcommon)
xb_check_test(test_guestview SOURCES unit/test_guestview.c LIBS xbcore)
xb_check_test(test_selfballoon SOURCES unit/test_selfballoon.c
  LIBS xbagent xbcommon)

if(TARGET xenballoon-agent)
  add_test(NAME agent_guest
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/guest/agent-guest.sh
            $<TARGET_FILE:xenballoon-agent>
            ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/kernels)
  set_tests_properties(agent_guest PROPERTIES LABELS unit TIMEOUT 90
    SKIP_RETURN_CODE 77)
endif()
if(TARGET xenballoon-ctl)
  add_test(NAME regress_guest_status
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/guest/status.sh)
  set_tests_properties(regress_guest_status PROPERTIES LABELS regress
    ENVIRONMENT "XB_CTL=$<TARGET_FILE:xenballoon-ctl>"
    SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
