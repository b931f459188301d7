// Inference has no undefined behaviour for any input: NaN, infinities, the integer extremes.
// Run under ASan+UBSan (host-sanitize preset); the expected answers follow from the documented
// rules (NaN goes right in scikit-learn float models, to XGBoost's default child; the quantizer
// maps NaN to the minimum code).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "breast_cancer_gb.hpp"
#include "breast_cancer_if.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_float.hpp"
#include "breast_cancer_xgb.hpp"
#include "diabetes_rf.hpp"
#include "digits_rf.hpp"

namespace m = ctml_models;

template <class M, class T>
void sweep(std::initializer_list<T> values) {
  for (T v : values) {
    typename M::input_type x{};
    x.fill(v);
    const auto p = M::predict(x);
    if constexpr (requires { M::n_classes; }) CHECK(static_cast<std::size_t>(p) < M::n_classes);
  }
}

TEST_CASE("integer models take every extreme code", "[edge]") {
  sweep<m::digits_rf, std::int8_t>({-128, -1, 0, 16, 127});
  sweep<m::breast_cancer_rf, std::int16_t>({-32768, 0, 32767});
  sweep<m::breast_cancer_gb, std::int16_t>({-32768, 0, 32767});
  sweep<m::diabetes_rf, std::int16_t>({-32768, 0, 32767});
  sweep<m::breast_cancer_if, std::int16_t>({-32768, 0, 32767});
}

TEST_CASE("float models take NaN and infinities", "[edge]") {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  sweep<m::breast_cancer_rf_float, float>({nan, inf, -inf, std::numeric_limits<float>::max()});
  sweep<m::breast_cancer_xgb, float>({nan, inf, -inf});
}

TEST_CASE("quantizing NaN and huge floats gives valid codes", "[edge]") {
  std::array<float, 30> x{};
  x.fill(std::numeric_limits<float>::quiet_NaN());
  x[1] = 1e30f;
  x[2] = -std::numeric_limits<float>::infinity();
  const auto q = m::breast_cancer_rf_info::quantize(x);
  CHECK(q[0] == -32768);
  CHECK(q[1] == 32767);
  CHECK(q[2] == -32768);
  CHECK(m::breast_cancer_rf::predict(q) < 2);
}
