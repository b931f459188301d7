// Residual add of two int8 tensors of one shape (TFLite ADD): both inputs are rescaled to a
// common scale with 20 bits of headroom, summed, and requantized to the output's scale.
// The second input is an earlier tensor of the network (P::other: 0 is the network input, t the
// output of layer t - 1); the arena planner keeps it alive until this layer.
//
// P (generated): other, in1_offset, in1_multiplier, in1_shift, in2_offset, in2_multiplier,
// in2_shift, out_multiplier, out_shift, output_zero, act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class P>
struct add {
  using value_type = std::int8_t;
  static constexpr int extra_input = P::other;
  static constexpr int left_shift = 20;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return in; }
  static constexpr bool accepts(dims in, dims other) noexcept { return in == other; }

  // One output element from a (the previous tensor) and b (the earlier one): add_in_place calls it
  // too, so the fused kernel rounds exactly as this layer.
  static constexpr std::int8_t apply(std::int8_t a, std::int8_t b) noexcept {
    const std::int32_t sa = multiply_by_quantized_multiplier((P::in1_offset + a) * (std::int32_t{1} << left_shift),
                                                             P::in1_multiplier, P::in1_shift);
    const std::int32_t sb = multiply_by_quantized_multiplier((P::in2_offset + b) * (std::int32_t{1} << left_shift),
                                                             P::in2_multiplier, P::in2_shift);
    return requantize_s8(sa + sb, P::out_multiplier, P::out_shift, P::output_zero, P::act_min, P::act_max);
  }

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* a, const std::int8_t* b, std::int8_t* y) noexcept {
    for (std::size_t i = 0; i < In.size(); ++i) y[i] = apply(a[i], b[i]);
  }
};

}  // namespace ctml::nn
