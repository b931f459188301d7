// Dot products of int8 weights in flash with int8 activations in RAM, the inner loop of every
// network layer (CMSIS-NN's arm_nn_vec_mat_mult_t_s8 is the analogue). On AVR an assembly loop
// (lpm Z+, ld X+, muls, 32-bit add) takes 18-22 cycles a term where clang's code took ~40
// (measured on the digits MLP); on Cortex-M4/M7 SXTB16 + SMLAD take four taps per step;
// elsewhere, and in constant expressions, plain C++.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "flash.hpp"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#endif

namespace ctml::platform {

struct dot_result {
  std::int32_t acc;   // sum of w[i] * x[i]
  std::int32_t wsum;  // sum of w[i] (only with WeightSum)
};

namespace detail {
template <bool WeightSum>
constexpr dot_result dot_s8_portable(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
  dot_result r{0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const std::int8_t wv = flash_read(&w[i]);
    r.acc += static_cast<std::int16_t>(static_cast<std::int16_t>(wv) * x[i]);
    if constexpr (WeightSum) r.wsum += wv;
  }
  return r;
}

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
// Cortex-M4/M7 (ACLE): four taps per step. SXTB16 sign-extends bytes 0 and 2 (and, after a
// rotation by 8, bytes 1 and 3) into two 16-bit lanes, and SMLAD adds both lane products to the
// accumulator, as CMSIS-NN's arm_nn_vec_mat_mult_t_s8 does. The same integer sum as the portable
// loop: codegen bounds |acc| below 2^31, so no addition wraps.
inline std::uint32_t load4(const std::int8_t* p) noexcept {
  std::uint32_t v;
  __builtin_memcpy(&v, p, 4);  // one unaligned LDR: the M4 allows it for single words
  return v;
}
template <bool WeightSum>
inline dot_result dot_s8_dsp(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
  std::int32_t acc = 0, wsum = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t wv = load4(w + i), xv = load4(x + i);
    const int16x2_t w02 = __sxtb16(wv), w13 = __sxtb16((wv >> 8) | (wv << 24));
    const int16x2_t x02 = __sxtb16(xv), x13 = __sxtb16((xv >> 8) | (xv << 24));
    acc = __smlad(w02, x02, acc);
    acc = __smlad(w13, x13, acc);
    if constexpr (WeightSum) wsum = __smlad(w02, 0x00010001, __smlad(w13, 0x00010001, wsum));
  }
  for (; i < n; ++i) {
    acc += static_cast<std::int32_t>(w[i]) * x[i];
    if constexpr (WeightSum) wsum += w[i];
  }
  return dot_result{acc, wsum};
}
#endif
}  // namespace detail

// w points into flash (CTML_FLASH), x into RAM; n terms. With WeightSum, also the sum of w.
template <bool WeightSum = false>
[[gnu::always_inline]] constexpr dot_result dot_s8(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
  if (!std::is_constant_evaluated() && n > 0) {
    std::uint16_t lo = 0, hi = 0;  // the 32-bit sum in two register pairs (clang-16 allocates no 32-bit asm operand)
    std::int16_t wsum = 0;  // |sum| <= 128 * n: callers keep n below 256 with WeightSum
    std::uint16_t count = static_cast<std::uint16_t>(n);
    std::int8_t wv, xv, ext;
    if constexpr (WeightSum) {
      asm volatile(
          "1: lpm %[w], Z+\n\t"
          "ld %[x], X+\n\t"
          "muls %[w], %[x]\n\t"
          "mov %[e], %[w]\n\t"
          "lsl %[e]\n\t"
          "sbc %[e], %[e]\n\t"
          "add %A[s], %[w]\n\t"
          "adc %B[s], %[e]\n\t"
          "mov %[e], r1\n\t"
          "lsl %[e]\n\t"
          "sbc %[e], %[e]\n\t"
          "add %A[lo], r0\n\t"
          "adc %B[lo], r1\n\t"
          "adc %A[hi], %[e]\n\t"
          "adc %B[hi], %[e]\n\t"
          "sbiw %[n], 1\n\t"
          "brne 1b\n\t"
          "clr r1"
          : [lo] "+r"(lo), [hi] "+r"(hi), [s] "+r"(wsum), [n] "+w"(count), [w] "=&d"(wv), [x] "=&d"(xv), [e] "=&r"(ext),
            "+z"(w), "+x"(x)
          :
          : "r0", "memory");
    } else {
      asm volatile(
          "1: lpm %[w], Z+\n\t"
          "ld %[x], X+\n\t"
          "muls %[w], %[x]\n\t"
          "mov %[e], r1\n\t"
          "lsl %[e]\n\t"
          "sbc %[e], %[e]\n\t"
          "add %A[lo], r0\n\t"
          "adc %B[lo], r1\n\t"
          "adc %A[hi], %[e]\n\t"
          "adc %B[hi], %[e]\n\t"
          "sbiw %[n], 1\n\t"
          "brne 1b\n\t"
          "clr r1"
          : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+w"(count), [w] "=&d"(wv), [x] "=&d"(xv), [e] "=&r"(ext), "+z"(w), "+x"(x)
          :
          : "r0", "memory");
    }
    return dot_result{static_cast<std::int32_t>((static_cast<std::uint32_t>(hi) << 16) | lo), wsum};
  }
#endif
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::dot_s8_dsp<WeightSum>(w, x, n);
#endif
  return detail::dot_s8_portable<WeightSum>(w, x, n);
}

}  // namespace ctml::platform
