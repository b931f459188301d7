// Inference at compile time: if this file compiles, these tests have passed. The expected
// answers are scikit-learn's, taken from the generated test vectors.
#include <catch2/catch.hpp>

#include "breast_cancer_dt.hpp"
#include "breast_cancer_dt_vectors.hpp"
#include "breast_cancer_gb.hpp"
#include "breast_cancer_gb_vectors.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_dt.hpp"
#include "diabetes_dt_vectors.hpp"
#include "iris_xgb.hpp"
#include "iris_xgb_vectors.hpp"

#include <ctml/core/budget.hpp>
#include <ctml/core/concepts.hpp>

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

template <class M, class V, std::size_t... I>
constexpr bool all_classes_match(std::index_sequence<I...>) {
  return ((static_cast<long>(M::predict(ctml_test::row<M>(V::inputs[I]))) == static_cast<long>(V::expected_class[I])) && ...);
}

static_assert(ctml::classifier<m::breast_cancer_dt>);
static_assert(ctml::classifier<m::breast_cancer_rf>);
static_assert(ctml::model<m::diabetes_dt>);
static_assert(ctml::classifier<m::iris_xgb>);

static_assert(all_classes_match<m::breast_cancer_dt_t<unrolled>, m::breast_cancer_dt_vectors>(std::make_index_sequence<20>{}),
              "constexpr decision tree (unrolled) disagrees with scikit-learn");
static_assert(all_classes_match<m::breast_cancer_dt_t<table>, m::breast_cancer_dt_vectors>(std::make_index_sequence<20>{}),
              "constexpr decision tree (table) disagrees with scikit-learn");
static_assert(all_classes_match<m::breast_cancer_rf_t<unrolled>, m::breast_cancer_rf_vectors>(std::make_index_sequence<20>{}),
              "constexpr random forest disagrees with scikit-learn");
static_assert(all_classes_match<m::iris_xgb_t<table>, m::iris_xgb_vectors>(std::make_index_sequence<10>{}),
              "constexpr XGBoost model disagrees with XGBoost");

// A regressor at compile time, within float32 rounding of scikit-learn's float64 answer.
constexpr float dt_first = m::diabetes_dt::predict(ctml_test::row<m::diabetes_dt>(m::diabetes_dt_vectors::inputs[0]));
static_assert(dt_first - static_cast<float>(m::diabetes_dt_vectors::expected_value[0]) < 1e-3f &&
              static_cast<float>(m::diabetes_dt_vectors::expected_value[0]) - dt_first < 1e-3f);

// Budgets: the generated models state their footprint, and a firmware can assert it.
static_assert(ctml::fits<m::breast_cancer_dt_t<unrolled>, 512, 512>());
static_assert(m::breast_cancer_dt_t<unrolled>::flash_bytes == m::breast_cancer_dt_t<unrolled>::code_bytes,
              "unrolled trees keep no node data: their flash is their code");
static_assert(m::breast_cancer_dt_t<table>::flash_bytes >= sizeof(m::breast_cancer_dt_data::tree_0));

TEST_CASE("constexpr inference compiled (the static_asserts above are the tests)", "[constexpr]") {
  constexpr auto p = m::breast_cancer_gb::predict(ctml_test::row<m::breast_cancer_gb>(m::breast_cancer_gb_vectors::inputs[0]));
  CHECK(p == m::breast_cancer_gb_vectors::expected_class[0]);
}
