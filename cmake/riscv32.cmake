# Toolchain: RISC-V rv32imc (ilp32, soft-float) with Debian's riscv64-unknown-elf-gcc 12 and
# picolibc, for qemu's virt machine (qemu-system-riscv32 -M virt -bios none).
# - Debian ships no libstdc++ for riscv64-unknown-elf: the header-only parts of the C++ library
#   (<type_traits> <utility> <array> <limits> <bit> <cstdint>) come from the libstdc++ 12 headers of
#   libstdc++-arm-none-eabi-newlib, as on AVR (cmake/avr-clang.cmake): their thumb/v6-m/nofp
#   bits/c++config.h is target-neutral for these headers; <cstdint> includes picolibc's <stdint.h>.
# - picolibc has rv32im but no rv32imc multilib; gcc picks rv32im/ilp32 for -march=rv32imc, whose
#   uncompressed code links with compressed code.
# - The linker script (CTML_RISCV_LDSCRIPT, bench/target/riscv/virt.ld) and start-up code
#   (bench/target/riscv/startup.c, target.c) are added by the firmware targets (tests/target).
# Run firmware with: bench/target/cortex-m/qemu_run.py fw.elf (it reads the ELF's machine).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CTML_TARGET "riscv" CACHE STRING "ctml build target" FORCE)
set(CTML_QEMU_MACHINE "virt" CACHE STRING "" FORCE)

find_program(CMAKE_C_COMPILER riscv64-unknown-elf-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++ REQUIRED)
find_program(CTML_SIZE riscv64-unknown-elf-size REQUIRED)
find_program(CTML_NM riscv64-unknown-elf-nm REQUIRED)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CTML_RISCV_STDCXX_INCLUDE "/usr/include/newlib/c++/12.2.1" CACHE PATH "Freestanding-usable libstdc++ headers")
set(CTML_RISCV_STDCXX_CONFIG_INCLUDE "${CTML_RISCV_STDCXX_INCLUDE}/arm-none-eabi/thumb/v6-m/nofp"
    CACHE PATH "The libstdc++ configuration headers (bits/c++config.h)")
# The budgets the target firmware checks with ctml::fits (virt.ld's "flash" and default stack).
set(CTML_BOARD_FLASH 4194304 CACHE INTERNAL "flash bytes (ctml::fits budget)" FORCE)
set(CTML_BOARD_STACK 16384 CACHE INTERNAL "default stack bytes (ctml::fits RAM budget)" FORCE)
# bench/target in the source tree, share/ctml/target beside share/ctml/cmake in an install.
set(_ctml_support "${CMAKE_CURRENT_LIST_DIR}/../bench/target")
if(NOT EXISTS "${_ctml_support}")
  set(_ctml_support "${CMAKE_CURRENT_LIST_DIR}/../target")
endif()
set(CTML_RISCV_LDSCRIPT "${_ctml_support}/riscv/virt.ld" CACHE FILEPATH "" FORCE)
# The part's memories, for ctml_add_model's budgets and ctml_check_size (virt.ld's); set your part's.
set(CTML_FLASH_BYTES 4194304 CACHE STRING "flash of the part, bytes")
set(CTML_RAM_BYTES 4194304 CACHE STRING "RAM of the part, bytes")

set(_ctml_cpu "-march=rv32imc -mabi=ilp32 -mcmodel=medlow --specs=picolibc.specs")
set(CMAKE_C_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${_ctml_cpu} -Os -ffunction-sections -fdata-sections -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc++ -isystem ${CTML_RISCV_STDCXX_INCLUDE} -isystem ${CTML_RISCV_STDCXX_CONFIG_INCLUDE}")
# The compile flags (with the specs) are on the link line too: the specs once.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections -nostartfiles")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_CXX_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# The C driver links C++ firmware too: there is no libstdc++ to link (nothing ctml uses needs it).
set(CMAKE_CXX_LINK_EXECUTABLE "<CMAKE_C_COMPILER> ${_ctml_cpu} <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
