# Runs CMD ('|'-separated), saves its stdout to OUT, and fails when CMD fails (the firmware's
# exit status, or the simulator's: 124 time-out, 125 crash).
string(REPLACE "|" ";" CMD "${CMD}")
execute_process(COMMAND ${CMD} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc ERROR_VARIABLE err)
file(READ ${OUT} text)
string(REGEX MATCH "agree [0-9]+/[0-9]+" agree "${text}")
message(STATUS "${agree}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit status ${rc}\n${err}\n${agree}")
endif()
