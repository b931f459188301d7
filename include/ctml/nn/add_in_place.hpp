// A conv2d or dense layer followed by the residual add, fused: each output value is requantized to
// the layer's int8 output, then added to the shortcut tensor's value at the same index with the
// add's requantization (bit for bit the two layers), and written over that shortcut value. Element
// i reads shortcut[i] once and then writes out[i] at the same index, so the output can share the
// shortcut's buffer: in_place tells the network's planner to give both one buffer, so a residual
// block needs its input and the shortcut alive, not a third map. Codegen fuses only when the
// shortcut's last reader is this add and the shortcut is neither the network input nor L's input.
#pragma once
#include <cstdint>

#include "add.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class L, class AddP>
struct add_in_place {
  static_assert(L::extra_input < 0, "ctml: add_in_place fuses a layer reading one tensor (conv2d or dense)");
  static_assert(AddP::other > 0, "ctml: add_in_place writes over an arena tensor; the network input (0) is the caller's");
  using value_type = std::int8_t;
  static constexpr int extra_input = AddP::other;
  static constexpr bool in_place = true;  // the output is written over tensor extra_input
  static constexpr std::size_t flash_bytes = L::flash_bytes;
  static constexpr std::size_t scratch_bytes = scratch_bytes_of<L>();
  static constexpr dims out_dims(dims in) noexcept { return L::out_dims(in); }
  static constexpr bool accepts(dims in, dims shortcut) noexcept { return L::accepts(in) && L::out_dims(in) == shortcut; }

  struct store {
    static constexpr void put(std::int8_t* p, std::int8_t v) noexcept { *p = add<AddP>::apply(v, *p); }
  };

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t* shortcut, std::int8_t* y) noexcept {
    // y is shortcut (the planner aliases them); the layer reads shortcut[i] through y before writing y[i].
    (void)shortcut;
    L::template run_into<In, Out, store>(x, y);
  }
};

}  // namespace ctml::nn
