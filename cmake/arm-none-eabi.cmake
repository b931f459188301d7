# Toolchain: Cortex-M with arm-none-eabi-gcc 12 and newlib, for qemu's boards. CTML_ARM_CPU picks
# the core, its flags and the qemu machine that emulates it:
#   cortex-m0   soft-float (v6-M)             microbit     (nRF51: 256 KB flash, 16 KB RAM; inline
#               assembly in unified syntax, as GCC assumes for v7-M: -masm-syntax-unified)
#   cortex-m3   soft-float (v7-M)             mps2-an385
#   cortex-m4   hard-float fpv4-sp (v7E-M)    mps2-an386   (the default)
#   cortex-m7   hard-float fpv5-d16 (v7E-M)   mps2-an500
#   cortex-m33  hard-float fpv5-sp (v8-M, DSP) mps2-an505  (secure state)
#   cortex-m55  hard-float + MVE (v8.1-M)     mps3-an547
# The board's linker script (CTML_ARM_LDSCRIPT, bench/target/cortex-m/<board>.ld, which INCLUDEs
# sections.ld) and start-up code (bench/target/cortex-m/startup.c, target.c) are added by the
# firmware targets (tests/target: ctml_target_link), not globally, so libraries and try_compile
# stay board-neutral. Executables need that script: the global link flags include -nostartfiles
# (startup.c is the start-up code; it runs the constructors itself).
# Run firmware with: bench/target/cortex-m/qemu_run.py --machine ${CTML_QEMU_MACHINE} fw.elf
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CTML_TARGET "cortex-m" CACHE STRING "ctml build target" FORCE)
set(CTML_ARM_CPU "cortex-m4" CACHE STRING "cortex-m0, cortex-m3, cortex-m4, cortex-m7, cortex-m33 or cortex-m55")

find_program(CMAKE_C_COMPILER arm-none-eabi-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER arm-none-eabi-g++ REQUIRED)
find_program(CTML_SIZE arm-none-eabi-size REQUIRED)
find_program(CTML_NM arm-none-eabi-nm REQUIRED)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# cpu -> "flags;machine;linker script;flash bytes;default stack bytes" (the last two: the budgets
# the target firmware checks with ctml::fits, as the board's linker script sets them)
set(_ctml_boards_cortex-m0 "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft -masm-syntax-unified;microbit;microbit;262144;12288")
set(_ctml_boards_cortex-m3 "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft;mps2-an385;mps2;4194304;16384")
set(_ctml_boards_cortex-m4 "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16;mps2-an386;mps2;4194304;16384")
set(_ctml_boards_cortex-m7 "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16;mps2-an500;mps2;4194304;16384")
set(_ctml_boards_cortex-m33 "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16;mps2-an505;mps2-an505;4194304;16384")
set(_ctml_boards_cortex-m55 "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard;mps3-an547;mps3-an547;524288;16384")
if(NOT DEFINED _ctml_boards_${CTML_ARM_CPU})
  message(FATAL_ERROR "CTML_ARM_CPU must be cortex-m0, cortex-m3, cortex-m4, cortex-m7, cortex-m33 or cortex-m55, not ${CTML_ARM_CPU}")
endif()
list(GET _ctml_boards_${CTML_ARM_CPU} 0 _ctml_cpu)
list(GET _ctml_boards_${CTML_ARM_CPU} 1 _ctml_machine)
list(GET _ctml_boards_${CTML_ARM_CPU} 2 _ctml_ld)
list(GET _ctml_boards_${CTML_ARM_CPU} 3 _ctml_flash)
list(GET _ctml_boards_${CTML_ARM_CPU} 4 _ctml_stack)
set(CTML_BOARD_FLASH "${_ctml_flash}" CACHE INTERNAL "flash bytes (ctml::fits budget)" FORCE)
set(CTML_BOARD_STACK "${_ctml_stack}" CACHE INTERNAL "default stack bytes (ctml::fits RAM budget)" FORCE)
set(CTML_QEMU_MACHINE "${_ctml_machine}" CACHE STRING "" FORCE)
# bench/target in the source tree, share/ctml/target beside share/ctml/cmake in an install.
set(_ctml_support "${CMAKE_CURRENT_LIST_DIR}/../bench/target")
if(NOT EXISTS "${_ctml_support}")
  set(_ctml_support "${CMAKE_CURRENT_LIST_DIR}/../target")
endif()
set(CTML_ARM_LDSCRIPT "${_ctml_support}/cortex-m/${_ctml_ld}.ld" CACHE FILEPATH "" FORCE)
# The part's memories, for ctml_add_model's budgets and ctml_check_size: the board's (its linker
# script's FLASH and RAM); set CTML_FLASH_BYTES / CTML_RAM_BYTES to your part's.
if(CTML_ARM_CPU STREQUAL "cortex-m0")
  set(_ctml_ram 16384)
elseif(CTML_ARM_CPU STREQUAL "cortex-m55")
  set(_ctml_ram 524288)
else()
  set(_ctml_ram 4194304)
endif()
set(CTML_FLASH_BYTES "${_ctml_flash}" CACHE STRING "flash of the part, bytes")
set(CTML_RAM_BYTES "${_ctml_ram}" CACHE STRING "RAM of the part, bytes")

set(CMAKE_C_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_ctml_cpu} -Wl,--gc-sections --specs=nano.specs --specs=nosys.specs -nostartfiles")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_CXX_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
