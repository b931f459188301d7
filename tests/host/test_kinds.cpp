// The model kinds of issue 3 that had no compiled C++ conformance test: LinearRegression, Lasso,
// ElasticNet, LinearSVR, Perceptron, SGDClassifier (hinge), binary LogisticRegression on integer
// codes and NuSVR (rbf, integer). Each runs on every held-out sample in both layouts against
// scikit-learn's own answers (the generated vectors), and the layouts must agree bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>

#include <ctml/core/concepts.hpp>

#include "breast_cancer_logit.hpp"
#include "breast_cancer_logit_vectors.hpp"
#include "diabetes_enet.hpp"
#include "diabetes_enet_vectors.hpp"
#include "diabetes_lasso.hpp"
#include "diabetes_lasso_vectors.hpp"
#include "diabetes_linreg.hpp"
#include "diabetes_linreg_vectors.hpp"
#include "diabetes_linsvr.hpp"
#include "diabetes_linsvr_vectors.hpp"
#include "diabetes_nusvr.hpp"
#include "diabetes_nusvr_vectors.hpp"
#include "family_conformance.hpp"
#include "iris_perceptron.hpp"
#include "iris_perceptron_vectors.hpp"
#include "iris_sgd_hinge.hpp"
#include "iris_sgd_hinge_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

namespace {

// An integer classifier may differ from scikit-learn only on a sample whose reference margin is
// within the score error the fixed point makes (and measured: none of these does). The score
// bound grows with the feature count: 1e-3 for iris' 4, 5e-3 for breast cancer's 30 (as LinearSVC).
void check_integer_classifier(const ctml_test::family_tally& t, double score_tol) {
  INFO(t.agree << "/" << t.total << " agree, worst relative score error " << t.worst_score);
  CHECK(t.layouts_differ == 0);
  CHECK(t.worst_score < score_tol);
  CHECK(t.agree == t.total);
}

// Every model on the extreme codes of its input type: defined behaviour, both layouts alike.
template <template <class> class T>
std::size_t extremes_differ() {
  using U = T<unrolled>;
  using B = T<table>;
  using F = typename U::feature_type;
  const F values[] = {std::numeric_limits<F>::lowest(), std::numeric_limits<F>::max(), F{0}, F{1}, F{-1}};
  std::size_t differ = 0;
  for (F a : values)
    for (F b : values) {
      typename U::input_type x{};
      for (std::size_t j = 0; j < x.size(); ++j) x[j] = j % 2 ? a : b;
      const auto pu = U::predict(x), pb = B::predict(x);
      differ += !(pu == pb);
    }
  return differ;
}

}  // namespace

TEST_CASE("LinearRegression, Lasso and ElasticNet on int16 codes predict scikit-learn's values", "[linear][kinds][conformance]") {
  // int16 weights against one score scale and int16 codes: ~1e-4 relative per term, as Ridge.
  const auto l = ctml_test::regress<m::diabetes_linreg_t, m::diabetes_linreg_vectors>();
  const auto s = ctml_test::regress<m::diabetes_lasso_t, m::diabetes_lasso_vectors>();
  const auto e = ctml_test::regress<m::diabetes_enet_t, m::diabetes_enet_vectors>();
  INFO("worst relative error: LinearRegression " << l.worst_value << ", Lasso " << s.worst_value << ", ElasticNet " << e.worst_value);
  for (const auto& t : {l, s, e}) {
    CHECK(t.total == 111);
    CHECK(t.worst_value < 1e-3);
    CHECK(t.layouts_differ == 0);
  }
}

TEST_CASE("LinearSVR behind a StandardScaler (folded into the codes) predicts scikit-learn's values", "[linear][kinds][conformance]") {
  const auto t = ctml_test::regress<m::diabetes_linsvr_t, m::diabetes_linsvr_vectors>();
  INFO("worst relative error " << t.worst_value);
  CHECK(t.total == 111);
  CHECK(t.worst_value < 1e-3);
  CHECK(t.layouts_differ == 0);
}

