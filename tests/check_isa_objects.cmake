# No weak function may be defined both in an object compiled for one ISA (a kernel variant built with
# -mavx2 / -mavx512f / +dotprod ...) and in an object compiled for another ISA or for the baseline. A
# weak (COMDAT) function, such as an inline std:: function or a template instance, is emitted in every
# object that uses it and the linker keeps one copy for all callers: if it keeps the AVX-512 copy,
# baseline code runs AVX-512 instructions before any CPU check (seen in an -O0 build with
# std::nearbyint). Weak functions that only objects of one ISA define are harmless.
#   cmake -DNM=<nm> -DOBJECTS="a.o|b.o|..." -P check_isa_objects.cmake
string(REPLACE "|" ";" objects "${OBJECTS}")
set(isa_objects 0)
set(bad "")
set(symbols_seen "")
foreach(object IN LISTS objects)
  if(object MATCHES "/(avx2|avx512|avx512vnni|neon|neon_dotprod|neon_i8mm)(_[^/]*)?\\.cpp\\.o(bj)?$")
    set(label "${CMAKE_MATCH_1}")
    math(EXPR isa_objects "${isa_objects} + 1")
  else()
    set(label "baseline")
  endif()
  execute_process(COMMAND ${NM} --defined-only ${object} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${object}")
  endif()
  string(REPLACE "\n" ";" lines "${symbols}")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^[0-9a-fA-F]+ [Wi] (.*)$")
      continue()
    endif()
    set(symbol "${CMAKE_MATCH_1}")
    string(MD5 key "${symbol}")
    if(NOT DEFINED first_label_${key})
      set(first_label_${key} "${label}")
      set(first_object_${key} "${object}")
    elseif(NOT first_label_${key} STREQUAL label)
      string(APPEND bad "\n  ${symbol}\n    in ${first_object_${key}} (${first_label_${key}})"
                       "\n    and ${object} (${label})")
    endif()
  endforeach()
endforeach()
if(NOT bad STREQUAL "")
  message(FATAL_ERROR "weak functions shared by objects of different ISAs (give them internal "
                      "linkage, or use a compiler builtin):${bad}")
endif()
message(STATUS "${isa_objects} ISA objects share no weak function with other ISAs or the baseline")
