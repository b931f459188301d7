// Target detection: the only place that knows which chip ctml is compiled for.
// Everything target-specific in ctml keys off these constants, never off compiler macros directly
// (the instruction-set kernels in dot.hpp test the ACLE feature macros they use).
#pragma once

namespace ctml::platform {

#if defined(__AVR__)
inline constexpr bool is_avr = true;
#else
inline constexpr bool is_avr = false;
#endif

// Any Cortex-M: v6-M (M0/M0+), v7-M (M3), v7E-M (M4, M7), v8-M (M33), v8.1-M (M55).
#if defined(__arm__) && !defined(__linux__)
inline constexpr bool is_cortex_m = true;
#else
inline constexpr bool is_cortex_m = false;
#endif

// Cortex-M0/M0+ (ARMv6-M, Thumb-1 only): no DSP, no divide, no 64-bit multiply (SMLAL/UMULL).
#if defined(__arm__) && !defined(__linux__) && __ARM_ARCH_ISA_THUMB == 1
inline constexpr bool is_armv6m = true;
#else
inline constexpr bool is_armv6m = false;
#endif

// Bare-metal RISC-V (rv32imc and the like).
#if defined(__riscv) && !defined(__linux__)
inline constexpr bool is_riscv = true;
#else
inline constexpr bool is_riscv = false;
#endif

inline constexpr bool is_host = !is_avr && !is_cortex_m && !is_riscv;

// Cortex-M55 and other cores with Helium (the MVE integer instructions).
#if defined(__arm__) && defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
inline constexpr bool has_mve = true;
#else
inline constexpr bool has_mve = false;
#endif

// Whether a 32-bit division is one instruction (not a library loop): not on AVR, not on ARMv6-M,
// not on a RISC-V without the M extension.
#if defined(__AVR__) || (defined(__arm__) && !defined(__ARM_FEATURE_IDIV)) || (defined(__riscv) && !defined(__riscv_div))
inline constexpr bool has_divide = false;
#else
inline constexpr bool has_divide = true;
#endif

// Rough code bytes one unrolled tree decision costs on this target (used by layout::automatic).
inline constexpr unsigned unrolled_bytes_per_node = is_avr ? 10 : (is_cortex_m || is_riscv ? 8 : 12);

}  // namespace ctml::platform

namespace ctml::platform {
// An upper bound of the stack one inference call itself takes (return address, saved registers,
// spills) beyond a model's own scratch; the target tests check ram_bytes against the measured peak.
// Measured by the target harness (region stack - the model's own scratch, the worst model): up to
// 84 B on AVR (clang-16 saves up to 18 call-saved registers around the walk and vote loops; iris_ada's
// 150 unrolled trees run in a second, non-inlined function with its own saved registers), up to
// 80 B on a Cortex-M3 (soft-float calls), 88 B on the M7, 92 B on the M33 and M55 (digits_rf),
// 104 B on the M0 (digits_rf: Thumb-1 keeps fewer values in registers), 160 B on RISC-V rv32imc
// (diabetes_nusvr, unrolled: soft-float calls, 12 saved registers). Each is the measurement
// plus at least 4 B, rounded to 8. The maximum over -Os, -O2 and -O3 (presets avr-O2/-O3,
// cortex-m-O2/-O3): the unrolled iris SVC took 21 B more at -O2 on the M4 than 96 allowed, so every
// Cortex-M figure has 48 B on top; AVR stays inside at every level.
inline constexpr unsigned call_frame_bytes =
    is_avr ? 88 : (is_armv6m ? 112 + 48 : (is_cortex_m ? 96 + 48 : (is_riscv ? 168 : 256)));
}  // namespace ctml::platform
