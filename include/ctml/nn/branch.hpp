// A layer that reads an earlier tensor of the network instead of the previous one: a ResNet's
// projection shortcut (a strided 1x1 convolution of the block's input, added to the main path by
// the add layer after it). branch<Source, SourceDims, L> runs L on tensor Source (0 = the network
// input, t = the output of layer t - 1), whose shape SourceDims codegen writes down and the network
// checks; the arena planner keeps Source alive until this layer, as for add's second input.
#pragma once
#include <cstddef>

#include "shape.hpp"

namespace ctml::nn {

template <int Source, dims SourceDims, class L>
struct branch {
  static_assert(L::extra_input < 0, "ctml: a branch wraps a layer that reads one tensor (dense, conv, pool)");
  static_assert(Source >= 0, "ctml: a branch reads an earlier tensor (0 = the input)");
  using value_type = typename L::value_type;
  static constexpr int extra_input = Source;
  static constexpr std::size_t flash_bytes = L::flash_bytes;
  static constexpr std::size_t scratch_bytes = scratch_bytes_of<L>();
  static constexpr dims out_dims(dims) noexcept { return L::out_dims(SourceDims); }
  static constexpr bool accepts(dims, dims source) noexcept { return source == SourceDims && L::accepts(source); }

  template <dims In, dims Out>
  static constexpr void run(const value_type*, const value_type* source, value_type* y) noexcept {
    L::template run<SourceDims, Out>(source, nullptr, y);
  }
};

}  // namespace ctml::nn
