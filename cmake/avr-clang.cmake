# Toolchain: C++20 for the ATmega328P (or CTML_AVR_MCU) with clang-16, linked by avr-gcc
# against avr-libc. Debian's avr-gcc (5.4) cannot compile C++20; clang-14 miscompiles calls with
# large stack-argument areas, so clang-16. The header-only parts of the C++ standard library
# come from the freestanding libstdc++ headers of libstdc++-arm-none-eabi-newlib (their
# configuration header is target-neutral for these headers). See DEVELOPERS.md.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR avr)
set(CTML_TARGET "avr" CACHE STRING "ctml build target" FORCE)
set(CTML_AVR_MCU "atmega328p" CACHE STRING "AVR part (clang -mmcu and avr-gcc -mmcu)")

find_program(CTML_CLANG clang-16 REQUIRED)
find_program(CTML_CLANGXX clang++-16 REQUIRED)
find_program(CTML_AVR_GCC avr-gcc REQUIRED)
find_program(CTML_SIZE avr-size REQUIRED)
find_program(CTML_NM avr-nm REQUIRED)
set(CMAKE_C_COMPILER ${CTML_CLANG})
set(CMAKE_CXX_COMPILER ${CTML_CLANGXX})
set(CMAKE_C_COMPILER_TARGET avr)
set(CMAKE_CXX_COMPILER_TARGET avr)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(_ctml_avr_common "-mmcu=${CTML_AVR_MCU} -ffunction-sections -fdata-sections -isystem /usr/lib/avr/include")
set(_ctml_stdcxx "/usr/include/newlib/c++/12.2.1")
set(CMAKE_C_FLAGS_INIT "${_ctml_avr_common}")
set(CMAKE_CXX_FLAGS_INIT "${_ctml_avr_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -nostdinc++ -isystem ${_ctml_stdcxx} -isystem ${_ctml_stdcxx}/arm-none-eabi/thumb/v6-m/nofp")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
set(CMAKE_CXX_FLAGS_MINSIZEREL_INIT "-Os")

# avr-gcc links: it knows avr-libc's start-up files and libraries for the part.
set(CMAKE_C_LINK_EXECUTABLE "${CTML_AVR_GCC} -mmcu=${CTML_AVR_MCU} -Wl,--gc-sections <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set(CMAKE_CXX_LINK_EXECUTABLE "${CMAKE_C_LINK_EXECUTABLE}")
set(CMAKE_EXECUTABLE_SUFFIX "")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
