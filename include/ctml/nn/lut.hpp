// Element-wise activations without a cheap integer form (sigmoid, tanh) as a 256-entry int8 table
// in flash: codegen evaluates the function at every input code and quantizes the result to the
// output's parameters (TFLite's scale 1/256, zero point -128 for sigmoid; 1/128, 0 for tanh), so
// the kernel is one flash read per value and exact by construction.
//
// P (generated): table[256], indexed by the input code + 128.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../platform/flash.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class P>
struct lut {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = sizeof(P::table);
  static_assert(sizeof(P::table) == 256, "ctml: an activation table needs one int8 entry per input code (256)");
  static constexpr dims out_dims(dims in) noexcept { return in; }
  static constexpr bool accepts(dims in) noexcept { return in.size() > 0; }
  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    for (std::size_t i = 0; i < In.size(); ++i) y[i] = platform::flash_read(&P::table[x[i] + 128]);
  }
};

}  // namespace ctml::nn
