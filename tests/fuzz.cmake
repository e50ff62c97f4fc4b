# SPDX-License-Identifier: GPL-2.0-only
# libFuzzer targets (tests/fuzz/) for everything a guest or a local client
# can send: the stats record, the control-protocol decoders, and the
# config loader; and for what the agent reads from dom0: the status line,
# the agent settings, and the policy parameters (with the shared size and
# duration parser).  Built only with clang (-fsanitize=fuzzer,address,
# undefined); each is also a ctest test, label "fuzz", that runs for a
# short while from its seed corpus in tests/fuzz/corpus/<target>.  New
# inputs go to the build tree, never to the source tree.
#
# The code under test is compiled again here with the fuzzer's coverage
# instrumentation: an instrumented copy of each library, made from that
# library's own source list so the two cannot drift.
if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
  return()
endif()
# libFuzzer's runtime is a separate Debian package (libclang-rt-14-dev).
include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
check_c_source_compiles("
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{ (void)d; (void)n; return 0; }" XB_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT XB_HAVE_LIBFUZZER)
  message(WARNING "clang without libFuzzer (libclang-rt-14-dev): "
                  "no fuzz targets")
  return()
endif()

set(XB_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined
                  -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
set(XB_FUZZ_TIME 20 CACHE STRING "Seconds each fuzz target runs in ctest")

# xb_fuzz_lib(TARGET): TARGET_fuzz, the same sources and usage
# requirements, instrumented for the fuzzer.
function(xb_fuzz_lib lib)
  get_target_property(srcs ${lib} SOURCES)
  get_target_property(dir ${lib} SOURCE_DIR)
  get_target_property(incs ${lib} INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(deps ${lib} INTERFACE_LINK_LIBRARIES)
  if(NOT deps)
    set(deps)
  endif()
  set(abs)
  foreach(s ${srcs})
    if(IS_ABSOLUTE ${s})
      list(APPEND abs ${s})
    else()
      list(APPEND abs ${dir}/${s})
    endif()
  endforeach()
  add_library(${lib}_fuzz STATIC ${abs})
  target_compile_options(${lib}_fuzz PRIVATE ${XB_FUZZ_FLAGS})
  target_include_directories(${lib}_fuzz PUBLIC ${incs})
  # Internal dependencies become their instrumented copies.
  set(fdeps)
  foreach(d ${deps})
    if(d MATCHES "^xb[a-z]+$")
      list(APPEND fdeps ${d}_fuzz)
    else()
      list(APPEND fdeps ${d})
    endif()
  endforeach()
  target_link_libraries(${lib}_fuzz PUBLIC ${fdeps})
endfunction()

xb_fuzz_lib(xbcommon)
xb_fuzz_lib(xbpolicy)
xb_fuzz_lib(xbconfig)

# The protocol decoders alone: proto.c needs only common and jansson (the
# rest of xbproto calls into the daemon).
add_library(xbproto_fuzz STATIC ${CMAKE_SOURCE_DIR}/controller/ctl/proto.c)
target_compile_options(xbproto_fuzz PRIVATE ${XB_FUZZ_FLAGS})
target_include_directories(xbproto_fuzz PUBLIC ${CMAKE_SOURCE_DIR}/controller/ctl)
target_link_libraries(xbproto_fuzz PUBLIC xbcommon_fuzz PkgConfig::JANSSON)

# xb_fuzz_target(NAME LIB MAX_LEN [EXTRA-SEED-DIRS...])
function(xb_fuzz_target name lib max_len)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/${name}.c)
  target_compile_options(${name} PRIVATE ${XB_FUZZ_FLAGS})
  target_link_options(${name} PRIVATE
                      -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE ${lib})
  set(work ${CMAKE_CURRENT_BINARY_DIR}/fuzz-corpus/${name})
  file(MAKE_DIRECTORY ${work})
  add_test(NAME ${name}
           COMMAND ${name} -max_total_time=${XB_FUZZ_TIME}
                   -runs=50000000 -timeout=10 -rss_limit_mb=2048
                   -max_len=${max_len} -print_final_stats=1
                   ${work} ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${name}
                   ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS fuzz
    TIMEOUT 300
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
endfunction()

xb_fuzz_target(fuzz_record xbcommon_fuzz 4096)
xb_fuzz_target(fuzz_proto xbproto_fuzz 8192)
xb_fuzz_target(fuzz_config xbconfig_fuzz 16384
               ${CMAKE_CURRENT_SOURCE_DIR}/config)
# The agent's side: dom0's status line and the agent settings it reads
# as untrusted input, and the policy parameter parser (with the shared
# size and duration parser under it).
xb_fuzz_target(fuzz_gstatus xbcommon_fuzz 2048)
xb_fuzz_target(fuzz_gtune xbcommon_fuzz 2048)
xb_fuzz_target(fuzz_polparam xbpolicy_fuzz 4096)
