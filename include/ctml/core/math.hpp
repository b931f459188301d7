// Float elementary functions ctml needs on every target. avr-libc lacks expf/powf (which clang
// emits calls to), so ctml computes exp2 itself: range reduction to [0, 1) and a degree-6
// polynomial (max relative error below 5e-7, tested against the host's std::exp2 over the
// range), then the exponent is set with bit operations. constexpr, no errno, no UB for any input.
#pragma once
#include <bit>
#include <cstdint>

namespace ctml::math {

constexpr float exp2(float x) noexcept {
  if (!(x == x)) return x;                  // NaN stays NaN
  if (x >= 128.0f) return std::bit_cast<float>(0x7f800000u);  // +inf
  if (x < -149.0f) return 0.0f;
  auto whole = static_cast<std::int32_t>(x);  // truncation; make it floor below
  if (static_cast<float>(whole) > x) whole -= 1;
  const float f = x - static_cast<float>(whole);  // [0, 1), exact
  // Coefficients of 2^f on [0, 1) fitted for relative error by weighted least squares.
  float p = 2.16140799e-4f;
  p = p * f + 1.24673051e-3f;
  p = p * f + 9.67553949e-3f;
  p = p * f + 5.54852172e-2f;
  p = p * f + 2.40229326e-1f;
  p = p * f + 6.93147042e-1f;
  p = p * f + 1.0f;
  // Scale by 2^whole in two steps so subnormal results stay representable.
  std::int32_t e = whole;
  if (e < -126) {
    p *= std::bit_cast<float>(static_cast<std::uint32_t>(1) << 23);  // 2^-126
    e += 126;
  }
  if (e > 127) {
    p *= 2.0f;
    e -= 1;
  }
  return p * std::bit_cast<float>(static_cast<std::uint32_t>(e + 127) << 23);
}

constexpr float exp(float x) noexcept { return exp2(x * 1.4426950408889634f); }

// The logistic function, stable at both ends.
constexpr float sigmoid(float x) noexcept {
  if (!(x == x)) return x;
  if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
  const float e = exp(x);
  return e / (1.0f + e);
}

// The natural logarithm: x = m 2^e with m in [sqrt(1/2), sqrt(2)), then log(m) = 2 atanh(t),
// t = (m - 1) / (m + 1), by its odd series to t^9 (|t| < 0.172: truncation below 1e-8), plus
// e log 2. x = 0 gives -inf, x < 0 or NaN gives NaN, +inf stays +inf; subnormals are scaled first.
// Used for a mixture's score_samples (logsumexp).
constexpr float log(float x) noexcept {
  if (!(x > 0.0f)) return x == 0.0f ? -std::bit_cast<float>(0x7f800000u) : std::bit_cast<float>(0x7fc00000u);
  if (x == std::bit_cast<float>(0x7f800000u)) return x;
  std::int32_t e = 0;
  if (x < std::bit_cast<float>(0x00800000u)) {  // subnormal: times 2^24
    x *= 16777216.0f;
    e = -24;
  }
  const auto bits = std::bit_cast<std::uint32_t>(x);
  e += static_cast<std::int32_t>((bits >> 23) & 0xFF) - 127;
  float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u);  // [1, 2)
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float series = t * (2.0f + t2 * (0.666666667f + t2 * (0.4f + t2 * (0.285714286f + t2 * 0.222222222f))));
  return series + static_cast<float>(e) * 0.693147181f;
}

// 1 / sqrt(x): the classic bit-level first guess (about 3.4 % off), then three Newton steps
// y * (1.5 - x y^2 / 2), each squaring the error, so a few float ulps remain; no division.
// x = 0 gives +inf, x < 0 or NaN gives NaN, +inf gives 0; subnormal x is scaled into the normal
// range first. Used for k-NN's weights='distance'.
constexpr float rsqrt(float x) noexcept {
  if (!(x > 0.0f)) return x == 0.0f ? std::bit_cast<float>(0x7f800000u) : std::bit_cast<float>(0x7fc00000u);
  if (x == std::bit_cast<float>(0x7f800000u)) return 0.0f;
  float scale = 1.0f;
  if (x < std::bit_cast<float>(0x00800000u)) {  // subnormal: times 2^24, answer times 2^12
    x *= 16777216.0f;
    scale = 4096.0f;
  }
  float y = std::bit_cast<float>(0x5f3759dfu - (std::bit_cast<std::uint32_t>(x) >> 1));
  const float half = 0.5f * x;
  for (int i = 0; i < 3; ++i) y = y * (1.5f - half * y * y);
  return y * scale;
}

// Whether v is finite (constexpr, unlike std::isfinite in C++20): inf - inf and NaN - NaN are NaN.
constexpr bool finite(float v) noexcept { return v - v == 0.0f; }

// v rounded to float, saturated at +-FLT_MAX (NaN stays NaN): the finite fallbacks of the linear,
// kernel and float network paths.
constexpr float saturate_to_float(double v) noexcept {
  constexpr double big = 3.4028234663852886e38;  // FLT_MAX
  return static_cast<float>(v > big ? big : (v < -big ? -big : v));
}

}  // namespace ctml::math
