// Issue 16's estimators against scikit-learn on held-out data, in both layouts, and at compile
// time: linear-kernel SVCs in primal form (the linear family; libsvm's one-vs-one vote for more
// than two classes), float and int16 inputs, on unscaled breast cancer where float32 kernel sums
// lost classes.
#include <catch2/catch.hpp>

#include <utility>

#include "breast_cancer_linear_svc.hpp"
#include "breast_cancer_linear_svc_int.hpp"
#include "breast_cancer_linear_svc_int_vectors.hpp"
#include "breast_cancer_linear_svc_vectors.hpp"
#include "conformance.hpp"
#include "family_conformance.hpp"
#include "iris_gb300.hpp"
#include "iris_gb300_vectors.hpp"
#include "iris_linear_svc.hpp"
#include "iris_linear_svc_float.hpp"
#include "iris_linear_svc_float_vectors.hpp"
#include "iris_linear_svc_vectors.hpp"

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

TEST_CASE("linear-kernel SVC in primal form predicts scikit-learn's class on every held-out sample", "[svm][linear][conformance]") {
  const auto f = ctml_test::classify<m::breast_cancer_linear_svc_t, m::breast_cancer_linear_svc_vectors>();
  INFO("float worst relative score error " << f.worst_score);
  CHECK(f.agree == f.total);
  CHECK(f.total == 143);
  CHECK(f.worst_score < 1e-4);
  CHECK(f.layouts_differ == 0);
  const auto q = ctml_test::classify<m::breast_cancer_linear_svc_int_t, m::breast_cancer_linear_svc_int_vectors>();
  INFO("int16 worst relative score error " << q.worst_score);
  CHECK(q.agree == q.total);  // codegen refuses a model whose class differs on a sample or test input
  CHECK(q.worst_score < 1e-2);
  CHECK(q.layouts_differ == 0);
}

TEST_CASE("three-class linear-kernel SVC votes one-vs-one over primal pair scores like libsvm", "[svm][linear][conformance]") {
  STATIC_REQUIRE(m::iris_linear_svc::ovo);
  STATIC_REQUIRE(m::iris_linear_svc::n_scores == 3);
  const auto f = ctml_test::classify<m::iris_linear_svc_float_t, m::iris_linear_svc_float_vectors>();
  CHECK(f.agree == f.total);
  CHECK(f.worst_score < 1e-5);
  CHECK(f.layouts_differ == 0);
  const auto q = ctml_test::classify<m::iris_linear_svc_t, m::iris_linear_svc_vectors>();
  INFO("int16 worst relative score error " << q.worst_score);
  CHECK(q.agree == q.total);
  CHECK(q.worst_score < 1e-3);
  CHECK(q.layouts_differ == 0);
}

// scikit-learn's default GradientBoostingClassifier on iris: 100 stages x 3 classes = 300 trees,
// past clang's fold limit of 256 (host clang-14 and the AVR's clang-16 compile it without flags).
TEST_CASE("a 300-tree gradient boosting classifier compiles and agrees with scikit-learn in both layouts", "[trees][conformance]") {
  STATIC_REQUIRE(m::iris_gb300::n_trees == 300);
  using U = m::iris_gb300_t<unrolled>;
  using B = m::iris_gb300_t<table>;
  const double tol = 300 * U::core::to_real(1) + 1e-5;  // each int32 leaf within half a step
  for (const auto& r : {ctml_test::boosted<U, m::iris_gb300_vectors>(tol), ctml_test::boosted<B, m::iris_gb300_vectors>(tol)}) {
    CHECK(r.agree == r.total);
    CHECK(r.worst <= tol);
  }
  for (std::size_t i = 0; i < m::iris_gb300_vectors::n_samples; ++i) {
    const auto x = ctml_test::row<U>(m::iris_gb300_vectors::inputs[i]);
    CHECK(U::decision_function(x) == B::decision_function(x));
    const auto p = U::predict_proba(x);
    for (std::size_t k = 0; k < 3; ++k) CHECK(p[k] == Approx(m::iris_gb300_vectors::expected_proba[i][k]).margin(tol / 2 + 1e-5));
  }
}

// At compile time: if this file compiles, these have passed.
static_assert(ctml_test::classes_match<m::iris_gb300_t<table>, m::iris_gb300_vectors>(std::make_index_sequence<5>{}),
              "the 300-tree boosted classifier predicts scikit-learn's classes at compile time");
static_assert(ctml_test::classes_match<m::breast_cancer_linear_svc_t<unrolled>, m::breast_cancer_linear_svc_vectors>(
                  std::make_index_sequence<20>{}),
              "linear SVC (float, unrolled) predicts scikit-learn's classes at compile time");
static_assert(ctml_test::classes_match<m::breast_cancer_linear_svc_int_t<table>, m::breast_cancer_linear_svc_int_vectors>(
                  std::make_index_sequence<20>{}),
              "linear SVC (int16, table) predicts scikit-learn's classes at compile time");
static_assert(ctml_test::classes_match<m::iris_linear_svc_t<unrolled>, m::iris_linear_svc_vectors>(std::make_index_sequence<38>{}),
              "three-class linear SVC (int16) votes like libsvm at compile time");
