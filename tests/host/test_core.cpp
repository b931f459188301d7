// Core numerics: the exp2 error bound over its whole range, the input quantizer's rounding and
// NaN/overflow rules, fixed-point helpers and flash reads on the host.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include <ctml/core/fixed.hpp>
#include <ctml/core/math.hpp>
#include <ctml/core/quantize.hpp>
#include <ctml/platform/flash.hpp>

TEST_CASE("exp2 stays within 5e-7 relative error over the normal float range", "[core][math]") {
  double worst = 0;
  for (float x = -126.0f; x < 127.99f; x += 0.000731f) {
    const double ref = std::exp2(static_cast<double>(x));
    worst = std::fmax(worst, std::fabs(ctml::math::exp2(x) - ref) / ref);
  }
  CHECK(worst < 5e-7);
}

TEST_CASE("exp2 handles NaN, infinities and underflow without UB", "[core][math]") {
  CHECK(std::isnan(ctml::math::exp2(std::numeric_limits<float>::quiet_NaN())));
  CHECK(ctml::math::exp2(std::numeric_limits<float>::infinity()) == std::numeric_limits<float>::infinity());
  CHECK(ctml::math::exp2(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(ctml::math::exp2(-1000.0f) == 0.0f);
  CHECK(ctml::math::sigmoid(0.0f) == Approx(0.5f));
  CHECK(ctml::math::sigmoid(-200.0f) >= 0.0f);
  CHECK(ctml::math::sigmoid(200.0f) == Approx(1.0f));
}

TEST_CASE("rsqrt is within 4 float ulps of 1 / sqrt over every binade, subnormals included", "[core][math]") {
  double worst = 0;
  for (float x = 1.5e-45f; x < 3e38f; x = std::fmax(x * 1.0007f, std::nextafter(x, 1e38f))) {
    const double ref = 1.0 / std::sqrt(static_cast<double>(x));
    worst = std::fmax(worst, std::fabs(ctml::math::rsqrt(x) - ref) / ref);
  }
  CHECK(worst < 4 * 0x1p-24);
  CHECK(ctml::math::rsqrt(0.0f) == std::numeric_limits<float>::infinity());
  CHECK(ctml::math::rsqrt(std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(std::isnan(ctml::math::rsqrt(-1.0f)));
  CHECK(std::isnan(ctml::math::rsqrt(std::numeric_limits<float>::quiet_NaN())));
  STATIC_REQUIRE(ctml::math::rsqrt(4.0f) > 0.4999f);
  STATIC_REQUIRE(ctml::math::rsqrt(4.0f) < 0.5001f);
}

TEST_CASE("log is within 2e-7 absolute or 3 float ulps over every binade, subnormals included", "[core][math]") {
  double worst = 0;
  for (float x = 1.5e-45f; x < 3e38f; x = std::fmax(x * 1.0007f, std::nextafter(x, 1e38f))) {
    const double ref = std::log(static_cast<double>(x));
    worst = std::fmax(worst, std::fabs(ctml::math::log(x) - ref) / std::fmax(1.0, std::fabs(ref)));
  }
  CHECK(worst < 3 * 0x1p-24 + 2e-7);
  CHECK(ctml::math::log(1.0f) == 0.0f);
  CHECK(ctml::math::log(0.0f) == -std::numeric_limits<float>::infinity());
  CHECK(ctml::math::log(std::numeric_limits<float>::infinity()) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(ctml::math::log(-1.0f)));
  STATIC_REQUIRE(ctml::math::log(2.718281828f) > 0.99999f);
  STATIC_REQUIRE(ctml::math::log(2.718281828f) < 1.00001f);
}

TEST_CASE("the quantizer rounds half away from zero, clamps, and maps NaN to the minimum", "[core][quantize]") {
  constexpr ctml::quantize::affine<std::int8_t> q{0.0f, 2.0f};  // scale 0.5
  CHECK(q(0.25f) == 1);   // 0.5 rounds away from zero
  CHECK(q(-0.25f) == -1);
  CHECK(q(0.2f) == 0);
  CHECK(q(1000.0f) == 127);
  CHECK(q(-1000.0f) == -128);
  CHECK(q(std::numeric_limits<float>::infinity()) == 127);
  CHECK(q(-std::numeric_limits<float>::infinity()) == -128);
  CHECK(q(std::numeric_limits<float>::quiet_NaN()) == -128);
  static_assert(ctml::quantize::affine<std::int16_t>{1.0f, 10.0f}(2.0f) == 10);
}

TEST_CASE("fixed-point helpers saturate and round to nearest", "[core][fixed]") {
  using ctml::fixed::rounding_shift_right;
  using ctml::fixed::saturate;
  CHECK(saturate<std::int8_t>(300) == 127);
  CHECK(saturate<std::int8_t>(-300) == -128);
  CHECK(rounding_shift_right(5, 1) == 3);    // 2.5 -> 3
  CHECK(rounding_shift_right(-5, 1) == -3);  // -2.5 -> -3
  CHECK(rounding_shift_right(4, 2) == 1);
  CHECK(rounding_shift_right(-3, 1) == -2);  // -1.5 -> -2
  CHECK(rounding_shift_right(-1, 1) == -1);  // -0.5 -> -1
  CHECK(rounding_shift_right(-1, 2) == 0);   // -0.25 -> 0
  CHECK(rounding_shift_right(std::numeric_limits<std::int32_t>::min(), 4) == -(1 << 27));
  CHECK(rounding_shift_right(std::numeric_limits<std::int32_t>::max(), 4) == (1 << 27));
  for (int v = -1000; v <= 1000; ++v)
    for (unsigned s = 1; s < 6; ++s) {
      const double exact = v / static_cast<double>(1 << s);
      CHECK(rounding_shift_right(v, s) == static_cast<int>(exact >= 0 ? std::floor(exact + 0.5) : -std::floor(-exact + 0.5)));
    }
  CHECK(ctml::fixed::saturating_add<std::int16_t>(32000, 1000) == 32767);
  CHECK(ctml::fixed::saturating_add<std::int16_t>(-32000, -1000) == -32768);
  CHECK(ctml::fixed::widening_mul(std::int8_t{-128}, std::int8_t{-128}) == 16384);
}

CTML_FLASH constexpr std::int32_t table[] = {-7, 1 << 20, 42};

TEST_CASE("flash_read reads constants on the host and in constant expressions", "[core][platform]") {
  static_assert(ctml::platform::flash_read(&table[1]) == (1 << 20));
  CHECK(ctml::platform::flash_read(&table[0]) == -7);
  CHECK(ctml::platform::flash_read(&table[2]) == 42);
}
