// Linear, naive Bayes and k-NN inference at compile time: if this file compiles, these tests have
// passed. The expected answers are scikit-learn's, from the generated test vectors.
#include <catch2/catch.hpp>

#include <utility>

#include "breast_cancer_svc.hpp"
#include "breast_cancer_svc_float.hpp"
#include "breast_cancer_svc_float_vectors.hpp"
#include "breast_cancer_svc_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_knn.hpp"
#include "diabetes_knn_vectors.hpp"
#include "diabetes_ridge.hpp"
#include "diabetes_ridge_vectors.hpp"
#include "iris_gnb.hpp"
#include "iris_gnb_vectors.hpp"
#include "iris_knn.hpp"
#include "iris_knn_vectors.hpp"
#include "iris_logit_float.hpp"
#include "iris_logit_float_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

namespace {

template <class M, class V, std::size_t... I>
constexpr bool values_within(float tol, std::index_sequence<I...>) {
  auto near = [tol](float a, float b) { return (a > b ? a - b : b - a) <= tol * (b < 0 ? -b : (b > 1 ? b : 1)); };
  return (near(M::predict(ctml_test::row<M>(V::inputs[I])), V::expected_value[I]) && ...);
}

template <class M, class V, std::size_t... I>
constexpr bool probabilities_within(float tol, std::index_sequence<I...>) {
  auto row_ok = [tol](const auto& p, const auto& e) {
    for (std::size_t k = 0; k < p.size(); ++k)
      if ((p[k] > e[k] ? p[k] - e[k] : e[k] - p[k]) > tol) return false;
    return true;
  };
  return (row_ok(M::predict_proba(ctml_test::row<M>(V::inputs[I])), V::expected_proba[I]) && ...);
}

}  // namespace

static_assert(ctml_test::classes_match<m::breast_cancer_svc_t<unrolled>, m::breast_cancer_svc_vectors>(std::make_index_sequence<20>{}),
              "constexpr int16 LinearSVC (unrolled) disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::breast_cancer_svc_t<table>, m::breast_cancer_svc_vectors>(std::make_index_sequence<20>{}),
              "constexpr int16 LinearSVC (table) disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::breast_cancer_svc_float_t<table>, m::breast_cancer_svc_float_vectors>(std::make_index_sequence<20>{}),
              "constexpr float LinearSVC disagrees with scikit-learn");
static_assert(probabilities_within<m::iris_logit_float_t<unrolled>, m::iris_logit_float_vectors>(1e-5f, std::make_index_sequence<10>{}),
              "constexpr LogisticRegression probabilities differ from scikit-learn's");
static_assert(values_within<m::diabetes_ridge_t<table>, m::diabetes_ridge_vectors>(1e-3f, std::make_index_sequence<10>{}),
              "constexpr int16 Ridge differs from scikit-learn");
static_assert(ctml_test::classes_match<m::iris_gnb_t<unrolled>, m::iris_gnb_vectors>(std::make_index_sequence<20>{}),
              "constexpr int16 GaussianNB disagrees with scikit-learn");
static_assert(values_within<m::diabetes_knn_t<table>, m::diabetes_knn_vectors>(1e-5f, std::make_index_sequence<5>{}),
              "constexpr int16 k-NN regressor differs from scikit-learn");
static_assert(ctml_test::classes_match<m::iris_knn_t<table>, m::iris_knn_vectors>(std::make_index_sequence<10>{}),
              "constexpr k-NN disagrees with scikit-learn");

TEST_CASE("linear, naive Bayes and k-NN predict at compile time like scikit-learn", "[constexpr]") {
  SUCCEED("checked by static_assert when this file compiled");
}
