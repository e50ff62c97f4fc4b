# SPDX-License-Identifier: GPL-2.0-only
# The controller core: balancer invariants, domain table and record intake,
# the lifecycle states (paused, suspended, migrating).
xb_check_test(test_balancer SOURCES unit/test_balancer.c LIBS xbcore)
xb_check_test(test_domain SOURCES unit/test_domain.c LIBS xbcore)
xb_check_test(test_lifecycle SOURCES unit/test_lifecycle.c LIBS xbcore)
xb_check_test(test_capacity SOURCES unit/test_capacity.c LIBS xbcore)
