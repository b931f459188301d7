# Toolchain: C++20 for the ATmega328P (or CTML_AVR_MCU) with clang-16, linked by avr-gcc against
# avr-libc.  cmake --preset avr, or -DCMAKE_TOOLCHAIN_FILE=cmake/avr-clang.cmake [-DCTML_AVR_MCU=...]
#
# - Debian's avr-gcc (5.4) cannot compile C++20, so clang-16 compiles (clang-14 miscompiles calls
#   with large stack-argument areas) and avr-gcc only links: it knows avr-libc's start-up files,
#   linker scripts and libraries for the part.
# - Never -ffreestanding (clang then mangles main). clang ignores PROGMEM: constants go in
#   [[gnu::section(".progmem.data")]] and are read with pgm_read_byte/word (lpm).
# - The header-only parts of the C++ library (<type_traits> <utility> <array> <concepts> <limits>
#   <bit> <cstdint>) come from the libstdc++ headers of Debian's libstdc++-arm-none-eabi-newlib.
#   Their bits/c++config.h (thumb/v6-m/nofp) is target-neutral for these headers; <cstdint>
#   includes avr-libc's <stdint.h> (avr-libc's include dir is on the path), so int is 16 bits,
#   size_t 16 bits, as for avr-gcc. Headers that need the C library or the OS (<cmath>, <cstdlib>,
#   <string>, ...) are not usable: that configuration says "hosted newlib".
# - Use CMAKE_BUILD_TYPE MinSizeRel (the preset does): -Os is in the base flags, but CMake appends
#   -O3 for Release.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR avr)
set(CTML_TARGET "avr" CACHE STRING "ctml build target" FORCE)
set(CTML_AVR_MCU "atmega328p" CACHE STRING "AVR part (clang -mmcu and avr-gcc -mmcu)")

# The part's memories, for ctml_add_model's budgets and ctml_check_size (known parts; others set them).
set(_ctml_parts "atmega328p:32768:2048" "atmega328pb:32768:2048" "atmega168:16384:1024" "atmega644p:65536:4096"
    "atmega1284p:131072:16384" "atmega2560:262144:8192" "atmega32u4:32768:2560")
foreach(p IN LISTS _ctml_parts)
  string(REPLACE ":" ";" p "${p}")
  list(GET p 0 mcu)
  if(mcu STREQUAL CTML_AVR_MCU)
    list(GET p 1 _ctml_flash)
    list(GET p 2 _ctml_ram)
  endif()
endforeach()
if(DEFINED _ctml_flash)
  set(CTML_FLASH_BYTES ${_ctml_flash} CACHE STRING "flash of the part, bytes")
  set(CTML_RAM_BYTES ${_ctml_ram} CACHE STRING "RAM of the part, bytes")
endif()

find_program(CTML_CLANG clang-16 REQUIRED)
find_program(CTML_CLANGXX clang++-16 REQUIRED)
find_program(CTML_AVR_GCC avr-gcc REQUIRED)
find_program(CTML_SIZE avr-size REQUIRED)
find_program(CTML_NM avr-nm REQUIRED)
find_program(CTML_OBJCOPY avr-objcopy REQUIRED)
find_program(CTML_OBJDUMP avr-objdump)
set(CMAKE_C_COMPILER ${CTML_CLANG})
set(CMAKE_CXX_COMPILER ${CTML_CLANGXX})
# CMake passes --target=avr from these.
set(CMAKE_C_COMPILER_TARGET avr)
set(CMAKE_CXX_COMPILER_TARGET avr)
set(CMAKE_SIZE ${CTML_SIZE})
set(CMAKE_NM ${CTML_NM})
set(CMAKE_OBJCOPY ${CTML_OBJCOPY})
# CMake's compiler checks cannot link a program for the part on their own.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CTML_AVR_LIBC_INCLUDE "/usr/lib/avr/include" CACHE PATH "avr-libc's headers")
set(CTML_AVR_STDCXX_INCLUDE "/usr/include/newlib/c++/12.2.1" CACHE PATH "Freestanding-usable libstdc++ headers")
set(CTML_AVR_STDCXX_CONFIG_INCLUDE "${CTML_AVR_STDCXX_INCLUDE}/arm-none-eabi/thumb/v6-m/nofp"
    CACHE PATH "The libstdc++ configuration headers (bits/c++config.h)")

set(_ctml_avr_common "-mmcu=${CTML_AVR_MCU} -Os -ffunction-sections -fdata-sections -isystem ${CTML_AVR_LIBC_INCLUDE}")
set(CMAKE_C_FLAGS_INIT "${_ctml_avr_common}")
# -fbracket-depth: a forest of more than 256 trees folds over more than clang's default 256.
set(CMAKE_CXX_FLAGS_INIT "${_ctml_avr_common} -fbracket-depth=1024 -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc++ -isystem ${CTML_AVR_STDCXX_INCLUDE} -isystem ${CTML_AVR_STDCXX_CONFIG_INCLUDE}")
set(CMAKE_ASM_FLAGS_INIT "-mmcu=${CTML_AVR_MCU}")

# avr-gcc links (no compile flags: it does not know clang's --target/-nostdinc++). No --relax:
# it would turn some call into rcall and change measured call costs.
set(CMAKE_C_LINK_EXECUTABLE
    "${CTML_AVR_GCC} -mmcu=${CTML_AVR_MCU} -Wl,--gc-sections <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set(CMAKE_CXX_LINK_EXECUTABLE "${CMAKE_C_LINK_EXECUTABLE}")
set(CMAKE_EXECUTABLE_SUFFIX "")
set(CMAKE_EXECUTABLE_SUFFIX_C "")
set(CMAKE_EXECUTABLE_SUFFIX_CXX "")

# Host programs (python3, the runner's compiler) are found as usual.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
