// Conformance helpers for the linear, naive Bayes and k-NN families: run a generated model in
// both layouts over its test vectors (the framework's own answers on the same inputs).
#pragma once
#include <cmath>
#include <cstddef>

#include <ctml/core/layout.hpp>

#include "conformance.hpp"

namespace ctml_test {

struct family_tally {
  std::size_t agree = 0, total = 0, layouts_differ = 0;
  double worst_score = 0.0 /* relative to max(1, |reference|) */, worst_proba = 0.0, worst_value = 0.0;
  double smallest_disagreeing_margin = 1e300;  // |reference score| of the closest call that differs
};

template <class A, class B>
bool same_bits(const A& a, const B& b) {
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(a[k] == b[k] || (a[k] != a[k] && b[k] != b[k]))) return false;
  return true;
}

// Classifiers: classes, scores (decision_function or jll) and probabilities, in both layouts.
template <template <class> class T, class V>
family_tally classify() {
  using U = T<ctml::layout::unrolled>;
  using B = T<ctml::layout::table>;
  family_tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = row<U>(V::inputs[i]);
    const auto c = U::predict(x);
    t.layouts_differ += c != B::predict(x);
    t.agree += static_cast<long>(c) == static_cast<long>(V::expected_class[i]);
    ++t.total;
    if constexpr (requires { V::expected_score[0][0]; }) {
      std::array<float, V::n_scores> s{};
      if constexpr (requires { U::decision_function(x); }) {
        s = U::decision_function(x);
        t.layouts_differ += !same_bits(s, B::decision_function(x));
      } else {
        s = U::joint_log_likelihood(x);
        t.layouts_differ += !same_bits(s, B::joint_log_likelihood(x));
      }
      for (std::size_t k = 0; k < V::n_scores; ++k)
        t.worst_score = std::fmax(t.worst_score, std::fabs(s[k] - V::expected_score[i][k]) /
                                                    std::fmax(1.0, std::fabs(V::expected_score[i][k])));
      if (static_cast<long>(c) != static_cast<long>(V::expected_class[i])) {
        double margin = std::fabs(V::expected_score[i][0]);
        if (V::n_scores > 1) margin = std::fabs(V::expected_score[i][c] - V::expected_score[i][V::expected_class[i]]);
        t.smallest_disagreeing_margin = std::fmin(t.smallest_disagreeing_margin, margin);
      }
    }
    if constexpr (requires { V::expected_proba[0][0]; }) {
      const auto p = U::predict_proba(x);
      t.layouts_differ += !same_bits(p, B::predict_proba(x));
      for (std::size_t k = 0; k < V::n_proba; ++k)
        t.worst_proba = std::fmax(t.worst_proba, std::fabs(p[k] - V::expected_proba[i][k]));
    }
  }
  return t;
}

// Regressors: the largest |ctml - reference| relative to max(1, |reference|), in both layouts.
template <template <class> class T, class V>
family_tally regress() {
  using U = T<ctml::layout::unrolled>;
  using B = T<ctml::layout::table>;
  family_tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = row<U>(V::inputs[i]);
    const float v = U::predict(x);
    t.layouts_differ += !(v == B::predict(x));
    const double ref = V::expected_value[i];
    t.worst_value = std::fmax(t.worst_value, std::fabs(v - ref) / std::fmax(1.0, std::fabs(ref)));
    ++t.total;
  }
  return t;
}

}  // namespace ctml_test
