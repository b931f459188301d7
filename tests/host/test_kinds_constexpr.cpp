// The model kinds of issue 3 that had no constexpr test, evaluated at compile time in both
// layouts: if this file compiles, these tests have passed. The expected answers are
// scikit-learn's, from the generated test vectors.
#include <catch2/catch.hpp>

#include <utility>

#include "breast_cancer_logit.hpp"
#include "breast_cancer_logit_float.hpp"
#include "breast_cancer_logit_float_vectors.hpp"
#include "breast_cancer_logit_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_enet.hpp"
#include "diabetes_enet_vectors.hpp"
#include "diabetes_lasso.hpp"
#include "diabetes_lasso_vectors.hpp"
#include "diabetes_linreg.hpp"
#include "diabetes_linreg_vectors.hpp"
#include "diabetes_linsvr.hpp"
#include "diabetes_linsvr_vectors.hpp"
#include "diabetes_nusvr.hpp"
#include "diabetes_nusvr_linear.hpp"
#include "diabetes_nusvr_linear_vectors.hpp"
#include "diabetes_nusvr_vectors.hpp"
#include "iris_nusvc_sigmoid.hpp"
#include "iris_nusvc_sigmoid_int.hpp"
#include "iris_nusvc_sigmoid_int_vectors.hpp"
#include "iris_nusvc_sigmoid_vectors.hpp"
#include "iris_perceptron.hpp"
#include "iris_perceptron_vectors.hpp"
#include "iris_sgd_hinge.hpp"
#include "iris_sgd_hinge_vectors.hpp"
#include "iris_sgd_huber_float.hpp"
#include "iris_sgd_huber_float_vectors.hpp"
#include "iris_svc_poly.hpp"
#include "iris_svc_poly_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

namespace {

// Both layouts of model template T on the first N samples.
template <template <class> class T, class V, std::size_t N>
constexpr bool both_classes_match() {
  return ctml_test::classes_match<T<unrolled>, V>(std::make_index_sequence<N>{}) && ctml_test::classes_match<T<table>, V>(std::make_index_sequence<N>{});
}

constexpr double abs(double v) { return v < 0 ? -v : v; }

// |ctml - reference| <= tol * max(1, |reference|).
template <class M, class V, std::size_t... I>
constexpr bool values_within(double tol, std::index_sequence<I...>) {
  auto near = [tol](double a, double b) { return abs(a - b) <= tol * (abs(b) > 1 ? abs(b) : 1); };
  return (near(M::predict(ctml_test::row<M>(V::inputs[I])), V::expected_value[I]) && ...);
}

template <template <class> class T, class V, std::size_t N>
constexpr bool both_values_within(double tol) {
  return values_within<T<unrolled>, V>(tol, std::make_index_sequence<N>{}) &&
         values_within<T<table>, V>(tol, std::make_index_sequence<N>{});
}

template <class M, class V, std::size_t... I>
constexpr bool probabilities_within(double tol, std::index_sequence<I...>) {
  auto row_ok = [tol](const auto& p, const auto& e) {
    for (std::size_t k = 0; k < p.size(); ++k)
      if (abs(p[k] - e[k]) > tol) return false;
    return true;
  };
  return (row_ok(M::predict_proba(ctml_test::row<M>(V::inputs[I])), V::expected_proba[I]) && ...);
}

}  // namespace

// Linear regressors (int16): within the 1e-3 relative bound of tests/host/test_kinds.cpp.
static_assert(both_values_within<m::diabetes_linreg_t, m::diabetes_linreg_vectors, 10>(1e-3),
              "constexpr LinearRegression differs from scikit-learn");
static_assert(both_values_within<m::diabetes_lasso_t, m::diabetes_lasso_vectors, 10>(1e-3),
              "constexpr Lasso differs from scikit-learn");
static_assert(both_values_within<m::diabetes_enet_t, m::diabetes_enet_vectors, 10>(1e-3),
              "constexpr ElasticNet differs from scikit-learn");
static_assert(both_values_within<m::diabetes_linsvr_t, m::diabetes_linsvr_vectors, 10>(1e-3),
              "constexpr LinearSVR differs from scikit-learn");

// Linear classifiers.
static_assert(both_classes_match<m::iris_perceptron_t, m::iris_perceptron_vectors, 20>(),
              "constexpr Perceptron disagrees with scikit-learn");
static_assert(both_classes_match<m::iris_sgd_hinge_t, m::iris_sgd_hinge_vectors, 20>(),
              "constexpr SGDClassifier (hinge) disagrees with scikit-learn");
static_assert(both_classes_match<m::iris_sgd_huber_float_t, m::iris_sgd_huber_float_vectors, 20>(),
              "constexpr SGDClassifier (modified Huber) disagrees with scikit-learn");
static_assert(probabilities_within<m::iris_sgd_huber_float_t<table>, m::iris_sgd_huber_float_vectors>(1e-5, std::make_index_sequence<10>{}),
              "constexpr SGDClassifier (modified Huber) probabilities differ from scikit-learn's");
static_assert(both_classes_match<m::breast_cancer_logit_t, m::breast_cancer_logit_vectors, 20>(),
              "constexpr binary LogisticRegression (int16) disagrees with scikit-learn");
static_assert(probabilities_within<m::breast_cancer_logit_t<unrolled>, m::breast_cancer_logit_vectors>(1e-3, std::make_index_sequence<10>{}),
              "constexpr binary LogisticRegression (int16) probabilities differ from scikit-learn's");
static_assert(probabilities_within<m::breast_cancer_logit_float_t<table>, m::breast_cancer_logit_float_vectors>(1e-5, std::make_index_sequence<10>{}),
              "constexpr binary LogisticRegression (float) probabilities differ from scikit-learn's");

// Kernel machines: the first 12 samples, within clang's default constexpr step limit.
static_assert(both_classes_match<m::iris_svc_poly_t, m::iris_svc_poly_vectors, 12>(),
              "constexpr SVC (poly) disagrees with scikit-learn");
static_assert(both_classes_match<m::iris_nusvc_sigmoid_t, m::iris_nusvc_sigmoid_vectors, 12>(),
              "constexpr NuSVC (sigmoid, float) disagrees with scikit-learn");
static_assert(both_classes_match<m::iris_nusvc_sigmoid_int_t, m::iris_nusvc_sigmoid_int_vectors, 12>(),
              "constexpr NuSVC (sigmoid, int16) disagrees with scikit-learn");
// NuSVR: float within float rounding (diabetes targets are ~25..350), int16 within the SVR bound.
static_assert(both_values_within<m::diabetes_nusvr_linear_t, m::diabetes_nusvr_linear_vectors, 10>(1e-5),
              "constexpr NuSVR (linear, float) differs from scikit-learn");
static_assert(both_values_within<m::diabetes_nusvr_t, m::diabetes_nusvr_vectors, 10>(5e-3),
              "constexpr NuSVR (rbf, int16) differs from scikit-learn");

TEST_CASE("the remaining kinds predict at compile time like scikit-learn (the static_asserts above)", "[kinds][constexpr]") {
  SUCCEED("checked by static_assert when this file compiled");
}
