// Streaming statistics for on-device learning and anomaly detection (issue: on-device learning):
// Welford's running mean and variance (Welford 1962; the update Knuth gives in TAOCP vol. 2),
// exponentially weighted averages and running extremes, in float and in fixed point. Every
// update is O(1) in time and memory, constexpr and noexcept, with no UB for any input and any
// state (a restored or hand-written one included): NaN samples are ignored and counted,
// fixed-point sums saturate, float results stay finite for finite samples. Input ranges, and
// what each struct gives for non-finite samples, are in docs/robustness.md. valid() says whether the
// fields are a state the struct can reach; ctml::learn::restore refuses a record that is not.
#pragma once
#include <cstdint>
#include <limits>

#include "../core/fixed.hpp"

namespace ctml::learn {

namespace stats_detail {
constexpr float abs(float x) noexcept { return x < 0.0f ? -x : x; }
constexpr bool finite(float x) noexcept { return x - x == 0.0f; }
constexpr float clamp_finite(float x) noexcept {  // +-inf to +-FLT_MAX (x is never NaN here)
  constexpr float big = std::numeric_limits<float>::max();
  return x > big ? big : (x < -big ? -big : x);
}
}  // namespace stats_detail

// Welford's running mean and variance in float, on data shifted by the first sample (the
// shifted-data method): the running mean then stays near zero, where float has the precision to
// take the tiny per-sample corrections of a long stream. Without the shift, 10^6 samples around
// 20000 lose 0.1 of the mean to absorption (float's step there is 0.002); with it, far less.
// Range: every finite sample is counted. While samples stay within +-2^60 (1.15e18) the update is
// the one above; a larger one is taken by the same update in a domain scaled by 2^-68 (so that no
// difference or square can overflow), after which the shift is the running mean. mean() is finite
// for every finite stream; m2 saturates at FLT_MAX, so variance() is finite and, once the true
// sum of squares leaves float's range, a lower bound. The count stops at 2^32 - 1 (later samples
// are counted as ignored).
struct running_stats {
  std::uint32_t n = 0;
  std::uint32_t ignored = 0;  // NaN or infinite samples that were not counted (saturating)
  float shift = 0.0f;         // the first sample (or the mean when a huge sample came)
  float mean_shifted = 0.0f;
  float m2 = 0.0f;  // sum of squared differences to the mean

  static constexpr float fast_bound = 0x1p60f;

  constexpr void update(float x) noexcept {
    if (!stats_detail::finite(x) || n == std::numeric_limits<std::uint32_t>::max()) {  // NaN, infinity, full
      if (ignored != std::numeric_limits<std::uint32_t>::max()) ++ignored;
      return;
    }
    if (n == 0) shift = x;
    ++n;
    using stats_detail::abs;
    if (abs(x) <= fast_bound && abs(shift) <= fast_bound && abs(mean_shifted) <= 2 * fast_bound) {
      // |y| <= 2^61, |delta| <= 2^62 and the product < 2^125: finite; only the sum can overflow.
      const float y = x - shift;
      const float delta = y - mean_shifted;
      mean_shifted += delta / static_cast<float>(n);
      m2 += delta * (y - mean_shifted);
      if (m2 > std::numeric_limits<float>::max()) m2 = std::numeric_limits<float>::max();
    } else {
      update_scaled(x);
    }
  }
  constexpr float mean() const noexcept { return shift + mean_shifted; }
  constexpr float variance() const noexcept { return n > 1 ? m2 / static_cast<float>(n - 1) : 0.0f; }
  constexpr float population_variance() const noexcept { return n > 0 ? m2 / static_cast<float>(n) : 0.0f; }

  // Fields finite, m2 >= 0, nothing but zeros before the first sample and no spread after it.
  constexpr bool valid() const noexcept {
    using stats_detail::finite;
    if (n == 0) return shift == 0.0f && mean_shifted == 0.0f && m2 == 0.0f;
    if (!finite(shift) || !finite(mean_shifted) || !finite(shift + mean_shifted) || !finite(m2)) return false;
    return m2 >= 0.0f && (n > 1 || (mean_shifted == 0.0f && m2 == 0.0f));
  }

