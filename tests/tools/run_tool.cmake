# Runs the monoquant tool once and checks what a ctest property cannot: an exact exit code, several
# patterns that must all appear in the output, files that must not exist afterwards.
#   cmake -DTOOL=path [-DEMULATOR=list] [-DARGS=list] [-DEXIT_CODE=n] [-DMATCH=list of regexes]
#         [-DNO_MATCH=regex] [-DREMOVE=list of paths] [-DABSENT=list of paths] -P run_tool.cmake
# EMULATOR is the cross build's CMAKE_CROSSCOMPILING_EMULATOR (the tool then runs under qemu, as
# every other test of that build does). REMOVE is deleted first, so that ABSENT proves that this run
# wrote nothing there. Output is stdout and stderr together, printed for ctest --output-on-failure.
cmake_minimum_required(VERSION 3.25)
if(NOT DEFINED EXIT_CODE)
  set(EXIT_CODE 0)
endif()
foreach(path IN LISTS REMOVE)
  file(REMOVE "${path}")
endforeach()
execute_process(COMMAND ${EMULATOR} "${TOOL}" ${ARGS}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(JOIN " " command ${ARGS})
message("$ monoquant ${command}\n${out}(exit code ${code})")
set(problems "")
if(NOT code STREQUAL EXIT_CODE)
  string(APPEND problems "  the exit code is ${code}, expected ${EXIT_CODE}\n")
endif()
foreach(regex IN LISTS MATCH)
  if(NOT out MATCHES "${regex}")
    string(APPEND problems "  the output does not match '${regex}'\n")
  endif()
endforeach()
if(DEFINED NO_MATCH AND out MATCHES "${NO_MATCH}")
  string(APPEND problems "  the output matches '${NO_MATCH}', which it must not\n")
endif()
foreach(path IN LISTS ABSENT)
  if(EXISTS "${path}")
    string(APPEND problems "  '${path}' exists, and must not\n")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "failed:\n${problems}")
endif()
