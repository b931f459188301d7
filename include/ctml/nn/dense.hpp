// Fully connected int8 layer (TFLite FULLY_CONNECTED): y = requant(W x + b). Weights are
// per-output-channel symmetric int8 in flash, row-major [units][inputs]; the input zero point is
// folded into the int32 bias by codegen (b - zp_in * sum(W[o])), so the loop is a plain dot product.
//
// P (generated): inputs, units, weight[units * inputs], bias[units], multiplier[units],
// shift[units], output_zero, act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../platform/dot.hpp"
#include "../platform/flash.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class P>
struct dense {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;  // reads only the previous tensor
  static constexpr bool accepts(dims in) noexcept { return in.size() == P::inputs; }
  static constexpr dims out_dims(dims) noexcept { return vec(P::units); }
  static constexpr std::size_t flash_bytes =
      sizeof(P::weight) + sizeof(P::bias) + sizeof(P::multiplier) + sizeof(P::shift);
  static_assert(sizeof(P::weight) == P::inputs * P::units, "ctml: dense weight must hold units x inputs int8 values");

  static constexpr std::size_t rows = P::units % 4 == 0 ? 4 : P::units % 2 == 0 ? 2 : 1;

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
    if constexpr (platform::offset_in_dot) {
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