 private:
  // Welford on x * 2^-68, unshifted: |x|, |shift| and |mean_shifted| scaled are below 2^61 (any
  // finite float is below 2^128), so |delta| < 2^63 and the product < 2^126; m2 scaled by
  // 2^-136 is below 2^-8. Then the shift becomes the mean, the shifted mean 0.
  constexpr void update_scaled(float x) noexcept {
    constexpr float s = 0x1p-68f, up = 0x1p68f;
    const float xs = x * s;
    const float mean_s = shift * s + mean_shifted * s;
    const float delta = xs - mean_s;
    const float mean_new = mean_s + delta / static_cast<float>(n);
    const float m2_s = m2 * s * s + delta * (xs - mean_new);
    shift = stats_detail::clamp_finite(mean_new * up);
    mean_shifted = 0.0f;
    m2 = stats_detail::clamp_finite(m2_s * up * up);
  }
};

// Welford in fixed point for integer samples (e.g. ADC readings, int16): the mean keeps Frac
// extra fraction bits and the squared deviations are summed in 64 bits with Frac fraction bits,
// so rounding stays far below one input step after 10^6 updates (tested). Range: any int16
// sample. The mean stays within the samples' range (each step moves it towards the sample, never
// past), so |delta| <= 2^31 and every product fits int64; the update clamps a mean outside that
// range first (only a hand-written state has one), and the sum saturates instead of wrapping,
// which takes full-scale deviations for more than 2^30 samples.
template <unsigned Frac = 15>
struct running_stats_q {
  static_assert(Frac <= 15, "ctml: running_stats_q keeps at most 15 fraction bits (products must fit int64)");
  std::uint32_t n = 0;
  std::int64_t mean = 0;  // input units * 2^Frac
  std::int64_t m2 = 0;    // squared input units * 2^Frac

  static constexpr std::int64_t lo = std::int64_t{std::numeric_limits<std::int16_t>::min()} * (std::int64_t{1} << Frac);
  static constexpr std::int64_t hi = std::int64_t{std::numeric_limits<std::int16_t>::max()} * (std::int64_t{1} << Frac);

  constexpr void update(std::int16_t x) noexcept {
    if (n == std::numeric_limits<std::uint32_t>::max()) return;  // the count is full: keep the estimate
    ++n;
    const std::int64_t xs = static_cast<std::int64_t>(x) * (std::int64_t{1} << Frac);
    const std::int64_t m = mean < lo ? lo : (mean > hi ? hi : mean);
    const std::int64_t delta = xs - m;
    mean = m + div_round(delta, n);
    m2 = ctml::fixed::saturating_add(m2, ctml::fixed::rounding_shift_right(delta * (xs - mean), Frac));
  }
  constexpr float mean_value() const noexcept { return static_cast<float>(mean) / static_cast<float>(1L << Frac); }
  constexpr float variance() const noexcept {
    return n > 1 ? static_cast<float>(m2) / static_cast<float>(1L << Frac) / static_cast<float>(n - 1) : 0.0f;
  }

  // The mean within int16's range, m2 >= 0, zeros before the first sample, no spread after it.
  constexpr bool valid() const noexcept {
    if (n == 0) return mean == 0 && m2 == 0;
    return mean >= lo && mean <= hi && m2 >= 0 && (n > 1 || m2 == 0);
  }

