# ctml_add_model(<target> NAME <name> SOURCE <model file> [ALLOW_PICKLE] [VECTORS] [OUTPUT_DIR <dir>]
#                [ARGS <extra codegen arguments>...] [DEPENDS <files>...])
# Runs codegen at build time, so the header is regenerated whenever the trained model changes (or
# a file in DEPENDS: a network's calibration inputs, e.g. ARGS --sample calib.npy DEPENDS calib.npy).
# <target> becomes an INTERFACE library whose include path holds <name>.hpp. A TFLite int8 model
# (SOURCE model.tflite) needs no ARGS: it carries its own quantization. VECTORS declares
# <name>_vectors.hpp an output too, for ARGS that write it (--vectors data.npz, or for a .tflite
# --test-codes N: N deterministic int8 inputs with the numpy reference's outputs).
# The target and the part come from the toolchain file (cmake/avr-clang.cmake, arm-none-eabi.cmake):
# codegen gets --target and the part's --flash-budget/--ram-budget (CTML_FLASH_BYTES, CTML_RAM_BYTES),
# unless ARGS gives them. ctml_check_size(<executable>) adds the link-time check of the whole firmware.
if(NOT DEFINED CTML_CODEGEN_DIR)
  set(CTML_CODEGEN_DIR "${CMAKE_CURRENT_LIST_DIR}/../codegen")
endif()

function(ctml_add_model target)
  cmake_parse_arguments(M "ALLOW_PICKLE;VECTORS" "NAME;SOURCE;OUTPUT_DIR" "ARGS;DEPENDS" ${ARGN})
  if(NOT M_NAME OR NOT M_SOURCE)
    message(FATAL_ERROR "ctml_add_model(${target}): NAME and SOURCE are required")
  endif()
  if(NOT M_OUTPUT_DIR)
    set(M_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/ctml_models")
  endif()
  set(extra ${M_ARGS})
  if(NOT "--target" IN_LIST extra)
    if(CTML_TARGET STREQUAL "avr")
      list(APPEND extra --target avr)
    elseif(CTML_TARGET STREQUAL "cortex-m")
      list(APPEND extra --target cortex-m)   # every Cortex-M core (codegen's cortex-m figures)
    endif()   # riscv: codegen has no figures of its own; the part's budgets below still apply

  endif()
  if(DEFINED CTML_FLASH_BYTES AND NOT "--flash-budget" IN_LIST extra)
    list(APPEND extra --flash-budget ${CTML_FLASH_BYTES})
  endif()
  if(DEFINED CTML_RAM_BYTES AND NOT "--ram-budget" IN_LIST extra)
    list(APPEND extra --ram-budget ${CTML_RAM_BYTES})
  endif()
  if(M_ALLOW_PICKLE)
    list(APPEND extra --allow-pickle)
  endif()
  get_filename_component(src "${M_SOURCE}" ABSOLUTE)
  set(deps "${src}")
  foreach(f IN LISTS M_DEPENDS)
    get_filename_component(f "${f}" ABSOLUTE)
    list(APPEND deps "${f}")
  endforeach()
  set(header "${M_OUTPUT_DIR}/${M_NAME}.hpp")
  set(outputs "${header}")
  if(M_VECTORS)
    list(APPEND outputs "${M_OUTPUT_DIR}/${M_NAME}_vectors.hpp")
  endif()
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${CTML_CODEGEN_DIR}"
            ${CTML_PYTHON} -m ctml_codegen convert "${src}" --name ${M_NAME} --out "${M_OUTPUT_DIR}" ${extra}
    DEPENDS ${deps}
    COMMENT "ctml: converting ${M_SOURCE} into ${M_NAME}.hpp"
    VERBATIM)
  add_custom_target(${target}_codegen DEPENDS ${outputs})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_codegen)
  target_include_directories(${target} INTERFACE "${M_OUTPUT_DIR}")
  target_link_libraries(${target} INTERFACE ctml::ctml)
endfunction()

# ctml_check_size(<executable>): after linking, fails the build when the firmware's flash or static
# RAM exceed the part's (CTML_FLASH_BYTES / CTML_RAM_BYTES, set by the toolchain file or the user).
# flash_bytes is a compile-time estimate; this is the linker's figure for the user's whole firmware.
set(_ctml_cmake_dir "${CMAKE_CURRENT_LIST_DIR}")
function(ctml_check_size exe)
  set(size_tool ${CTML_SIZE})
  if(NOT size_tool)
    set(size_tool ${CMAKE_SIZE})
  endif()
  if(NOT DEFINED CTML_FLASH_BYTES OR NOT DEFINED CTML_RAM_BYTES OR NOT size_tool)
    return()  # the host: no part
  endif()
  add_custom_command(TARGET ${exe} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DSIZE=${size_tool} -DELF=$<TARGET_FILE:${exe}> -DFLASH=${CTML_FLASH_BYTES}
            -DRAM=${CTML_RAM_BYTES} -P ${_ctml_cmake_dir}/ctml_check_size.cmake
    VERBATIM)
endfunction()
