// Generated tree models agree with the framework that trained them, on held-out data, in every
// layout. The expected answers come from scikit-learn / XGBoost (see codegen/ctml_codegen/emit/vectors.py).
#include <catch2/catch.hpp>

#include <cmath>
#include <type_traits>

#include "breast_cancer_dt.hpp"
#include "breast_cancer_dt_vectors.hpp"
#include "breast_cancer_gb.hpp"
#include "breast_cancer_gb_vectors.hpp"
#include "breast_cancer_gb_exp.hpp"
#include "breast_cancer_gb_exp_vectors.hpp"
#include "breast_cancer_if.hpp"
#include "breast_cancer_if_float.hpp"
#include "breast_cancer_if_float_vectors.hpp"
#include "breast_cancer_if_vectors.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_float.hpp"
#include "breast_cancer_rf_float_vectors.hpp"
#include "breast_cancer_rf_vectors.hpp"
#include "breast_cancer_xgb.hpp"
#include "breast_cancer_xgb_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_dt.hpp"
#include "diabetes_dt_vectors.hpp"
#include "diabetes_gb.hpp"
#include "diabetes_gb_vectors.hpp"
#include "diabetes_rf.hpp"
#include "diabetes_rf_vectors.hpp"
#include "diabetes_xgb.hpp"
#include "diabetes_xgb_vectors.hpp"
#include "digits_et.hpp"
#include "digits_et_vectors.hpp"
#include "digits_rf.hpp"
#include "digits_rf_vectors.hpp"
#include "iris_gb.hpp"
#include "iris_gb_vectors.hpp"
#include "iris_xgb.hpp"
#include "iris_xgb_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

#define CHECK_CLASSES(T, V)                                  \
  do {                                                       \
    const auto u = ctml_test::classes<T<unrolled>, V>();     \
    const auto t = ctml_test::classes<T<table>, V>();        \
    CHECK(u.agree == u.total);                               \
    CHECK(t.agree == t.total);                               \
  } while (0)

TEST_CASE("decision tree classifier agrees with scikit-learn in both layouts", "[trees][conformance]") {
  CHECK_CLASSES(m::breast_cancer_dt_t, m::breast_cancer_dt_vectors);
}

TEST_CASE("random forest classifiers agree with scikit-learn (int16, int8 and float inputs)", "[trees][conformance]") {
  CHECK_CLASSES(m::breast_cancer_rf_t, m::breast_cancer_rf_vectors);
  CHECK_CLASSES(m::breast_cancer_rf_float_t, m::breast_cancer_rf_float_vectors);
  CHECK_CLASSES(m::digits_rf_t, m::digits_rf_vectors);
}

TEST_CASE("extra trees classifier agrees with scikit-learn", "[trees][conformance]") {
  CHECK_CLASSES(m::digits_et_t, m::digits_et_vectors);
}

TEST_CASE("forest predict_proba is the mean of the trees' probabilities", "[trees]") {
  using M = m::digits_rf;
  using V = m::digits_rf_vectors;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto p = M::predict_proba(ctml_test::row<M>(V::inputs[i]));
    float sum = 0;
    std::size_t best = 0;
    for (std::size_t k = 0; k < p.size(); ++k) {
      sum += p[k];
      if (p[k] > p[best]) best = k;
    }
    CHECK(sum == Approx(1.0f).epsilon(1e-5));
    CHECK(best == V::expected_class[i]);
  }
}

// Tolerance of integer leaf sums: each leaf is rounded to half a step of 2^-frac.
template <class M>
double boosting_tolerance() {
  if constexpr (std::is_same_v<typename M::core::value_type, float>) return 1e-4;
  else return static_cast<double>(M::n_trees) * M::core::to_real(1) + 1e-5;
}

#define CHECK_BOOSTED(T, V)                                                   \
  do {                                                                        \
    const double tol = boosting_tolerance<T<unrolled>>();                     \
    for (const auto& r : {ctml_test::boosted<T<unrolled>, V>(tol), ctml_test::boosted<T<table>, V>(tol)}) { \
      CHECK(r.agree + r.within == r.total);                                   \
      CHECK(r.worst <= tol * 4 + 1e-4);                                       \
    }                                                                         \
  } while (0)

