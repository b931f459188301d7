// Class probabilities from linear scores, computed as scikit-learn 1.2 computes them:
// logistic = one-vs-rest sigmoids (LogisticRegression ovr/liblinear, SGDClassifier log_loss), normalised
// over classes when there are more than two; softmax = multinomial LogisticRegression (with two
// classes scikit-learn takes the softmax of [-s, s], i.e. sigmoid(2 s)); modified_huber =
// SGDClassifier(loss="modified_huber"): (clip(s, -1, 1) + 1) / 2, normalised, uniform when all are 0.
#pragma once
#include <array>
#include <cstddef>

#include "../core/math.hpp"

namespace ctml::linear {

enum class proba { none, logistic, softmax, modified_huber };

namespace detail {

constexpr std::array<float, 2> binary(float p1) noexcept {
  return {1.0f - p1, p1};
}

template <std::size_t K>
constexpr std::array<float, K> normalise(std::array<float, K> p, bool uniform_if_zero) noexcept {
  float sum = 0.0f;
  for (float v : p) sum += v;
  if (uniform_if_zero && sum == 0.0f) {
    for (float& v : p) v = 1.0f / static_cast<float>(K);
    return p;
  }
  for (float& v : p) v /= sum;
  return p;
}

// exp(s_k - top) normalised, the differences taken in the scaled domain (scaled * scale are the
// real scores; see scores::compute_finite): a softmax that stays finite when the scores do not.
template <std::size_t K>
constexpr std::array<float, K> shifted_softmax(const std::array<float, K>& scaled, float scale) noexcept {
  float top = scaled[0];
  for (float v : scaled) top = v > top ? v : top;
  std::array<float, K> p{};
  for (std::size_t k = 0; k < K; ++k) p[k] = math::exp((scaled[k] - top) * scale);
  return normalise(p, false);
}

// s: the real scores (one for binary models, one per class otherwise; finite, saturated at
// +-FLT_MAX), `scaled` the same scores divided by `scale` (a power of two, 1 unless they left
// float's range); K classes.
template <proba Kind, std::size_t K, std::size_t S>
constexpr std::array<float, K> probabilities(const std::array<float, S>& s, const std::array<float, S>& scaled,
                                             float scale) noexcept {
  static_assert(S == 1 ? K == 2 : S == K, "ctml: a linear classifier has one score (binary) or one per class");
  if constexpr (S == 1) {
    float p1 = 0.0f;
    if constexpr (Kind == proba::logistic) p1 = math::sigmoid(s[0]);
    else if constexpr (Kind == proba::softmax) p1 = math::sigmoid(2.0f * s[0]);
    else {
      const float c = s[0] < -1.0f ? -1.0f : (s[0] > 1.0f ? 1.0f : s[0]);
      p1 = (c + 1.0f) / 2.0f;
    }
    return binary(p1);
  } else {
    std::array<float, K> p{};
    if constexpr (Kind == proba::softmax) {
      return shifted_softmax(scaled, scale);
    } else if constexpr (Kind == proba::logistic) {
      // Every score below -17: each sigmoid is exp(s) to float precision (1 + e^s < 1 + 2^-24) and
      // may underflow to 0, so normalise exp(s_k - top) instead (scikit-learn computes in float64).
      float top = s[0];
      for (float v : s) top = v > top ? v : top;
      if (top < -17.0f) return shifted_softmax(scaled, scale);
      for (std::size_t k = 0; k < K; ++k) p[k] = math::sigmoid(s[k]);
      return normalise(p, false);
    } else {
      for (std::size_t k = 0; k < K; ++k) {
        const float c = s[k] < -1.0f ? -1.0f : (s[k] > 1.0f ? 1.0f : s[k]);
        p[k] = (c + 1.0f) / 2.0f;
      }
      return normalise(p, true);
    }
  }
}

}  // namespace detail
}  // namespace ctml::linear
