// Kernel machines evaluated at compile time: if this file compiles, these tests have passed. The
// expected answers are scikit-learn's (and ctml_codegen.rvm's), from the generated test vectors.
#include <catch2/catch.hpp>

#include <utility>

#include "breast_cancer_ocsvm.hpp"
#include "breast_cancer_ocsvm_vectors.hpp"
#include "breast_cancer_rvc.hpp"
#include "breast_cancer_rvc_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_rvr.hpp"
#include "iris_svc_proba_float.hpp"
#include "iris_svc_proba_float_vectors.hpp"
#include "diabetes_rvr_vectors.hpp"
#include "diabetes_svr.hpp"
#include "diabetes_svr_vectors.hpp"
#include "iris_svc.hpp"
#include "iris_svc_float.hpp"
#include "iris_svc_float_vectors.hpp"
#include "iris_svc_vectors.hpp"
#include "iris_rvc.hpp"
#include "iris_rvc_float.hpp"
#include "iris_rvc_float_vectors.hpp"
#include "iris_rvc_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

namespace {

constexpr double abs(double v) { return v < 0 ? -v : v; }

template <class M, class V, std::size_t... I>
constexpr bool values_within(double tol, std::index_sequence<I...>) {
  return ((abs(M::predict(ctml_test::row<M>(V::inputs[I])) - V::expected_value[I]) <= tol) && ...);
}

}  // namespace

static_assert(ctml_test::classes_match<m::iris_svc_t<unrolled>, m::iris_svc_vectors>(std::make_index_sequence<38>{}),
              "constexpr integer SVC (unrolled) disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::iris_svc_t<table>, m::iris_svc_vectors>(std::make_index_sequence<38>{}),
              "constexpr integer SVC (table) disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::iris_svc_float_t<table>, m::iris_svc_float_vectors>(std::make_index_sequence<38>{}),
              "constexpr float SVC disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::breast_cancer_ocsvm_t<table>, m::breast_cancer_ocsvm_vectors>(std::make_index_sequence<10>{}),
              "constexpr OneClassSVM disagrees with scikit-learn");
static_assert(ctml_test::classes_match<m::breast_cancer_rvc_t<unrolled>, m::breast_cancer_rvc_vectors>(std::make_index_sequence<10>{}),
              "constexpr RVC disagrees with ctml_codegen.rvm");
static_assert(ctml_test::classes_match<m::iris_rvc_t<unrolled>, m::iris_rvc_vectors>(std::make_index_sequence<38>{}) &&
                  ctml_test::classes_match<m::iris_rvc_t<table>, m::iris_rvc_vectors>(std::make_index_sequence<38>{}),
              "constexpr one-vs-rest RVC (int16) disagrees with ctml_codegen.rvm");
static_assert(ctml_test::classes_match<m::iris_rvc_float_t<table>, m::iris_rvc_float_vectors>(std::make_index_sequence<38>{}),
              "constexpr one-vs-rest RVC (float) disagrees with ctml_codegen.rvm");
// Its probabilities as a constant expression: the normalised logistics, within float rounding.
template <std::size_t... I>
constexpr bool rvc_proba_matches(std::index_sequence<I...>) {
  using M = m::iris_rvc_float;
  using V = m::iris_rvc_float_vectors;
  auto ok = [](const auto& p, const auto& e) {
    for (std::size_t k = 0; k < M::n_classes; ++k)
      if (abs(p[k] - e[k]) > 1e-5) return false;
    return true;
  };
  return (ok(M::predict_proba(ctml_test::row<M>(V::inputs[I])), V::expected_proba[I]) && ...);
}
static_assert(rvc_proba_matches(std::make_index_sequence<10>{}), "constexpr one-vs-rest RVC predict_proba is off ctml_codegen.rvm");
// Regressors: within the integer path's tolerance (see test_svm.cpp).
static_assert(values_within<m::diabetes_svr_t<table>, m::diabetes_svr_vectors>(1.0, std::make_index_sequence<10>{}),
              "constexpr SVR is off scikit-learn by more than 1");
static_assert(values_within<m::diabetes_rvr_t<unrolled>, m::diabetes_rvr_vectors>(0.5, std::make_index_sequence<10>{}),
              "constexpr RVR is off ctml_codegen.rvm by more than 0.5");
static_assert(m::iris_svc_t<unrolled>::flash_bytes - m::iris_svc_t<unrolled>::code_bytes == m::iris_svc_t<unrolled>::core::shared_data &&
                  m::iris_svc_t<table>::flash_bytes > m::iris_svc_t<table>::code_bytes + m::iris_svc_t<table>::core::shared_data,
              "the unrolled layout keeps no support-vector table in flash (only the integer kernel's exp table)");

// predict_proba (Platt scaling and libsvm's coupling iteration) as a constant expression.
template <std::size_t I>
constexpr bool proba_matches() {
  using M = m::iris_svc_proba_float;
  using V = m::iris_svc_proba_float_vectors;
  const auto p = M::predict_proba(ctml_test::row<M>(V::inputs[I]));
  for (std::size_t k = 0; k < M::n_classes; ++k)
    if (p[k] - V::expected_proba[I][k] > 1e-4f || V::expected_proba[I][k] - p[k] > 1e-4f) return false;
  return true;
}
static_assert(proba_matches<0>() && proba_matches<1>() && proba_matches<2>(), "constexpr SVC predict_proba is off scikit-learn");

TEST_CASE("kernel machines predict at compile time (the static_asserts above)", "[svm][constexpr]") { SUCCEED(); }
