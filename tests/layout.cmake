# SPDX-License-Identifier: GPL-2.0-only
# controller/'s layout (tools/check-layout): no file over 400 lines
# without a reason at its top, no include circle between files or folders.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME layout_circles
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/check-layout
                   ${CMAKE_SOURCE_DIR})
else()
  add_test(NAME layout_circles COMMAND sh -c "echo 'python3 not found'; exit 77")
endif()
set_tests_properties(layout_circles PROPERTIES LABELS unit
                     SKIP_RETURN_CODE 77 TIMEOUT 60)
