// ctml::platform's int8 dot-product kernels (dot_s8 with and without the weight sum, dot_rows_s8,
// window4_s8) against plain loops written here, on pseudo-random int8 weights and inputs, every
// length 0..80 (so every tail of the 4-tap DSP loop and of the 16-lane Helium loop), rows 1, 2,
// 3 and 4, and input offsets -128..128 (weights in flash, as a model's). On the Cortex-M55 this checks the MVE kernels, on the
// M4/M7/M33/M55 the DSP kernels (window4_s8), elsewhere the portable code. Exit 1 on a mismatch.
#include <cstddef>
#include <cstdint>

#include "target.h"

#include <ctml/platform/dot.hpp>

namespace {
constexpr std::size_t max_n = 80, stride = 83;  // stride: rows not word-aligned
constexpr std::size_t n_w = 4 * stride + 16;

// The weights live in flash, as a model's do (on AVR the kernels read them with lpm): made at
// compile time by the same generator.
struct weights {
  std::int8_t v[n_w];
};
constexpr weights make_weights() {
  weights r{};
  std::uint32_t s = 0x9E3779B9u;
  for (auto& v : r.v) {
    s = s * 1664525u + 1013904223u;
    v = static_cast<std::int8_t>(s >> 24);
  }
  r.v[0] = -128;  // the extremes too
  r.v[5] = 127;
  return r;
}
CTML_FLASH constexpr weights w_data = make_weights();
const std::int8_t* const w = w_data.v;
std::int8_t x[max_n + 16];
std::uint32_t seed = 0x2545F491u;

std::int8_t next() {
  seed = seed * 1664525u + 1013904223u;
  return static_cast<std::int8_t>(seed >> 24);
}

void fill() {
  for (auto& v : x) v = next();
  x[0] = -128;
  x[1] = 127;
}

std::int8_t w_at(const std::int8_t* p) { return ctml::platform::flash_read(p); }

// The reference sums, with a volatile read of the input so the compiler cannot turn them into
// the kernels.
std::int32_t ref_dot(const std::int8_t* a, const std::int8_t* b, std::size_t n, std::int32_t offset) {
  std::int32_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int32_t>(w_at(&a[i])) * (*static_cast<const volatile std::int8_t*>(&b[i]) + offset);
  return s;
}

template <std::size_t Rows>
unsigned long check_rows(std::size_t n, std::int32_t offset) {
  std::int32_t out[Rows], ref[Rows];
  for (std::size_t r = 0; r < Rows; ++r) out[r] = ref[r] = static_cast<std::int32_t>(r) * 1000 - 1500;
  ctml::platform::dot_rows_s8<Rows, stride>(w, x, n, offset, out);
  unsigned long bad = 0;
  for (std::size_t r = 0; r < Rows; ++r) bad += out[r] != ref[r] + ref_dot(w + r * stride, x, n, offset);
  return bad;
}
}  // namespace

int main() {
  target_init();
  unsigned long bad = 0, cases = 0;
  constexpr std::int32_t offsets[] = {0, 128, -128, 1, -37, 91};
  for (int round = 0; round < 3; ++round) {
    fill();
    for (std::size_t n = 0; n <= max_n; ++n) {
      const auto d = ctml::platform::dot_s8<false>(w + 1, x + 1, n);  // odd addresses: unaligned loads
      const auto dw = ctml::platform::dot_s8<true>(w, x, n);
      bad += d.acc != ref_dot(w + 1, x + 1, n, 0);
      bad += dw.acc != ref_dot(w, x, n, 0);
      std::int32_t wsum = 0;
      for (std::size_t i = 0; i < n; ++i) wsum += w_at(&w[i]);
      bad += dw.wsum != wsum;
      cases += 3;
      for (std::int32_t off : offsets) {
        bad += check_rows<1>(n, off) + check_rows<2>(n, off) + check_rows<3>(n, off) + check_rows<4>(n, off);
        cases += 10;
      }
    }
    // A depthwise window over four channels: rows x cols taps, C = 8 channels, rows of 3 taps.
    for (std::size_t rows = 1; rows <= 3; ++rows)
      for (std::size_t cols = 1; cols <= 3; ++cols)
        for (std::int32_t off : offsets) {
          std::int32_t acc[4] = {5, -5, 7, -7}, ref[4] = {5, -5, 7, -7};
          ctml::platform::window4_s8<8, 24, 24>(w, x, rows, cols, off, acc);
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
              for (std::size_t k = 0; k < 4; ++k) ref[k] += static_cast<std::int32_t>(w_at(&w[r * 24 + c * 8 + k])) * (x[r * 24 + c * 8 + k] + off);
          for (std::size_t k = 0; k < 4; ++k) bad += acc[k] != ref[k];
          cases += 4;
        }
  }
  target_puts("dot mismatches ");
  target_put_int(static_cast<long>(bad));
  target_putc('/');
  target_put_int(static_cast<long>(cases));
  target_putc('\n');
  target_exit(bad == 0 && cases > 0 ? 0 : 1);
}