 private:
  static constexpr std::int64_t div_round(std::int64_t a, std::uint32_t b) noexcept {  // |a| <= 2^31
    const std::int64_t h = static_cast<std::int64_t>(b / 2);
    return a >= 0 ? (a + h) / static_cast<std::int64_t>(b) : -((-a + h) / static_cast<std::int64_t>(b));
  }
};

// Exponentially weighted moving average with weight alpha in float. Range: alpha in [0, 1] (a
// sample is ignored while alpha is outside it, NaN included); every finite sample is taken, and
// the average stays finite (it lies between the previous average and the sample: when their
// difference overflows, the update is computed as (1 - alpha) value + alpha x, whose two terms
// then have opposite signs). NaN and infinite samples are ignored.
struct ewma {
  float alpha;
  float value = 0.0f;
  std::uint8_t started = 0;  // 0 or 1 (not bool: a restored record is checked, never loaded as bool)
  constexpr void update(float x) noexcept {
    if (!stats_detail::finite(x) || !(alpha >= 0.0f && alpha <= 1.0f)) return;
    if (started == 0) {
      value = x;
      started = 1;
      return;
    }
    const float d = x - value;
    value = stats_detail::finite(d) ? value + alpha * d : (1.0f - alpha) * value + alpha * x;
  }
  constexpr bool valid() const noexcept {
    return alpha >= 0.0f && alpha <= 1.0f && stats_detail::finite(value) && started <= 1 &&
           (started == 1 || value == 0.0f);
  }
};

// The same in fixed point with alpha = 2^-Shift: one subtraction and one shift per update. Range:
// any int16 sample; the average stays within the samples' range, so xs - value fits int32 (the
// update clamps a value outside that range first, which only a hand-written state has).
template <unsigned Shift>
struct ewma_q {
  static_assert(Shift >= 1 && Shift <= 15, "ctml: ewma_q needs 1 <= Shift <= 15");
  std::int32_t value = 0;    // input units * 2^Shift, so no precision is lost to the shift
  std::uint8_t started = 0;  // 0 or 1

  static constexpr std::int32_t lo = std::int32_t{std::numeric_limits<std::int16_t>::min()} * (std::int32_t{1} << Shift);
  static constexpr std::int32_t hi = std::int32_t{std::numeric_limits<std::int16_t>::max()} * (std::int32_t{1} << Shift);

  constexpr void update(std::int16_t x) noexcept {
    const std::int32_t xs = static_cast<std::int32_t>(x) * (std::int32_t{1} << Shift);
    if (started == 0) {
      value = xs;
      started = 1;
      return;
    }
    const std::int32_t v = value < lo ? lo : (value > hi ? hi : value);
    value = v + ctml::fixed::rounding_shift_right(xs - v, Shift);
  }
  constexpr float average() const noexcept { return static_cast<float>(value) / static_cast<float>(1L << Shift); }
  constexpr bool valid() const noexcept {
    return started <= 1 && value >= lo && value <= hi && (started == 1 || value == 0);
  }
};

// Running minimum and maximum. NaN samples are ignored; infinities are taken.
template <class T>
struct extremes {
  T min = std::numeric_limits<T>::max();
  T max = std::numeric_limits<T>::lowest();
  constexpr void update(T x) noexcept {
    if (!(x == x)) return;  // NaN
    min = x < min ? x : min;
    max = x > max ? x : max;
  }
  // Untouched, or min <= max (no NaN).
  constexpr bool valid() const noexcept {
    return (min == std::numeric_limits<T>::max() && max == std::numeric_limits<T>::lowest()) || min <= max;
  }
};

// A z-score anomaly detector: a sample is anomalous when it lies more than `threshold` standard
// deviations from the running mean (compared squared, so no square root), after `warmup` samples.
// Anomalies are not learned, so a burst of them does not shift the baseline. Range: threshold
// finite and >= 0; NaN and infinite samples are anomalies; a finite sample whose distance to the
// mean overflows float is one too.
struct zscore_detector {
  float threshold = 3.0f;
  std::uint32_t warmup = 16;
  running_stats stats{};

  constexpr bool check(float x) noexcept {
    if (!stats_detail::finite(x)) return true;  // NaN or infinity is an anomaly
    if (stats.n >= warmup) {
      const float d = x - stats.mean();
      if (!stats_detail::finite(d) || d * d > threshold * threshold * stats.variance()) return true;
    }
    stats.update(x);
    return false;
  }
  constexpr bool valid() const noexcept {
    return stats_detail::finite(threshold) && threshold >= 0.0f && stats.valid();
  }
};

}  // namespace ctml::learn
