// Activation shapes of a network: height x width x channels, stored HWC (channels last, as
// TFLite). A structural type, so shapes are template arguments and inferred at compile time.
#pragma once
#include <cstddef>

namespace ctml::nn {

struct dims {
  std::size_t h = 1, w = 1, c = 1;
  constexpr std::size_t size() const noexcept { return h * w * c; }
  constexpr bool operator==(const dims&) const = default;
};

// A vector of n values (what a dense layer produces).
constexpr dims vec(std::size_t n) noexcept { return dims{1, 1, n}; }

// Output length of a sliding window along one axis; 0 when the window does not fit.
constexpr std::size_t window_out(std::size_t in, std::size_t pad_before, std::size_t pad_after, std::size_t k,
                                 std::size_t stride) noexcept {
  const std::size_t span = in + pad_before + pad_after;
  return (span < k || stride == 0) ? 0 : (span - k) / stride + 1;
}

// The stack a layer's kernel takes beyond the arena and the network's call frame (conv2d's im2col
// columns on Cortex-M4); network::ram_bytes adds the largest. Layers without it take none.
template <class L>
constexpr std::size_t scratch_bytes_of() noexcept {
  if constexpr (requires { L::scratch_bytes; }) return L::scratch_bytes;
  else return 0;
}

}  // namespace ctml::nn
