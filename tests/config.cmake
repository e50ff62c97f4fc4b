# SPDX-License-Identifier: GPL-2.0-only
# The config schema suite: parsers, cfg_resolve, the cfg_to_json round
# trip, the golden cases in tests/config/ and the man page drift check.
# It reads those files from the source tree (XB_SRCDIR).
xb_check_test(test_cfg SOURCES unit/test_config.c LIBS xbconfig)
target_compile_definitions(test_cfg PRIVATE XB_SRCDIR="${CMAKE_SOURCE_DIR}")
