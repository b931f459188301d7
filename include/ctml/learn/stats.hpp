// Streaming statistics for on-device learning and anomaly detection (issue: on-device learning):
// Welford's running mean and variance (Welford 1962; the update Knuth gives in TAOCP vol. 2),
// exponentially weighted averages and running extremes, in float and in fixed point. Every
// update is O(1) in time and memory, constexpr and noexcept, with no UB for any input: NaN
// samples are ignored and counted, fixed-point sums saturate.
#pragma once
#include <cstdint>
#include <limits>

#include "../core/fixed.hpp"

namespace ctml::learn {

// Welford's running mean and variance in float, on data shifted by the first sample (the
// shifted-data method): the running mean then stays near zero, where float has the precision to
// take the tiny per-sample corrections of a long stream. Without the shift, 10^6 samples around
// 20000 lose 0.1 of the mean to absorption (float's step there is 0.002); with it, far less.
struct running_stats {
  std::uint32_t n = 0;
  std::uint32_t ignored = 0;  // NaN or infinite samples that were not counted
  float shift = 0.0f;         // the first sample
  float mean_shifted = 0.0f;
  float m2 = 0.0f;  // sum of squared differences to the mean

  constexpr void update(float x) noexcept {
    if (!(x - x == 0.0f)) {  // NaN or infinity
      ++ignored;
      return;
    }
    if (n == 0) shift = x;
    ++n;
    const float y = x - shift;
    const float delta = y - mean_shifted;
    mean_shifted += delta / static_cast<float>(n);
    m2 += delta * (y - mean_shifted);
  }
  constexpr float mean() const noexcept { return shift + mean_shifted; }
  constexpr float variance() const noexcept { return n > 1 ? m2 / static_cast<float>(n - 1) : 0.0f; }
  constexpr float population_variance() const noexcept { return n > 0 ? m2 / static_cast<float>(n) : 0.0f; }
};

// Welford in fixed point for integer samples (e.g. ADC readings, int16): the mean keeps Frac
// extra fraction bits and the squared deviations are summed in 64 bits with Frac fraction bits,
// so rounding stays far below one input step after 10^6 updates (tested). Every product fits
// int64 (|delta| < 2^31 for Frac <= 15); the sum saturates instead of wrapping, which takes
// full-scale deviations for more than 2^30 samples.
template <unsigned Frac = 15>
struct running_stats_q {
  static_assert(Frac <= 15, "ctml: running_stats_q keeps at most 15 fraction bits (products must fit int64)");
  std::uint32_t n = 0;
  std::int64_t mean = 0;  // input units * 2^Frac
  std::int64_t m2 = 0;    // squared input units * 2^Frac

  constexpr void update(std::int16_t x) noexcept {
    if (n == std::numeric_limits<std::uint32_t>::max()) return;  // the count is full: keep the estimate
    ++n;
    const std::int64_t xs = static_cast<std::int64_t>(x) * (std::int64_t{1} << Frac);
    const std::int64_t delta = xs - mean;
    mean += div_round(delta, n);
    m2 = ctml::fixed::saturating_add(m2, ctml::fixed::rounding_shift_right(delta * (xs - mean), Frac));
  }
  constexpr float mean_value() const noexcept { return static_cast<float>(mean) / static_cast<float>(1L << Frac); }
  constexpr float variance() const noexcept {
    return n > 1 ? static_cast<float>(m2) / static_cast<float>(1L << Frac) / static_cast<float>(n - 1) : 0.0f;
  }

 private:
  static constexpr std::int64_t div_round(std::int64_t a, std::uint32_t b) noexcept {
    const std::int64_t h = static_cast<std::int64_t>(b / 2);
    return a >= 0 ? (a + h) / static_cast<std::int64_t>(b) : -((-a + h) / static_cast<std::int64_t>(b));
  }
};

// Exponentially weighted moving average with weight alpha in float.
struct ewma {
  float alpha;
  float value = 0.0f;
  bool started = false;
  constexpr void update(float x) noexcept {
    if (!(x - x == 0.0f)) return;
    value = started ? value + alpha * (x - value) : x;
    started = true;
  }
};

// The same in fixed point with alpha = 2^-Shift: one subtraction and one shift per update.
template <unsigned Shift>
struct ewma_q {
  static_assert(Shift >= 1 && Shift <= 15, "ctml: ewma_q needs 1 <= Shift <= 15");
  std::int32_t value = 0;  // input units * 2^Shift, so no precision is lost to the shift
  bool started = false;
  constexpr void update(std::int16_t x) noexcept {
    const std::int32_t xs = static_cast<std::int32_t>(x) * (std::int32_t{1} << Shift);
    value = started ? value + ctml::fixed::rounding_shift_right(xs - value, Shift) : xs;
    started = true;
  }
  constexpr float average() const noexcept { return static_cast<float>(value) / static_cast<float>(1 << Shift); }
};

// Running minimum and maximum.
template <class T>
struct extremes {
  T min = std::numeric_limits<T>::max();
  T max = std::numeric_limits<T>::lowest();
  constexpr void update(T x) noexcept {
    if (!(x == x)) return;  // NaN
    min = x < min ? x : min;
    max = x > max ? x : max;
  }
};

// A z-score anomaly detector: a sample is anomalous when it lies more than `threshold` standard
// deviations from the running mean (compared squared, so no square root), after `warmup` samples.
// Anomalies are not learned, so a burst of them does not shift the baseline.
struct zscore_detector {
  float threshold = 3.0f;
  std::uint32_t warmup = 16;
  running_stats stats{};

  constexpr bool check(float x) noexcept {
    if (!(x - x == 0.0f)) return true;  // NaN or infinity is an anomaly
    if (stats.n >= warmup) {
      const float d = x - stats.mean();
      if (d * d > threshold * threshold * stats.variance()) return true;
    }
    stats.update(x);
    return false;
  }
};

}  // namespace ctml::learn
