// ctml::nn's int8 requantization at run time (on AVR the hardware-multiply form,
// platform::mul_round_shift; on Cortex-M one SMLAL) against a transcription of TFLite's reference: gemmlowp's
// SaturatingRoundingDoublingHighMul and RoundingDivideByPOT on a 64-bit product, with ctml's
// saturating left shift. Every shift in [-31, 30] on a grid of edge accumulators (INT32_MIN/MAX,
// byte and word boundaries) and multipliers (2^30 .. 2^31 - 1 as codegen makes them, and any int32),
// exact ties of both roundings, and pseudo-random sweeps; requantize_s8 on the same inputs with
// several zero points and clamps. Prints the first mismatches and exits 1 on any.
#include <cstdint>
#include <limits>

#include "target.h"

#include <ctml/nn/requantize.hpp>
#include <ctml/platform/target.hpp>

namespace {
constexpr std::int32_t int_min = std::numeric_limits<std::int32_t>::min(), int_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t q30 = std::int32_t{1} << 30;  // 0.5 in Q31 (int is 16 bits on AVR)

// gemmlowp/fixedpoint/fixedpoint.h, as TFLite's reference kernels call it.
std::int32_t tflite_high_mul(std::int32_t a, std::int32_t b) {
  const bool overflow = a == b && a == int_min;
  const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
  const std::int32_t nudge = ab >= 0 ? q30 : (1 - q30);
  const auto high = static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
  return overflow ? int_max : high;
}

std::int32_t tflite_divide_by_pot(std::int32_t x, int exponent) {
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask, threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier, the left shift saturating as ctml's does.
std::int32_t reference(std::int32_t x, std::int32_t m, int shift) {
  if (shift > 0) {
    const std::int64_t wide = static_cast<std::int64_t>(x) * (std::int64_t{1} << shift);
    x = wide > int_max ? int_max : (wide < int_min ? int_min : static_cast<std::int32_t>(wide));
  }
  return tflite_divide_by_pot(tflite_high_mul(x, m), shift > 0 ? 0 : -shift);
}

volatile std::int32_t sink_x, sink_m;  // keeps the compiler from folding the calls
volatile int sink_shift;
unsigned long bad = 0, cases = 0;

void report(const char* what, std::int32_t x, std::int32_t m, int shift, long got, long want) {
  if (++bad > 8) return;
  target_puts(what);
  target_puts(" x=");
  target_put_int(x);
  target_puts(" m=");
  target_put_int(m);
  target_puts(" shift=");
  target_put_int(shift);
  target_puts(": ");
  target_put_int(got);
  target_puts(" want ");
  target_put_int(want);
  target_putc('\n');
}

void check(std::int32_t x_in, std::int32_t m_in, int shift_in) {
  sink_x = x_in;
  sink_m = m_in;
  sink_shift = shift_in;
  const std::int32_t x = sink_x, m = sink_m;
  const int shift = sink_shift;
  ++cases;
  const std::int32_t want = reference(x, m, shift);
  const std::int32_t got = ctml::nn::multiply_by_quantized_multiplier(x, m, shift);
  if (got != want) report("multiply_by_quantized_multiplier", x, m, shift, got, want);
  // The split form itself on every target (on AVR the same code as above, elsewhere its portable twin).
  const std::int32_t split = ctml::nn::detail::multiply_by_quantized_multiplier_split(x, m, shift);
  if (split != want) report("split", x, m, shift, split, want);
  // The SMLAL form (Cortex-M's run-time form, above on Cortex-M) on every target.
  const std::int32_t smlal = ctml::nn::detail::multiply_by_quantized_multiplier_smlal(x, m, shift);
  if (smlal != want) report("smlal", x, m, shift, smlal, want);
  // requantize_s8: zero point and clamp after the product (in 64 bits, as TFLite's int32 cannot overflow there).
  const std::int32_t zero = static_cast<std::int8_t>(x ^ m ^ shift), act_min = (x & 16) ? 0 : -128, act_max = (m & 8) ? 100 : 127;
  const std::int64_t w = static_cast<std::int64_t>(want) + zero;
  const auto want_s8 = static_cast<std::int8_t>(w < act_min ? act_min : (w > act_max ? act_max : w));
  const std::int8_t got_s8 = ctml::nn::requantize_s8(x, m, shift, zero, act_min, act_max);
  if (got_s8 != want_s8) report("requantize_s8", x, m, shift, got_s8, want_s8);
}

std::uint32_t state = 2463534242u;
std::uint32_t next() {  // xorshift32
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}
}  // namespace

int main() {
  target_init();
  constexpr bool full = !ctml::platform::is_cortex_m;  // qemu's instruction trace is slow: fewer cases on Cortex-M
  constexpr std::int32_t xs[] = {int_min, int_min + 1, -q30 - 1, -q30, -q30 + 1, -(std::int32_t{1} << 24), -65536,
                                 -65535, -32768, -256, -255, -129, -128, -2, -1, 0, 1, 2, 127, 255, 256, 32767, 65535,
                                 65536, (std::int32_t{1} << 24) - 1, q30 - 1, q30, q30 + 1, int_max - 1, int_max};
  constexpr std::int32_t ms[] = {q30, q30 + 1, 1518500250, int_max - 1, int_max,  // codegen's range
                                 0, 1, -1, 12345, -q30, int_min + 1, int_min};       // any int32
  for (int shift = -31; shift <= 30; shift += full ? 1 : 3)
    for (std::int32_t x : xs)
      for (std::int32_t m : ms) check(x, m, shift);
  // Ties: with m = 2^30 the high mul halves x, so odd x is a tie of the first rounding and
  // x = (2k + 1) * 2^e one of the second; m = 2^30 + 1 moves each just past it.
  for (int e = 1; e <= 31; e += full ? 1 : 2)
    for (std::int32_t k = -3; k <= 3; ++k)
      for (std::int32_t d = -1; d <= 1; ++d) {
        const std::int64_t x = (2 * static_cast<std::int64_t>(k) + 1) * (std::int64_t{1} << e) + d;
        if (x < int_min || x > int_max) continue;
        check(static_cast<std::int32_t>(x), q30, -e);
        check(static_cast<std::int32_t>(x), q30 + 1, -e);
        check(static_cast<std::int32_t>(x), int_max, -e);
      }
  // Sweeps: accumulators of every magnitude, mostly codegen's multipliers and right shifts.
  const long n = full ? 30000 : 3000;
  for (long i = 0; i < n; ++i) {
    const std::uint32_t r = next(), s = next();
    const auto x = static_cast<std::int32_t>(r) >> (s % 32);
    const std::int32_t m = (s & 0xe0000000u) == 0 ? static_cast<std::int32_t>(next())
                                                    : static_cast<std::int32_t>((std::uint32_t{1} << 30) | (next() >> 2));
    const int shift = (s >> 8) % 8 == 0 ? static_cast<int>((s >> 12) % 31) : -static_cast<int>((s >> 12) % 32);
    check(x, m, shift);
  }
  target_puts("requantize mismatches ");
  target_put_int(static_cast<long>(bad));
  target_putc('/');
  target_put_int(static_cast<long>(cases));
  target_putc('\n');
  target_exit(bad == 0 ? 0 : 1);
}
