/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The main() every plain check suite shares: run the suite, exit non-zero
 * if anything failed.  A suite file ends with XB_CHECK_MAIN(its_suite).
 */
#ifndef XB_TESTS_CHECK_MAIN_H
#define XB_TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int
xb_check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#define XB_CHECK_MAIN(suite_fn)                                                \
    int main(void)                                                             \
    {                                                                          \
        return xb_check_run(suite_fn());                                       \
    }

#endif
