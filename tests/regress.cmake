# SPDX-License-Identifier: GPL-2.0-only
# CLI regress tests: the real daemon (sim backend) on a private socket,
# driven through the real CLI.  Label "regress".  perm.sh needs root and
# setpriv; it reports "skipped" (77) otherwise.
if(TARGET xenballoon-ctl)
  foreach(t query change reload perm restart makeroom fit lifecycle capacity)
    add_test(NAME regress_${t}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/regress/${t}.sh)
    set_tests_properties(regress_${t} PROPERTIES LABELS regress
      ENVIRONMENT "XB_CTL=$<TARGET_FILE:xenballoon-ctl>"
      SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()
