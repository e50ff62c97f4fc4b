# SPDX-License-Identifier: GPL-2.0-only
# Lab end-to-end tests (label "e2e"; `ctest -L e2e` runs exactly these).
# Each test boots real Xen + a Debian dom0 + PV guests in QEMU through
# tools/lab/xenlab and runs one script from tests/e2e/ in dom0; several
# checks share a boot to keep the whole tier under ~15 min on 2 cores.
# They need root, QEMU and the Debian archive (for the first lab build),
# and only make sense on x86_64.  Missing host tools make xenlab exit 77,
# which ctest reports as skipped.
option(XB_E2E "Register the Xen lab e2e tests (label e2e)" ON)
if(NOT XB_E2E)
  return()
endif()
if(NOT CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  message(STATUS "e2e: not an x86_64 host; lab tests not registered")
  return()
endif()
if(NOT TARGET xenballoon-agent OR NOT TARGET eatmem)
  message(STATUS "e2e: agent or eatmem missing; lab tests not registered")
  return()
endif()

set(XB_LAB ${PROJECT_SOURCE_DIR}/tools/lab/xenlab)
set(XB_E2E_DIR ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set(XB_E2E_LOGS ${CMAKE_BINARY_DIR}/e2e-logs)
# The project's own Debian packages (tools/pkg-build, from this source
# tree), whose programs the images carry: the tier tests what users
# install.  Under lab/, where xenlab never looks for build outputs.
set(XB_LAB_DEBS ${CMAKE_BINARY_DIR}/lab/debs)
set(XB_LAB_ENV "XB_BUILD=${CMAKE_BINARY_DIR};XB_LAB_DEBS=${XB_LAB_DEBS}")

# Build the packages, fetch Debian's (cached) and build the images.
add_test(NAME e2e_lab_build
  COMMAND sh -c "mkdir -p \"$1\" && \"$0\" \"$1\" >\"$1/pkg-build.log\" 2>&1 || { cat \"$1/pkg-build.log\"; exit 1; }; exec \"$2\" build"
          ${PROJECT_SOURCE_DIR}/tools/pkg-build ${XB_LAB_DEBS} ${XB_LAB})
set_tests_properties(e2e_lab_build PROPERTIES
  LABELS e2e TIMEOUT 900 RUN_SERIAL TRUE SKIP_RETURN_CODE 77
  FIXTURES_SETUP xb_lab ENVIRONMENT "${XB_LAB_ENV}")

# xb_e2e_test(NAME TIMEOUT seconds [CONFIG file] ARGS xenlab-run-options...)
# runs tests/e2e/NAME.sh; CONFIG (in tests/e2e/) starts the daemon.
function(xb_e2e_test name)
  cmake_parse_arguments(E "" "TIMEOUT;CONFIG" "ARGS" ${ARGN})
  set(args ${E_ARGS} --timeout ${E_TIMEOUT} --keep-logs ${XB_E2E_LOGS})
  if(E_CONFIG)
    list(APPEND args --config ${XB_E2E_DIR}/${E_CONFIG})
  endif()
  add_test(NAME e2e_${name}
    COMMAND ${XB_LAB} run ${XB_E2E_DIR}/${name}.sh ${args})
  # ctest's own limit sits above xenlab's, so xenlab reports the timeout
  math(EXPR ctest_timeout "${E_TIMEOUT} + 60")
  set_tests_properties(e2e_${name} PROPERTIES
    LABELS e2e TIMEOUT ${ctest_timeout} RUN_SERIAL TRUE SKIP_RETURN_CODE 77
    FIXTURES_REQUIRED xb_lab ENVIRONMENT "${XB_LAB_ENV}")
endfunction()

# Wall time on a quiet 2-core machine: about 1 + 3 + 2.5 + 6 + 1.5 min
# (each includes a ~15 s boot).  The limits are about four times that:
# on a machine busy with other work every wait inside is stretched by the
# lab's measured pace (dom0-lib.sh), and a hung boot (retried) still fits
# once.  A hang is caught sooner by the silence watchdog (xenlab).
# No daemon: agents publish, balloons follow `xl mem-set`.
xb_e2e_test(smoke TIMEOUT 480
  ARGS --guests 2 --guest-mem 192 --guest-maxmem 384 --guest-swap 64)

if(TARGET xenballoon-ctl)
  # Scenarios 1, 2, 3 and 6: status, grow/shrink (with the spike ->
  # target -> balloon latencies), host reserve, `reserve`.
  xb_e2e_test(balance TIMEOUT 960 CONFIG balance.json
    ARGS --host-mem 1536 --dom0-mem 384 --guests 3 --guest-mem 192
         --guest-maxmem 768)
  # Scenarios 4 and 5: a dead agent, daemon crash + restart, guests
  # destroyed while it is down and while it runs.
  xb_e2e_test(faults TIMEOUT 840 CONFIG faults.json
    ARGS --host-mem 1536 --dom0-mem 384 --guests 3 --guest-mem 192
         --guest-maxmem 512)
  # Scenarios 10-12, what only real Xen shows: a balloon that cannot
  # reach its target (stuck, then uncooperative, named by a hold), a guest
  # rebooted while room is made, xenstored restarted.  (A PVH guest is
  # tools/lab/pvh.sh: QEMU's emulated SVM is not reliable enough for CI.)
  xb_e2e_test(xenfaults TIMEOUT 1440 CONFIG xenfaults.json
    ARGS --host-mem 1536 --dom0-mem 384 --guests 2 --guest-mem 192
         --guest-maxmem 512)
  # Scenario 7: the guest's own view, selfballooning without a daemon,
  # yielding to one that starts.
  xb_e2e_test(guest_view TIMEOUT 840 CONFIG guest_view.json
    ARGS --host-mem 1536 --dom0-mem 384 --guests 2 --guest-mem 192
         --guest-maxmem 768)
endif()