TEST_CASE("gradient boosting classifiers agree with scikit-learn within the integer-sum tolerance", "[trees][conformance]") {
  CHECK_BOOSTED(m::breast_cancer_gb_t, m::breast_cancer_gb_vectors);
  CHECK_BOOSTED(m::iris_gb_t, m::iris_gb_vectors);
}

// predict_proba from the raw scores: sigmoid(gain * raw) when binary (gain 2 for loss='exponential'),
// the softmax otherwise. Both are (gain / 4)- and 1/2-Lipschitz, so a raw score within tol of the
// framework's gives probabilities within gain / 2 * tol (plus float32 rounding of the exp).
template <template <class> class T, class V>
void check_boosted_proba() {
  using M = T<unrolled>;
  using B = T<table>;
  const double tol = boosting_tolerance<M>() * 4 + 1e-4;
  double worst = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    const auto p = M::predict_proba(x);
    CHECK(p == B::predict_proba(x));
    for (std::size_t k = 0; k < V::n_proba; ++k) worst = std::fmax(worst, std::fabs(p[k] - V::expected_proba[i][k]));
  }
  CHECK(worst <= M::proba_gain / 2 * tol + 1e-5);
}

TEST_CASE("boosted classifiers' predict_proba follows the framework (expit(2 raw) for loss='exponential')", "[trees][conformance]") {
  STATIC_REQUIRE(m::breast_cancer_gb_exp::proba_gain == 2.0f);
  CHECK_BOOSTED(m::breast_cancer_gb_exp_t, m::breast_cancer_gb_exp_vectors);
  check_boosted_proba<m::breast_cancer_gb_exp_t, m::breast_cancer_gb_exp_vectors>();
  check_boosted_proba<m::breast_cancer_gb_t, m::breast_cancer_gb_vectors>();
  check_boosted_proba<m::iris_gb_t, m::iris_gb_vectors>();
  check_boosted_proba<m::breast_cancer_xgb_t, m::breast_cancer_xgb_vectors>();
  check_boosted_proba<m::iris_xgb_t, m::iris_xgb_vectors>();
}

TEST_CASE("XGBoost classifiers agree with XGBoost (binary float, multiclass int16)", "[trees][conformance][xgboost]") {
  CHECK_BOOSTED(m::breast_cancer_xgb_t, m::breast_cancer_xgb_vectors);
  CHECK_BOOSTED(m::iris_xgb_t, m::iris_xgb_vectors);
}

#define CHECK_REGRESSION(T, V, REL)                                                    \
  do {                                                                                 \
    double scale = 0;                                                                  \
    for (double v : V::expected_value) scale = std::fmax(scale, std::fabs(v));         \
    CHECK(ctml_test::regression<T<unrolled>, V>().worst <= REL * scale);               \
    CHECK(ctml_test::regression<T<table>, V>().worst <= REL * scale);                  \
  } while (0)

// float32 sums of float64 leaves: a few ulps of the largest output.
TEST_CASE("tree regressors agree with scikit-learn and XGBoost", "[trees][conformance]") {
  CHECK_REGRESSION(m::diabetes_dt_t, m::diabetes_dt_vectors, 1e-6);
  CHECK_REGRESSION(m::diabetes_rf_t, m::diabetes_rf_vectors, 1e-5);
  CHECK_REGRESSION(m::diabetes_gb_t, m::diabetes_gb_vectors, 1e-5);
  CHECK_REGRESSION(m::diabetes_xgb_t, m::diabetes_xgb_vectors, 1e-5);
}

template <class M, class V>
void check_isolation() {
  const double tol = 1e-5;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    const double ref = V::expected_score[i][0];
    CHECK(M::score_samples(x) == Approx(ref).margin(tol));
    // predict may differ only for a score within tol of scikit-learn's offset_.
    if (M::predict(x) != V::expected_class[i]) CHECK(std::fabs(ref - m::breast_cancer_if_spec::offset) <= tol);
  }
}

TEST_CASE("isolation forest scores and predicts like scikit-learn", "[trees][conformance]") {
  check_isolation<m::breast_cancer_if_t<unrolled>, m::breast_cancer_if_vectors>();
  check_isolation<m::breast_cancer_if_t<table>, m::breast_cancer_if_vectors>();
  check_isolation<m::breast_cancer_if_float_t<unrolled>, m::breast_cancer_if_float_vectors>();
  check_isolation<m::breast_cancer_if_float_t<table>, m::breast_cancer_if_float_vectors>();
}
