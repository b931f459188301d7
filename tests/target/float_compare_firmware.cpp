// The bit-pattern float compare of the unrolled tree walk (ctml/trees/walk.hpp, le_bits; on AVR
// it replaces the soft-float x <= t) against the target's IEEE x <= t: on every threshold of the
// float decision tree (breast_cancer_dt_float), on edge thresholds (+-0, +-inf, the smallest and
// largest normals and subnormals), each against its neighbouring floats, +-0, +-inf, NaNs of both
// signs and several payloads, and pseudo-random bit patterns. Then the unrolled tree itself
// against the table walk (float compares) with each node's feature set to each of those values.
// Exit 1 on a mismatch.
#include <bit>
#include <cstdint>

#include "target.h"

#include "breast_cancer_dt_float.hpp"
#include <ctml/platform/flash.hpp>

namespace {
volatile float sink;  // keeps the compiler from folding the float compares

bool reference(float x, float t) {
  sink = x;
  return sink <= t;
}

float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }
std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }

// The floats next to f (by bit pattern, within f's sign), k steps away.
float step(float f, int k) {
  const std::uint32_t b = bits(f);
  const std::uint32_t mag = b & 0x7fffffffu, sign = b & 0x80000000u;
  const long m = static_cast<long>(mag) + k;
  if (m < 0) return from_bits(static_cast<std::uint32_t>(-m) | (sign ^ 0x80000000u));
  return from_bits(static_cast<std::uint32_t>(m) | sign);
}

constexpr std::uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
                                      0x7f800001u, 0xff800001u, 0x7fffffffu, 0xffffffffu, 0x00000001u, 0x80000001u,
                                      0x007fffffu, 0x807fffffu, 0x00800000u, 0x80800000u, 0x7f7fffffu, 0xff7fffffu,
                                      0x3f800000u, 0xbf800000u};

unsigned long bad = 0, n = 0;

void check(float x, float t) {
  bad += ctml::trees::detail::le_bits(bits(x), ctml::trees::detail::threshold_bits(t)) != reference(x, t);
  ++n;
}

void around(float t) {
  for (int k = -3; k <= 3; ++k) check(step(t, k), t);
  for (std::uint32_t s : specials) check(from_bits(s), t);
}

using tree_unrolled = ctml_models::breast_cancer_dt_float_t<ctml::layout::unrolled>;
using tree_table = ctml_models::breast_cancer_dt_float_t<ctml::layout::table>;
namespace data = ctml_models::breast_cancer_dt_float_data;
}  // namespace

int main() {
  target_init();
  for (std::uint32_t s : specials)
    if ((s & 0x7fffffffu) <= 0x7f800000u) around(from_bits(s));  // thresholds are never NaN
  constexpr std::size_t nodes = sizeof(data::tree_0) / sizeof(data::tree_0[0]);
  for (std::size_t i = 0; i < nodes; ++i) {
    const auto nd = ctml::platform::flash_read(&data::tree_0[i]);
    if (nd.feature != data::leaf) around(nd.threshold);
  }
  std::uint32_t r = 0x12345678u;
  for (int i = 0; i < 3000; ++i) {
    r = r * 1664525u + 1013904223u;
    const std::uint32_t t = r;
    r = r * 1664525u + 1013904223u;
    if ((t & 0x7fffffffu) > 0x7f800000u) continue;
    check(from_bits(r), from_bits(t));
    check(from_bits(t ^ (r & 0xffu)), from_bits(t));
  }
  // The whole unrolled tree against the table walk, each node's feature moved across its threshold.
  unsigned long tree_bad = 0, tree_n = 0;
  typename tree_unrolled::input_type x{};
  for (std::size_t i = 0; i < nodes; ++i) {
    const auto nd = ctml::platform::flash_read(&data::tree_0[i]);
    if (nd.feature == data::leaf) continue;
    float values[7 + sizeof(specials) / sizeof(specials[0])];
    std::size_t k = 0;
    for (int s = -3; s <= 3; ++s) values[k++] = step(nd.threshold, s);
    for (std::uint32_t s : specials) values[k++] = from_bits(s);
    for (float v : values) {
      // Every feature at the value (so the walk meets it at every node of that feature), then
      // only this node's feature, the others at the first node's threshold.
      for (auto& f : x) f = v;
      tree_bad += tree_unrolled::predict(x) != tree_table::predict(x);
      for (auto& f : x) f = ctml::platform::flash_read(&data::tree_0[0]).threshold;
      x[nd.feature] = v;
      tree_bad += tree_unrolled::predict(x) != tree_table::predict(x);
      tree_n += 2;
    }
  }
  target_puts("float compare mismatches ");
  target_put_int(static_cast<long>(bad));
  target_putc('/');
  target_put_int(static_cast<long>(n));
  target_puts(", tree walk mismatches ");
  target_put_int(static_cast<long>(tree_bad));
  target_putc('/');
  target_put_int(static_cast<long>(tree_n));
  target_putc('\n');
  target_exit(bad == 0 && tree_bad == 0 ? 0 : 1);
}
