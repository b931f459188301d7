// ctml::platform::mul_s16_s32 (AVR201's hardware 16 x 16 -> 32 multiply on AVR) against the
// compiler's own int32 product, on edge values and 4096 pseudo-random pairs. Exit 1 on a mismatch.
#include <cstdint>

#include "target.h"

#include <ctml/platform/multiply.hpp>

namespace {
volatile std::int16_t sink_a, sink_b;  // keeps the compiler from folding the products

std::int32_t reference(std::int16_t a, std::int16_t b) {
  sink_a = a;
  sink_b = b;
  return static_cast<std::int32_t>(sink_a) * static_cast<std::int32_t>(sink_b);
}
}  // namespace

int main() {
  target_init();
  constexpr std::int16_t edges[] = {-32768, -32767, -256, -255, -129, -128, -127, -1, 0, 1, 127, 128, 255, 256, 32766, 32767};
  unsigned long bad = 0, n = 0;
  for (std::int16_t a : edges)
    for (std::int16_t b : edges) {
      bad += ctml::platform::mul_s16_s32(a, b) != reference(a, b);
      ++n;
    }
  std::uint16_t s = 12345;
  for (int i = 0; i < 4096; ++i) {
    s = static_cast<std::uint16_t>(s * 25173u + 13849u);
    const auto a = static_cast<std::int16_t>(s);
    s = static_cast<std::uint16_t>(s * 25173u + 13849u);
    const auto b = static_cast<std::int16_t>(s ^ 0x5a5a);
    bad += ctml::platform::mul_s16_s32(a, b) != reference(a, b);
    ++n;
  }
  target_puts("multiply mismatches ");
  target_put_int(static_cast<long>(bad));
  target_putc('/');
  target_put_int(static_cast<long>(n));
  target_putc('\n');
  target_exit(bad == 0 ? 0 : 1);
}
