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
#include "../platform/multiply.hpp"

namespace ctml::fixed_math {

namespace detail {
// round(65536 * exp(-k / 16)) for k = 1..191 (entry 0 is unused: exp(0) is handled apart, since
// 65536 does not fit 16 bits); from t = 12 on the result rounds to 0 in Q15.
CTML_FLASH inline constexpr std::uint16_t exp_neg_sixteenths[192] = {
    0, 61565, 57835, 54331, 51039, 47947, 45042, 42313, 39750, 37341, 35079, 32954,
    30957, 29081, 27319, 25664, 24109, 22649, 21276, 19987, 18776, 17639, 16570, 15566,
    14623, 13737, 12905, 12123, 11388, 10698, 10050, 9441, 8869, 8332, 7827, 7353,
    6907, 6489, 6096, 5726, 5380, 5054, 4747, 4460, 4190, 3936, 3697, 3473,
    3263, 3065, 2879, 2705, 2541, 2387, 2243, 2107, 1979, 1859, 1746, 1641,
    1541, 1448, 1360, 1278, 1200, 1128, 1059, 995, 935, 878, 825, 775,
    728, 684, 642, 604, 567, 533, 500, 470, 442, 415, 390, 366,
    344, 323, 303, 285, 268, 252, 236, 222, 209, 196, 184, 173,
    162, 153, 143, 135, 127, 119, 112, 105, 99, 93, 87, 82,
    77, 72, 68, 64, 60, 56, 53, 50, 47, 44, 41, 39,
    36, 34, 32, 30, 28, 27, 25, 23, 22, 21, 19, 18,
    17, 16, 15, 14, 13, 13, 12, 11, 10, 10, 9, 9,
    8, 8, 7, 7, 6, 6, 6, 5, 5, 5, 4, 4,
    4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2,
    2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0};

// The 32-bit product of two 16-bit values (hardware multiplies on AVR, not a 32 x 32 call).
constexpr std::uint32_t mul16(std::uint16_t a, std::uint16_t b) noexcept { return platform::mul_u16(a, b); }
}  // namespace detail

// exp(-t / 4096) in Q15 for t in Q4.12. t = k/16 + r with r < 1/16: exp(-k/16) from a table and
// exp(-r) from its Taylor polynomial to r^3 (remainder below 2^-20), in Q24, with 16 x 16-bit
// multiplies only.
constexpr std::uint16_t exp_neg_q15(std::uint16_t t) noexcept {
  const std::uint16_t k = t >> 8;
  if (k >= 192) return 0;
  const std::uint16_t r = t & 0xFF;                                  // Q12, < 256
  const std::uint16_t r2 = static_cast<std::uint16_t>(detail::mul16(r, r));  // Q24, <= 65025
  const std::uint32_t r3 = detail::mul16(r2, r) >> 12;               // Q24, <= 4048
  // r^3 / 6 as r^3 * (2^18 / 6) >> 18: no division (AVR has none).
  const std::uint32_t p24 = (std::uint32_t{1} << 24) - (std::uint32_t{r} << 12) + (r2 >> 1) -
                            (detail::mul16(static_cast<std::uint16_t>(r3), 43691) >> 18);
  const std::uint32_t p16 = (p24 + 128) >> 8;                        // Q16, <= 65536
  if (k == 0) return static_cast<std::uint16_t>((p16 + 1) >> 1);
  const std::uint16_t e = platform::flash_read(&detail::exp_neg_sixteenths[k]);  // Q16, <= 61565
  if (p16 > 0xFFFF) return static_cast<std::uint16_t>((e + 1u) >> 1);
  return static_cast<std::uint16_t>((detail::mul16(e, static_cast<std::uint16_t>(p16)) + (std::uint32_t{1} << 16)) >> 17);
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
