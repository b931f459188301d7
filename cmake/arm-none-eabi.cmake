# Toolchain: Cortex-M with arm-none-eabi-gcc 12 and newlib, for qemu's MPS2 boards.
# CTML_ARM_CPU cortex-m4 (default): hard-float, mps2-an386; cortex-m3: soft-float, mps2-an385.
# The board's linker script (CTML_ARM_LDSCRIPT, bench/target/cortex-m/<board>.ld) and start-up code
# (bench/target/cortex-m/startup.c, target.c) are added by the firmware targets (tests/target:
# target_link_options(fw PRIVATE -T${CTML_ARM_LDSCRIPT})), not globally, so libraries and
# try_compile stay board-neutral. Executables need that script: the global link flags include
# -nostartfiles (startup.c is the start-up code; it runs the constructors itself).
# Run firmware with: bench/target/cortex-m/qemu_run.py --machine ${CTML_QEMU_MACHINE} fw.elf
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CTML_TARGET "cortex-m" CACHE STRING "ctml build target" FORCE)
set(CTML_ARM_CPU "cortex-m4" CACHE STRING "cortex-m4 (mps2-an386) or cortex-m3 (mps2-an385)")

find_program(CMAKE_C_COMPILER arm-none-eabi-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER arm-none-eabi-g++ REQUIRED)
find_program(CTML_SIZE arm-none-eabi-size REQUIRED)
find_program(CTML_NM arm-none-eabi-nm REQUIRED)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(CTML_ARM_CPU STREQUAL "cortex-m4")
  set(_ctml_cpu "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
  set(CTML_QEMU_MACHINE "mps2-an386" CACHE STRING "" FORCE)
elseif(CTML_ARM_CPU STREQUAL "cortex-m3")
  set(_ctml_cpu "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
  set(CTML_QEMU_MACHINE "mps2-an385" CACHE STRING "" FORCE)
else()
  message(FATAL_ERROR "CTML_ARM_CPU must be cortex-m4 or cortex-m3, not ${CTML_ARM_CPU}")
endif()
set(CTML_ARM_LDSCRIPT "${CMAKE_CURRENT_LIST_DIR}/../bench/target/cortex-m/${CTML_QEMU_MACHINE}.ld" CACHE FILEPATH "" FORCE)

set(CMAKE_C_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_ctml_cpu} -Wl,--gc-sections --specs=nano.specs --specs=nosys.specs -nostartfiles")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_CXX_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
