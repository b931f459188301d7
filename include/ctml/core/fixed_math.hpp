// Fixed-point elementary functions for the integer inference path (AVR has no FPU): exp(-t) for
// the rbf kernel, tanh for the sigmoid kernel and the logistic function for probabilities.
// Inputs are Q4.12 (t = code / 4096), outputs Q15 (1.0 = 32768). Only integer arithmetic up to
// 32 bits, no division except in tanh/logistic, no UB for any input code.
//
// Error bounds, proved exhaustively over every input code by tests/host/test_fixed_math.cpp:
//   exp_neg_q15(t):  |result - 32768 * exp(-t / 4096)|          <= 1    (LSB of Q15), t in [0, 65535]
//   tanh_q15(x):     |result - 32768 * tanh(x / 4096)|          <= 2    x in [-32768, 32767]
//   logistic_q15(x): |result - 32768 / (1 + exp(-x / 4096))|    <= 1.5  x in [-32768, 32767]
#pragma once
#include <cstdint>

#include "../platform/flash.hpp"

namespace ctml::fixed_math {

namespace detail {
// round(65536 * exp(-k / 8)) for k = 1..95 (entry 0 is unused: exp(0) is handled apart, since
// 65536 does not fit 16 bits); beyond t = 12 the result rounds to 0 in Q15.
CTML_FLASH inline constexpr std::uint16_t exp_neg_eighths[96] = {
    0, 57835, 51039, 45042, 39750, 35079, 30957, 27319, 24109, 21276, 18776, 16570,
    14623, 12905, 11388, 10050, 8869, 7827, 6907, 6096, 5380, 4747, 4190, 3697,
    3263, 2879, 2541, 2243, 1979, 1746, 1541, 1360, 1200, 1059, 935, 825,
    728, 642, 567, 500, 442, 390, 344, 303, 268, 236, 209, 184,
    162, 143, 127, 112, 99, 87, 77, 68, 60, 53, 47, 41,
    36, 32, 28, 25, 22, 19, 17, 15, 13, 12, 10, 9,
    8, 7, 6, 6, 5, 4, 4, 3, 3, 3, 2, 2,
    2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
}  // namespace detail

// exp(-t / 4096) in Q15 for t in Q4.12. t = 8k/8 + r with r < 1/8: exp(-k/8) from a table and
// exp(-r) from its Taylor polynomial to r^4 (remainder below 2^-26), in Q24.
constexpr std::uint16_t exp_neg_q15(std::uint16_t t) noexcept {
  const std::uint32_t k = t >> 9;
  if (k >= 96) return 0;
  const std::int32_t r = static_cast<std::int32_t>(t & 0x1FF);  // Q12, < 512
  const std::int32_t r2 = r * r;                               // Q24
  const std::int32_t r3 = (r2 * r) >> 12;                      // Q24
  const std::int32_t r4 = (r3 * r) >> 12;                      // Q24
  const std::int32_t p24 = (std::int32_t{1} << 24) - (r << 12) + r2 / 2 - r3 / 6 + r4 / 24;
  const std::uint32_t p16 = static_cast<std::uint32_t>((p24 + 128) >> 8);  // Q16, <= 65536
  if (k == 0) return static_cast<std::uint16_t>((p16 + 1) >> 1);
  const std::uint32_t e = platform::flash_read(&detail::exp_neg_eighths[k]);  // Q16, < 57836
  return static_cast<std::uint16_t>((e * p16 + (std::uint32_t{1} << 16)) >> 17);  // Q32 -> Q15
}

// tanh(x / 4096) in Q15 (-32767..32767) for x in Q4.12: (1 - e) / (1 + e) with e = exp(-2|x|).
constexpr std::int16_t tanh_q15(std::int16_t x) noexcept {
  const std::uint32_t a = x < 0 ? static_cast<std::uint32_t>(-static_cast<std::int32_t>(x)) : static_cast<std::uint32_t>(x);
  const std::uint32_t e = 2 * a > 0xFFFF ? 0 : exp_neg_q15(static_cast<std::uint16_t>(2 * a));
  std::uint32_t q = ((32768 - e) * 32768 + (32768 + e) / 2) / (32768 + e);
  if (q > 32767) q = 32767;
  return static_cast<std::int16_t>(x < 0 ? -static_cast<std::int32_t>(q) : static_cast<std::int32_t>(q));
}

// The logistic function 1 / (1 + exp(-x / 4096)) in Q15 (0..32768) for x in Q4.12.
constexpr std::uint16_t logistic_q15(std::int16_t x) noexcept {
  const std::uint32_t a = x < 0 ? static_cast<std::uint32_t>(-static_cast<std::int32_t>(x)) : static_cast<std::uint32_t>(x);
  const std::uint32_t e = exp_neg_q15(static_cast<std::uint16_t>(a));  // a <= 32768
  const std::uint32_t num = x < 0 ? e * 32768 : std::uint32_t{32768} * 32768;
  return static_cast<std::uint16_t>((num + (32768 + e) / 2) / (32768 + e));
}

}  // namespace ctml::fixed_math
