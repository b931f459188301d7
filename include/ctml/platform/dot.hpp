// Dot products of int8 weights in flash with int8 activations in RAM, the inner loop of every
// network layer (CMSIS-NN's arm_nn_vec_mat_mult_t_s8 is the analogue). On AVR an assembly loop
// (lpm Z+, ld X+, muls, 32-bit add) takes 18-22 cycles a term where clang's code took ~40
// (measured on the digits MLP); elsewhere, and in constant expressions, plain C++.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "flash.hpp"

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
  return detail::dot_s8_portable<WeightSum>(w, x, n);
}

}  // namespace ctml::platform
