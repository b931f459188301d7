// Softmax over the channels, int8 in and out, in integers only (no exp at run time, no float).
//
// The output is quantized as TFLite quantizes an int8 softmax: scale 1/256, zero point -128, so a
// probability p is the code round(256 p) - 128 (255/256 at most: 1 saturates to 127). The exp is a
// table made by codegen, since the input scale s is known at compile time (TFLite's LUT softmax
// kernels do the same at Prepare): with d = max_k x_k - x_j in 0..255 (input codes),
//   table[d] = round(2^15 exp(-d s)),
// cut where the entries reach 0 (so a table is shorter than 256 entries when s is coarse). Then
//   S = sum_j table[d_j],   y_j = min(floor((256 table[d_j] + floor(S / 2)) / S), 255) - 128.
// The division is exact integer arithmetic, so every target gives the same codes as
// codegen/ctml_codegen/nn_reference.py. Error bound against the exact softmax of the dequantized
// input: |(y + 128) / 256 - p| <= (1/2 + (C + 1) * 2^-8) / 256 for C channels (< 1/256 up to 127
// channels), and 1/256 where p is within 1/256 of 1 (the saturated code). tests/host/test_nn.cpp
// checks it on every input pattern it can reach.
//
// In a network, a final softmax gives probabilities(); logits() and predict() stop before it, so a
// classifier's class is the argmax of its logits as in the framework (int8 probabilities tie far
// more often than the logits).
//
// P (generated): table[L] (std::uint16_t, 1 <= L <= 256, table[0] = 32768).
#pragma once
#include <cstddef>
#include <cstdint>

#include "../platform/flash.hpp"
#include "../platform/target.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail {
// n / d when the quotient is below 512 and d < 2^24: nine restoring-division steps.
constexpr std::uint32_t quotient_below_512(std::uint32_t n, std::uint32_t d) noexcept {
  std::uint32_t q = 0, step = d << 8;
  for (std::uint16_t bit = 256; bit != 0; bit >>= 1, step >>= 1)
    if (n >= step) n -= step, q |= bit;
  return q;
}
}  // namespace detail

template <class P>
struct softmax {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr bool is_softmax = true;
  static constexpr std::size_t length = sizeof(P::table) / sizeof(P::table[0]);
  static_assert(sizeof(P::table[0]) == 2 && length >= 1 && length <= 256,
                "ctml: a softmax table holds 1 to 256 uint16 entries (round(2^15 exp(-d s)) for d = 0, 1, ...)");
  static constexpr std::size_t flash_bytes = sizeof(P::table);
  static constexpr dims out_dims(dims in) noexcept { return in; }
  // S < 2^32 needs fewer than 2^17 channels; the rounding term 256 * 2^15 + S / 2 as well.
  static constexpr bool accepts(dims in) noexcept { return in.c >= 1 && in.c <= 65535; }

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    for (std::size_t p = 0; p < In.h * In.w; ++p) row<In.c>(x + p * In.c, y + p * In.c);
  }

 private:
  static constexpr std::uint32_t exp_of(std::uint8_t d) noexcept {
    return d < length ? platform::flash_read(&P::table[d]) : 0u;
  }
  template <std::size_t C>
  static constexpr void row(const std::int8_t* x, std::int8_t* y) noexcept {
    std::int8_t top = x[0];
    for (std::size_t k = 1; k < C; ++k) top = x[k] > top ? x[k] : top;
    std::uint32_t sum = 0;  // >= 32768: the largest input contributes table[0]
    for (std::size_t k = 0; k < C; ++k) sum += exp_of(static_cast<std::uint8_t>(top - x[k]));
    for (std::size_t k = 0; k < C; ++k) {
      const std::uint32_t q = quotient<C>((exp_of(static_cast<std::uint8_t>(top - x[k])) << 8) + sum / 2, sum);
      y[k] = static_cast<std::int8_t>(q > 255u ? 127 : static_cast<int>(q) - 128);
    }
  }
  // n / d for a quotient below 512 (n <= 2^23 + d / 2 and d >= 2^15). AVR and the Cortex-M0 have
  // no divider: a 32-bit division is a library loop (~600 cycles on AVR), so there the nine
  // quotient bits are found directly (d << 8 fits 32 bits while C <= 511). The same quotient
  // either way.
  template <std::size_t C>
  static constexpr std::uint32_t quotient(std::uint32_t n, std::uint32_t d) noexcept {
    if constexpr (!platform::has_divide && C <= 511) {
      return detail::quotient_below_512(n, d);
    } else {
      return n / d;
    }
  }
};

}  // namespace ctml::nn
