# SPDX-License-Identifier: GPL-2.0-only
# The agent: its publish decision as exact tables, and the real binary
# (fixtures, this machine's /proc, --check, signals) from a shell script.
xb_check_test(test_change SOURCES unit/test_change.c LIBS xbagent xbcommon)

add_test(NAME agent_cli
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/agent/agent-cli.sh
          $<TARGET_FILE:xenballoon-agent>
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/kernels)
set_tests_properties(agent_cli PROPERTIES LABELS unit TIMEOUT 60)

# The xenstore writer through the real libxenstore, against a mock
# xenstored on a unix socket (needs python3; skipped without it).
add_test(NAME agent_xenstore
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/agent/agent-xenstore.sh
          $<TARGET_FILE:xenballoon-agent>
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/kernels)
set_tests_properties(agent_xenstore PROPERTIES LABELS unit TIMEOUT 60
  SKIP_RETURN_CODE 77)