TEST_CASE("Perceptron (three classes, int16) classifies and scores like scikit-learn", "[linear][kinds][conformance]") {
  check_integer_classifier(ctml_test::classify<m::iris_perceptron_t, m::iris_perceptron_vectors>(), 1e-3);
}

TEST_CASE("SGDClassifier (hinge loss, int16) classifies and scores like scikit-learn", "[linear][kinds][conformance]") {
  check_integer_classifier(ctml_test::classify<m::iris_sgd_hinge_t, m::iris_sgd_hinge_vectors>(), 1e-3);
}

TEST_CASE("binary LogisticRegression on int16 codes: class, decision value and sigmoid probability", "[linear][kinds][conformance]") {
  const auto t = ctml_test::classify<m::breast_cancer_logit_t, m::breast_cancer_logit_vectors>();
  check_integer_classifier(t, 5e-3);
  // The sigmoid's slope p (1 - p) shrinks as the score grows: the probability error stays under 1e-3.
  INFO("worst probability error " << t.worst_proba);
  CHECK(t.worst_proba < 1e-3);
}

TEST_CASE("NuSVR (rbf, int16) predicts scikit-learn's values within the integer tolerance, layouts identical", "[svm][kinds][conformance]") {
  using V = m::diabetes_nusvr_vectors;
  // As SVR: sum |coef| x (2.5e-4 kernel + 1 / 30000 coefficient step) ~ 1e-3 of the coefficient mass.
  double mass = 0;
  for (const auto& row : m::diabetes_nusvr_data::coef)
    for (auto c : row) mass += std::fabs(static_cast<double>(c));
  mass *= m::diabetes_nusvr_spec::out_scale * 32768.0;
  const auto u = ctml_test::regression<m::diabetes_nusvr_t<unrolled>, V>();
  const auto b = ctml_test::regression<m::diabetes_nusvr_t<table>, V>();
  INFO("coefficient mass " << mass << ", worst error " << u.worst);
  CHECK(u.total == V::n_samples);
  CHECK(u.worst <= 1e-3 * mass);
  CHECK(b.worst <= 1e-3 * mass);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<m::diabetes_nusvr_t<unrolled>>(V::inputs[i]);
    differ += !(m::diabetes_nusvr_t<unrolled>::predict(x) == m::diabetes_nusvr_t<table>::predict(x));
  }
  CHECK(differ == 0);
}

TEST_CASE("the added kinds are models with a footprint and defined on extreme codes", "[linear][svm][kinds][edge]") {
  STATIC_REQUIRE(ctml::model<m::diabetes_linreg>);
  STATIC_REQUIRE(ctml::model<m::diabetes_lasso>);
  STATIC_REQUIRE(ctml::model<m::diabetes_enet>);
  STATIC_REQUIRE(ctml::model<m::diabetes_linsvr>);
  STATIC_REQUIRE(ctml::model<m::diabetes_nusvr>);
  STATIC_REQUIRE(ctml::classifier<m::iris_perceptron>);
  STATIC_REQUIRE(ctml::classifier<m::iris_sgd_hinge>);
  STATIC_REQUIRE(ctml::classifier<m::breast_cancer_logit>);
  STATIC_REQUIRE(m::diabetes_linreg_t<unrolled>::flash_bytes == m::diabetes_linreg_t<unrolled>::code_bytes);
  STATIC_REQUIRE(m::iris_perceptron_t<table>::flash_bytes > 0);
  CHECK(extremes_differ<m::diabetes_linreg_t>() == 0);
  CHECK(extremes_differ<m::diabetes_lasso_t>() == 0);
  CHECK(extremes_differ<m::diabetes_enet_t>() == 0);
  CHECK(extremes_differ<m::diabetes_linsvr_t>() == 0);
  CHECK(extremes_differ<m::iris_perceptron_t>() == 0);
  CHECK(extremes_differ<m::iris_sgd_hinge_t>() == 0);
  CHECK(extremes_differ<m::breast_cancer_logit_t>() == 0);
  CHECK(extremes_differ<m::diabetes_nusvr_t>() == 0);
}
