// Fully connected int8 layer (TFLite FULLY_CONNECTED): y = requant(W x + b). Weights are
// per-output-channel symmetric int8 in flash, row-major [units][inputs]; the input zero point is
// folded into the int32 bias by codegen (b - zp_in * sum(W[o])), so the loop is a plain dot product.
// On Cortex-M4 with units % 4 == 0, four units per widened input word (detail::dense_rows4): the
// autoencoder 581 k -> 486 k instructions.
//
// P (generated): inputs, units, weight[units * inputs], bias[units], multiplier[units],
// shift[units], output_zero, act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../platform/dot.hpp"
#include "../platform/flash.hpp"
#include "conv2d.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail {
// Four units per platform::dot_4x1_s8 block, requantized in the same loop; out of line, one function
// per (inputs, units, Store): the autoencoder's six 128 x 128 layers share one.
template <std::size_t Inputs, std::size_t Units, class Store>
[[gnu::noinline]] constexpr void dense_rows4(const conv_quant& q, const std::int8_t* x, std::int8_t* y) noexcept {
  using platform::flash_read;
  for (std::size_t o = 0; o < Units; o += 4) {
    const auto acc = platform::dot_4x1_s8<Inputs, Inputs>(&q.weight[o * Inputs], x);
    const std::int32_t s[4] = {acc.a00, acc.a01, acc.a10, acc.a11};
#pragma GCC unroll 4
    for (std::size_t r = 0; r < 4; ++r)
      Store::put(&y[o + r], requantize_s8_inline(s[r] + flash_read(&q.bias[o + r]), flash_read(&q.multiplier[o + r]),
                                                 flash_read(&q.shift[o + r]), q.output_zero, q.act_min, q.act_max));
  }
}
}  // namespace detail

template <class P>
struct dense {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;  // reads only the previous tensor
  static constexpr bool accepts(dims in) noexcept { return in.size() == P::inputs; }
  static constexpr dims out_dims(dims) noexcept { return vec(P::units); }
  // + the requantize parameters (detail::conv_quant) the kernels may keep as a constant off AVR.
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias) + sizeof(P::multiplier) +
                                             sizeof(P::shift) + (platform::is_avr ? 0 : sizeof(detail::conv_quant));
  static_assert(sizeof(P::weight) == P::inputs * P::units, "ctml: dense weight must hold units x inputs int8 values");

  static constexpr std::size_t rows = P::units % 4 == 0 ? 4 : P::units % 2 == 0 ? 2 : 1;
  // Cortex-M4 with units % 4 == 0 (and rows close enough for LDR immediates): detail::dense_rows4.
  static constexpr bool rows4 = platform::offset_in_dot && P::units % 4 == 0 && 3 * P::inputs < 4096;
  static constexpr detail::conv_quant quant{P::weight, P::bias, P::multiplier, P::shift,
                                            0, P::output_zero, P::act_min, P::act_max};

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    run_into<In, Out, store_s8>(x, y);
  }

  // Store::put(p, v) writes output value v at p; add_in_place's adds the residual there, in place.
  // Inlined into the network's infer as run was before it existed: an out-of-line call would add
  // its frame to the measured stack (80 B on DS-CNN, Cortex-M4).
  template <dims In, dims Out, class Store>
  [[gnu::always_inline]] static constexpr void run_into(const std::int8_t* x, std::int8_t* y) noexcept {
    using platform::flash_read;
    if constexpr (rows4) {
      detail::dense_rows4<P::inputs, P::units, Store>(quant, x, y);
      return;
    } else if constexpr (platform::offset_in_dot) {
      // Cortex-M4: `rows` units per dot_rows_s8 (each input word loaded and widened once for all);
      // the zero point is in the bias, so the offset is 0.
      for (std::size_t o = 0; o < P::units; o += rows) {
        std::int32_t acc[rows] = {};
        platform::dot_rows_s8<rows, P::inputs>(&P::weight[o * P::inputs], x, P::inputs, 0, acc);
        for (std::size_t r = 0; r < rows; ++r)
          Store::put(&y[o + r], requantize_s8(acc[r] + flash_read(&P::bias[o + r]), flash_read(&P::multiplier[o + r]),
                                              flash_read(&P::shift[o + r]), P::output_zero, P::act_min, P::act_max));
      }
      return;
    }
    for (std::size_t o = 0; o < P::units; ++o) {
      const std::int32_t acc = flash_read(&P::bias[o]) + platform::dot_s8(&P::weight[o * P::inputs], x, P::inputs).acc;
      Store::put(&y[o], requantize_s8(acc, flash_read(&P::multiplier[o]), flash_read(&P::shift[o]), P::output_zero,
                                      P::act_min, P::act_max));
    }
  }
};

}  // namespace ctml::nn
