// The unrolled int16-input linear scores (linear/scores.hpp: on AVR one asm statement a term with
// the weight as an immediate, platform::avr::mac_s16_imm) against the int32 sum the compiler
// computes itself, on edge inputs and pseudo-random ones. The weights cover every form the asm
// picks (int8-range, low byte zero, general), both signs, the extremes, zeros, and more than 32
// features (the pointer advance). Runs on every target (elsewhere it checks the portable path).
// Exit 1 on a mismatch.
#include <array>
#include <cstdint>

#include "target.h"

#include <ctml/linear/scores.hpp>

namespace {
// 40 features, 2 outputs; sum |w| per row <= 65535, so the int32 accumulator cannot overflow.
struct wide_spec {
  static constexpr std::size_t n_features = 40, n_outputs = 2;
  using feature_type = std::int16_t;
  using weight_type = std::int16_t;
  using accum_type = std::int32_t;
  static constexpr std::int16_t weights[] = {
      // row 0: int8-range, low-byte-zero and general weights
      1, -1, 127, -128, 0, 256, -256, 4447, -17390, 129, -129, 255, -255, 0, 0x1200, -0x3300, 63, -63, 2, 1545,
      -8, 7, 0, 0, 300, -301, 0x0100, -0x0100, 1000, -1000, 17, -17, 100, -100, 5, -3212, 12, 0, 0x0800, -12101 + 10000,
      // row 1: the extremes
      -32768, 32767, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  static constexpr std::int32_t bias[] = {-51244, 0};
};
// int8 weights on int16 inputs.
struct narrow_spec {
  static constexpr std::size_t n_features = 5, n_outputs = 1;
  using feature_type = std::int16_t;
  using weight_type = std::int8_t;
  using accum_type = std::int32_t;
  static constexpr std::int8_t weights[] = {-128, 127, -1, 0, 64};
  static constexpr std::int32_t bias[] = {2147483647 - 320 * 32768};
};

volatile std::int16_t sink_w, sink_x;
template <class Spec>
std::int32_t reference(const std::array<std::int16_t, Spec::n_features>& x, std::size_t o) {
  std::int32_t acc = Spec::bias[o];
  for (std::size_t j = 0; j < Spec::n_features; ++j) {
    sink_w = Spec::weights[o * Spec::n_features + j];
    sink_x = x[j];
    acc += static_cast<std::int32_t>(sink_w) * static_cast<std::int32_t>(sink_x);
  }
  return acc;
}

std::uint16_t state = 4321;
std::int16_t next() {
  state = static_cast<std::uint16_t>(state * 25173u + 13849u);
  return static_cast<std::int16_t>(state ^ (state >> 7));
}

template <class Spec>
unsigned long check(unsigned long& n) {
  using S = ctml::linear::detail::scores<Spec, ctml::layout::unrolled>;
  constexpr std::int16_t edges[] = {-32768, -32767, -256, -129, -128, -1, 0, 1, 127, 128, 255, 256, 32767};
  unsigned long bad = 0;
  std::array<std::int16_t, Spec::n_features> x{};
  for (int i = 0; i < 600; ++i) {
    for (std::size_t j = 0; j < Spec::n_features; ++j)
      x[j] = i < 13 ? edges[i] : i < 26 ? edges[(i + j) % 13] : next();
    const auto s = S::compute(x);
    for (std::size_t o = 0; o < Spec::n_outputs; ++o) bad += s[o] != reference<Spec>(x, o);
    ++n;
  }
  return bad;
}
}  // namespace

int main() {
  target_init();
  unsigned long n = 0;
  const unsigned long bad = check<wide_spec>(n) + check<narrow_spec>(n);
  target_puts("linear int16 immediate-weight mismatches ");
  target_put_int(static_cast<long>(bad));
  target_putc('/');
  target_put_int(static_cast<long>(n));
  target_putc('\n');
  target_exit(bad == 0 ? 0 : 1);
}
