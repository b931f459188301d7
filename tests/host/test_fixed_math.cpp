// The fixed-point exp, tanh and logistic against the host's double-precision libm over every
// input code (the bounds documented in core/fixed_math.hpp), plus their edge behaviour.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include <ctml/core/fixed_math.hpp>

namespace fm = ctml::fixed_math;

TEST_CASE("exp_neg_q15 is within 1 LSB of exp(-t) for every Q4.12 input and never rises by more than 1 LSB", "[core][fixed_math]") {
  double worst = 0;
  unsigned previous = 32769;
  bool monotone = true;
  for (std::uint32_t t = 0; t <= 0xFFFF; ++t) {
    const unsigned v = fm::exp_neg_q15(static_cast<std::uint16_t>(t));
    worst = std::fmax(worst, std::fabs(v - 32768.0 * std::exp(-static_cast<double>(t) / 4096.0)));
    monotone = monotone && v <= previous + 1;  // table and polynomial meet within rounding
    previous = v;
  }
  CHECK(worst <= 1.0);
  CHECK(monotone);
  CHECK(fm::exp_neg_q15(0) == 32768);
  CHECK(fm::exp_neg_q15(0xFFFF) == 0);
}

TEST_CASE("tanh_q15 is within 2 LSB of tanh(x) for every Q4.12 input and odd", "[core][fixed_math]") {
  double worst = 0;
  bool odd = true;
  for (std::int32_t x = -32768; x <= 32767; ++x) {
    const int v = fm::tanh_q15(static_cast<std::int16_t>(x));
    worst = std::fmax(worst, std::fabs(v - 32768.0 * std::tanh(static_cast<double>(x) / 4096.0)));
    if (x > -32768) odd = odd && v == -fm::tanh_q15(static_cast<std::int16_t>(-x));
  }
  CHECK(worst <= 2.0);
  CHECK(odd);
  CHECK(fm::tanh_q15(0) == 0);
  CHECK(fm::tanh_q15(32767) == 32767);
  CHECK(fm::tanh_q15(-32768) == -32767);
}

TEST_CASE("logistic_q15 is within 1.5 LSB of the logistic function for every Q4.12 input", "[core][fixed_math]") {
  double worst = 0;
  for (std::int32_t x = -32768; x <= 32767; ++x) {
    const double ref = 32768.0 / (1.0 + std::exp(-static_cast<double>(x) / 4096.0));
    worst = std::fmax(worst, std::fabs(fm::logistic_q15(static_cast<std::int16_t>(x)) - ref));
  }
  CHECK(worst <= 1.5);
  CHECK(fm::logistic_q15(0) == 16384);
}

static_assert(ctml::fixed_math::exp_neg_q15(4096) == 12055, "exp(-1) * 32768 = 12054.6 at compile time");
static_assert(ctml::fixed_math::logistic_q15(0) == 16384);
