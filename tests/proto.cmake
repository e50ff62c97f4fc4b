# SPDX-License-Identifier: GPL-2.0-only
# The control plane: protocol and command table (test_proto), the server
# over a real socket (test_control); both against a fake daemon.
xb_check_test(test_proto SOURCES unit/test_proto.c unit/fake_daemon.c
              LIBS xbproto)
xb_check_test(test_control SOURCES unit/test_control.c unit/fake_daemon.c
              LIBS xbproto)
# The shared size and duration parser through every interface using it.
xb_check_test(test_number SOURCES unit/test_number.c unit/fake_daemon.c
              LIBS xbproto)
