// Target detection: the only place that knows which chip ctml is compiled for.
// Everything target-specific in ctml keys off these constants, never off compiler macros directly.
#pragma once

namespace ctml::platform {

#if defined(__AVR__)
inline constexpr bool is_avr = true;
#else
inline constexpr bool is_avr = false;
#endif

#if defined(__arm__) && !defined(__linux__)
inline constexpr bool is_cortex_m = true;
#else
inline constexpr bool is_cortex_m = false;
#endif

inline constexpr bool is_host = !is_avr && !is_cortex_m;

// Rough code bytes one unrolled tree decision costs on this target (used by layout::automatic).
inline constexpr unsigned unrolled_bytes_per_node = is_avr ? 10 : (is_cortex_m ? 8 : 12);

}  // namespace ctml::platform

namespace ctml::platform {
// An upper bound of the stack one inference call itself takes (return address, saved registers,
// spills) beyond a model's own scratch; the target tests check ram_bytes against the measured peak.
// Measured by the target harness: up to 65 B on AVR (clang-16 saves up to 18 call-saved registers
// around the walk and vote loops), up to 80 B on a Cortex-M3 (soft-float calls).
inline constexpr unsigned call_frame_bytes = is_avr ? 72 : (is_cortex_m ? 96 : 256);
}  // namespace ctml::platform
