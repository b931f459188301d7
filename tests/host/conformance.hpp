// Conformance helpers: run a generated model over its test vectors (the reference framework's own
// answers on the same inputs) in every layout and count agreement.
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>

#include <ctml/core/layout.hpp>

namespace ctml_test {

template <class M, class Row>
constexpr typename M::input_type row(const Row& r) {
  typename M::input_type x{};
  for (std::size_t j = 0; j < M::n_features; ++j) x[j] = r[j];
  return x;
}

// In a constant expression: the model's class equals the framework's on samples I... .
template <class M, class V, std::size_t... I>
constexpr bool classes_match(std::index_sequence<I...>) {
  return ((static_cast<long>(M::predict(row<M>(V::inputs[I]))) == static_cast<long>(V::expected_class[I])) && ...);
}

struct tally {
  std::size_t agree = 0, total = 0;
  double worst = 0.0;  // largest |ctml - reference| for real-valued outputs
  std::size_t within = 0;  // disagreements that the stated tolerance explains
};

// Class predictions: must match exactly.
template <class M, class V>
tally classes() {
  tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    t.agree += static_cast<long>(M::predict(row<M>(V::inputs[i]))) == static_cast<long>(V::expected_class[i]);
    ++t.total;
  }
  return t;
}

// Boosted classifiers: a sample may disagree only when the reference's own score is within
// `tol` of the decision boundary (integer leaf sums round each leaf to half a step).
template <class M, class V>
tally boosted(double tol) {
  tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = row<M>(V::inputs[i]);
    const auto d = M::decision_function(x);
    for (std::size_t k = 0; k < d.size(); ++k) {
      const double e = std::fabs(static_cast<double>(d[k]) - V::expected_score[i][k]);
      t.worst = e > t.worst ? e : t.worst;
    }
    ++t.total;
    if (static_cast<long>(M::predict(x)) == static_cast<long>(V::expected_class[i])) {
      ++t.agree;
    } else {
      // Near a tie: the two leading reference scores (or the score and 0) are within tol.
      double margin;
      if (V::n_scores == 1) {
        margin = std::fabs(V::expected_score[i][0]);
      } else {
        double a = -1e300, b = -1e300;
        for (std::size_t k = 0; k < V::n_scores; ++k) {
          const double s = V::expected_score[i][k];
          if (s > a) { b = a; a = s; } else if (s > b) { b = s; }
        }
        margin = a - b;
      }
      t.within += margin <= tol;
    }
  }
  return t;
}

template <class M, class V>
tally regression() {
  tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const double e = std::fabs(static_cast<double>(M::predict(row<M>(V::inputs[i]))) - V::expected_value[i]);
    t.worst = e > t.worst ? e : t.worst;
    ++t.total;
  }
  return t;
}

}  // namespace ctml_test
