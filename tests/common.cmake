# SPDX-License-Identifier: GPL-2.0-only
# Unit suites for common/: the stats record, the /proc readers (against the
# kernel-generation fixtures), the log rate limiter and error lists.
xb_check_test(test_record SOURCES unit/test_record.c LIBS xbcommon)
xb_check_test(test_procfs SOURCES unit/test_procfs.c LIBS xbcommon)
xb_check_test(test_ratelimit SOURCES unit/test_ratelimit.c LIBS xbcommon)
xb_check_test(test_errlist SOURCES unit/test_errlist.c LIBS xbcommon)
xb_check_test(test_rate SOURCES unit/test_rate.c LIBS xbcommon m)
xb_check_test(test_quote SOURCES unit/test_quote.c LIBS xbcommon)
