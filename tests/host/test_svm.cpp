// Kernel machines against scikit-learn (and ctml_codegen.rvm) on held-out data: SVC votes, both
// decision_function shapes, SVR, OneClassSVM, RVC (binary and one-vs-rest) and RVR, in both layouts; the layouts agree
// bit for bit; libsvm's vote-tie rule; no UB on NaN or extreme inputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "breast_cancer_ocsvm.hpp"
#include "breast_cancer_ocsvm_vectors.hpp"
#include "breast_cancer_rvc.hpp"
#include "breast_cancer_rbf_svc.hpp"
#include "breast_cancer_rbf_svc_vectors.hpp"
#include "breast_cancer_svc_proba.hpp"
#include "breast_cancer_svc_proba_vectors.hpp"
#include "breast_cancer_rvc_vectors.hpp"
#include "conformance.hpp"
#include "diabetes_nusvr_linear.hpp"
#include "diabetes_nusvr_linear_vectors.hpp"
#include "diabetes_rvr.hpp"
#include "diabetes_rvr_vectors.hpp"
#include "diabetes_svr.hpp"
#include "diabetes_svr_vectors.hpp"
#include "iris_nusvc_sigmoid.hpp"
#include "iris_nusvc_sigmoid_int.hpp"
#include "iris_nusvc_sigmoid_int_vectors.hpp"
#include "iris_nusvc_sigmoid_vectors.hpp"
#include "iris_svc.hpp"
#include "iris_svc_float.hpp"
#include "iris_svc_float_vectors.hpp"
#include "iris_svc_int8.hpp"
#include "iris_svc_int8_vectors.hpp"
#include "iris_svc_poly.hpp"
#include "iris_svc_poly_vectors.hpp"
#include "iris_svc_proba.hpp"
#include "iris_svc_proba_float.hpp"
#include "iris_svc_proba_float_vectors.hpp"
#include "iris_svc_proba_vectors.hpp"
#include "iris_svc_vectors.hpp"
#include "iris_rvc.hpp"
#include "iris_rvc_float.hpp"
#include "iris_rvc_float_vectors.hpp"
#include "iris_rvc_vectors.hpp"

#include <ctml/core/concepts.hpp>

namespace m = ctml_models;
using ctml::layout::table;
using ctml::layout::unrolled;

namespace {

// Largest |ctml - scikit-learn| over a classifier's decision values, and exact class agreement.
template <class M, class V>
ctml_test::tally svc_tally() {
  ctml_test::tally t;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    t.agree += static_cast<long>(M::predict(x)) == static_cast<long>(V::expected_class[i]);
    ++t.total;
    const auto d = M::decision_function(x);
    static_assert(d.size() == V::n_scores, "decision_function has scikit-learn's shape");
    for (std::size_t k = 0; k < d.size(); ++k) t.worst = std::fmax(t.worst, std::fabs(d[k] - V::expected_score[i][k]));
  }
  return t;
}

// Both layouts give identical answers (same operations in the same order).
template <template <class> class T, class V>
bool layouts_identical() {
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<T<unrolled>>(V::inputs[i]);
    if constexpr (requires { T<unrolled>::core::decision(x); }) {
      if (T<unrolled>::core::decision(x) != T<table>::core::decision(x)) return false;
    } else if (T<unrolled>::core::compute(x) != T<table>::core::compute(x)) {  // a linear kernel in primal form
      return false;
    }
  }
  return true;
}

double sum_abs_coef(const auto& coef) {
  double s = 0;
  for (const auto& row : coef)
    for (auto c : row) s += std::fabs(static_cast<double>(c));
  return s;
}

}  // namespace

static_assert(ctml::classifier<m::iris_svc>);
static_assert(ctml::model<m::diabetes_svr>);
static_assert(ctml::model<m::breast_cancer_ocsvm>);
static_assert(ctml::classifier<m::breast_cancer_rvc>);
static_assert(ctml::classifier<m::iris_rvc>);

TEST_CASE("SVC (rbf, int16 path) votes like scikit-learn on every held-out iris sample", "[svm][conformance]") {
  // Decision values: kernel values are within 2.5e-4 relative (t in Q4.12) and 1 LSB of Q15, the
  // coefficients within 1/30000 of their pair's sum; the decision sums stay within 1e-3.
  for (auto t : {svc_tally<m::iris_svc_t<unrolled>, m::iris_svc_vectors>(), svc_tally<m::iris_svc_t<table>, m::iris_svc_vectors>()}) {
    CHECK(t.agree == t.total);
    CHECK(t.worst < 1e-3);
  }
  CHECK(layouts_identical<m::iris_svc_t, m::iris_svc_vectors>());
}

TEST_CASE("SVC (rbf, int8 path: 8 x 8-bit squares) votes like scikit-learn on every held-out iris sample", "[svm][conformance]") {
  static_assert(std::is_same_v<m::iris_svc_int8::feature_type, std::int8_t>);
  for (auto t : {svc_tally<m::iris_svc_int8_t<unrolled>, m::iris_svc_int8_vectors>(),
                 svc_tally<m::iris_svc_int8_t<table>, m::iris_svc_int8_vectors>()}) {
    CHECK(t.agree == t.total);
    // Support vectors rounded to the int8 step (about 0.03 here) move each kernel value by up to
    // 2 gamma |z - v| step / 2: the decision values stay within 5e-3 instead of 1e-3.
    CHECK(t.worst < 5e-3);
  }
  CHECK(layouts_identical<m::iris_svc_int8_t, m::iris_svc_int8_vectors>());
}

TEST_CASE("binary SVC: one decision value with scikit-learn's sign (> 0 is class 1), libsvm's vote", "[svm][conformance]") {
  static_assert(m::breast_cancer_rbf_svc::n_decision == 1 && m::breast_cancer_rbf_svc::n_pairs == 1);
  // 82 vectors with C = 10: the integer kernel's 2.5e-4 relative error over the coefficient mass
  // bounds the decision error; a class may differ only where scikit-learn's own decision value
  // is within that bound of 0.
  using V = m::breast_cancer_rbf_svc_vectors;
  const double tol = 1e-3 * sum_abs_coef(m::breast_cancer_rbf_svc_data::coef) * m::breast_cancer_rbf_svc_spec::out_scale * 32768.0;
  INFO("tolerance " << tol);
  for (int layout = 0; layout < 2; ++layout) {
    std::size_t agree = 0, near = 0;
    double worst = 0;
    for (std::size_t i = 0; i < V::n_samples; ++i) {
      const auto x = ctml_test::row<m::breast_cancer_rbf_svc>(V::inputs[i]);
      const auto c = layout ? m::breast_cancer_rbf_svc_t<table>::predict(x) : m::breast_cancer_rbf_svc_t<unrolled>::predict(x);
      const auto d = layout ? m::breast_cancer_rbf_svc_t<table>::decision_function(x) : m::breast_cancer_rbf_svc_t<unrolled>::decision_function(x);
      worst = std::fmax(worst, std::fabs(d[0] - V::expected_score[i][0]));
      CHECK((d[0] > 0) == (c == 1));  // scikit-learn's sign: > 0 is classes_[1]
      if (c == V::expected_class[i]) ++agree;
      else near += std::fabs(V::expected_score[i][0]) <= tol;
    }
    CHECK(worst <= tol);
    CHECK(agree + near == V::n_samples);
    CHECK(agree * 100 >= V::n_samples * 99);
  }
  CHECK(layouts_identical<m::breast_cancer_rbf_svc_t, m::breast_cancer_rbf_svc_vectors>());
}

TEST_CASE("SVC (rbf, float path) agrees with scikit-learn on every sample, ovr decision within float rounding", "[svm][conformance]") {
  for (auto t : {svc_tally<m::iris_svc_float_t<unrolled>, m::iris_svc_float_vectors>(),
                 svc_tally<m::iris_svc_float_t<table>, m::iris_svc_float_vectors>()}) {
    CHECK(t.agree == t.total);
    CHECK(t.worst < 1e-5);
  }
  CHECK(layouts_identical<m::iris_svc_float_t, m::iris_svc_float_vectors>());
}

TEST_CASE("SVC (poly kernel in a StandardScaler Pipeline) has scikit-learn's 'ovo' decision values", "[svm][conformance]") {
  static_assert(m::iris_svc_poly::n_decision == 3 && !m::iris_svc_poly_spec::ovr_shape);
  for (auto t : {svc_tally<m::iris_svc_poly_t<unrolled>, m::iris_svc_poly_vectors>(),
                 svc_tally<m::iris_svc_poly_t<table>, m::iris_svc_poly_vectors>()}) {
    CHECK(t.agree == t.total);
    CHECK(t.worst < 1e-4);
  }
  CHECK(layouts_identical<m::iris_svc_poly_t, m::iris_svc_poly_vectors>());
}

TEST_CASE("NuSVC (sigmoid kernel, float, in a Pipeline) votes and decides like scikit-learn", "[svm][conformance]") {
  for (auto t : {svc_tally<m::iris_nusvc_sigmoid_t<unrolled>, m::iris_nusvc_sigmoid_vectors>(),
                 svc_tally<m::iris_nusvc_sigmoid_t<table>, m::iris_nusvc_sigmoid_vectors>()}) {
    CHECK(t.agree == t.total);
    CHECK(t.worst < 1e-4);
  }
  CHECK(layouts_identical<m::iris_nusvc_sigmoid_t, m::iris_nusvc_sigmoid_vectors>());
}

TEST_CASE("NuSVC (sigmoid kernel, int16: tanh_q15 of the integer dot product) votes like scikit-learn", "[svm][conformance]") {
  // Kernel values within 2 LSB (tanh_q15) plus the dot product's scaling (t in Q4.12): the
  // decision values stay within 2e-3.
  for (auto t : {svc_tally<m::iris_nusvc_sigmoid_int_t<unrolled>, m::iris_nusvc_sigmoid_int_vectors>(),
                 svc_tally<m::iris_nusvc_sigmoid_int_t<table>, m::iris_nusvc_sigmoid_int_vectors>()}) {
    CHECK(t.agree == t.total);
    CHECK(t.worst < 2e-3);
  }
  CHECK(layouts_identical<m::iris_nusvc_sigmoid_int_t, m::iris_nusvc_sigmoid_int_vectors>());
  std::array<std::int16_t, 4> q{};
  for (std::int16_t v : {std::int16_t{-32768}, std::int16_t{32767}}) {
    q.fill(v);
    CHECK(m::iris_nusvc_sigmoid_int::predict(q) < 3);  // saturated dot products, no UB
  }
}

TEST_CASE("NuSVR (linear kernel, float, in a Pipeline) predicts scikit-learn's values to float rounding", "[svm][conformance]") {
  STATIC_REQUIRE(requires { m::diabetes_nusvr_linear::link_kind; });  // the primal form: a linear regressor
  const double scale = 350.0;  // the diabetes target's range
  CHECK(ctml_test::regression<m::diabetes_nusvr_linear_t<unrolled>, m::diabetes_nusvr_linear_vectors>().worst <= 1e-5 * scale);
  CHECK(ctml_test::regression<m::diabetes_nusvr_linear_t<table>, m::diabetes_nusvr_linear_vectors>().worst <= 1e-5 * scale);
  CHECK(layouts_identical<m::diabetes_nusvr_linear_t, m::diabetes_nusvr_linear_vectors>());
}

TEST_CASE("SVR (rbf, int16) predicts scikit-learn's values within the integer tolerance", "[svm][conformance]") {
  // Error bound: sum |coef| x (2.5e-4 kernel + 1 / 30000 coefficient step) ~ 1e-3 of the coefficient mass.
  const double mass = sum_abs_coef(m::diabetes_svr_data::coef) * m::diabetes_svr_spec::out_scale * 32768.0;
  INFO("coefficient mass " << mass);
  CHECK(ctml_test::regression<m::diabetes_svr_t<unrolled>, m::diabetes_svr_vectors>().worst <= 1e-3 * mass);
  CHECK(ctml_test::regression<m::diabetes_svr_t<table>, m::diabetes_svr_vectors>().worst <= 1e-3 * mass);
  CHECK(layouts_identical<m::diabetes_svr_t, m::diabetes_svr_vectors>());
}

TEST_CASE("RVR (ctml_codegen.rvm) predicts its own Python values within the integer tolerance", "[svm][rvm][conformance]") {
  const double mass = sum_abs_coef(m::diabetes_rvr_data::coef) * m::diabetes_rvr_spec::out_scale * 32768.0;
  CHECK(ctml_test::regression<m::diabetes_rvr_t<unrolled>, m::diabetes_rvr_vectors>().worst <= 1e-3 * mass);
  CHECK(ctml_test::regression<m::diabetes_rvr_t<table>, m::diabetes_rvr_vectors>().worst <= 1e-3 * mass);
  CHECK(layouts_identical<m::diabetes_rvr_t, m::diabetes_rvr_vectors>());
}

template <class M, class V>
void check_one_class() {
  const double mass = sum_abs_coef(m::breast_cancer_ocsvm_data::coef) * m::breast_cancer_ocsvm_spec::out_scale * 32768.0;
  const double tol = 1e-3 * mass;
  std::size_t agree = 0, near = 0;
  double worst = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    worst = std::fmax(worst, std::fabs(M::decision_function(x) - V::expected_score[i][0]));
    worst = std::fmax(worst, std::fabs(M::score_samples(x) - V::expected_score[i][1]));
    if (M::predict(x) == V::expected_class[i]) ++agree;
    else near += std::fabs(V::expected_score[i][0]) <= tol;  // only a decision within tol of 0 may flip
  }
  INFO("tolerance " << tol);
  CHECK(worst <= tol);
  CHECK(agree + near == V::n_samples);
  CHECK(agree >= V::n_samples * 99 / 100);
}

TEST_CASE("OneClassSVM: decision_function, score_samples and predict like scikit-learn", "[svm][conformance]") {
  check_one_class<m::breast_cancer_ocsvm_t<unrolled>, m::breast_cancer_ocsvm_vectors>();
  check_one_class<m::breast_cancer_ocsvm_t<table>, m::breast_cancer_ocsvm_vectors>();
  CHECK(layouts_identical<m::breast_cancer_ocsvm_t, m::breast_cancer_ocsvm_vectors>());
}

TEST_CASE("RVC: classes, decision values and probabilities like ctml_codegen.rvm.RVC", "[svm][rvm][conformance]") {
  using V = m::breast_cancer_rvc_vectors;
  const double mass = sum_abs_coef(m::breast_cancer_rvc_data::coef) * m::breast_cancer_rvc_spec::out_scale * 32768.0;
  for (int layout = 0; layout < 2; ++layout) {
    std::size_t agree = 0;
    double worst_d = 0, worst_p = 0;
    for (std::size_t i = 0; i < V::n_samples; ++i) {
      const auto x = ctml_test::row<m::breast_cancer_rvc>(V::inputs[i]);
      const auto d = layout ? m::breast_cancer_rvc_t<table>::decision_function(x) : m::breast_cancer_rvc_t<unrolled>::decision_function(x);
      const auto p = layout ? m::breast_cancer_rvc_t<table>::predict_proba(x) : m::breast_cancer_rvc_t<unrolled>::predict_proba(x);
      const auto c = layout ? m::breast_cancer_rvc_t<table>::predict(x) : m::breast_cancer_rvc_t<unrolled>::predict(x);
      agree += c == V::expected_class[i];
      worst_d = std::fmax(worst_d, std::fabs(d - V::expected_score[i][0]));
      worst_p = std::fmax(worst_p, std::fabs(p[1] - V::expected_score[i][1]));
      CHECK(p[0] + p[1] == Approx(1.0f));
    }
    CHECK(agree == V::n_samples);
    CHECK(worst_d <= 1e-3 * mass);
    // The logistic's slope is at most 1/4: the decision error, then logistic_q15's 1.5 LSB and the
    // Q4.12 rounding of the decision value.
    CHECK(worst_p <= 0.25 * worst_d + 1.5 / 32768 + 0.25 / 8192 + 1e-6);
  }
}

namespace {

double logistic(double f) { return 1.0 / (1.0 + std::exp(-f)); }

// The largest sum of |coefficient| over one output's row, in real units.
template <class Spec>
double row_mass() {
  double worst = 0;
  for (const auto& row : Spec::coef) {
    double s = 0;
    for (auto c : row) s += std::fabs(static_cast<double>(c));
    worst = std::fmax(worst, s);
  }
  if constexpr (std::is_same_v<typename Spec::feature_type, float>) return worst;
  else return worst * Spec::out_scale * 32768.0;
}

// One-vs-rest RVC against ctml_codegen.rvm.RVC on the held-out inputs, in one layout: classes,
// the K decision values within d_tol, the normalised probabilities within a per-sample bound
// derived from the per-class logistic's error e_k (see below).
template <class M, class V>
void check_ovr_rvc(double d_tol, double e_fixed) {
  std::size_t agree = 0, near = 0;
  double worst_d = 0, worst_p = 0, worst_p_excess = -1;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    const auto c = M::predict(x);
    const auto d = M::decision_function(x);
    const auto p = M::predict_proba(x);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(d)>, std::array<float, 3>>, "decision_function is (n, K)");
    std::size_t top = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      worst_d = std::fmax(worst_d, std::fabs(d[k] - V::expected_score[i][k]));
      if (d[k] > d[top]) top = k;
    }
    CHECK(c == top);  // predict is the first largest decision value
    if (c == V::expected_class[i]) ++agree;
    else near += std::fabs(V::expected_score[i][c] - V::expected_score[i][V::expected_class[i]]) <= 2 * d_tol;
    // |s'_k / S' - s_k / S| <= (e_k + p_k E) / (S - E), s_k the reference logistics, S their sum,
    // e_k a bound on |s'_k - s_k| and E the sum of the e_k. e_k: the logistic's slope (at most
    // 1/4) times the decision error, plus e_fixed (the integer path's Q4.12 rounding and
    // logistic_q15's 1.5 LSB; float rounding on the float path), plus, on the integer path, the
    // saturation at |f| = 8, where the logistic is within 3.36e-4 of 0 or 1.
    std::array<double, 3> s{}, e{};
    double S = 0, E = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const double f = V::expected_score[i][k];
      s[k] = logistic(f);
      e[k] = 0.25 * d_tol + e_fixed + (e_fixed > 1e-5 && std::fabs(f) + d_tol >= 8.0 ? logistic(-8.0) : 0.0);
      S += s[k];
      E += e[k];
    }
    float sum = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const double bound = (e[k] + s[k] / S * E) / (S - E);
      worst_p = std::fmax(worst_p, std::fabs(p[k] - V::expected_proba[i][k]));
      worst_p_excess = std::fmax(worst_p_excess, std::fabs(p[k] - V::expected_proba[i][k]) - bound);
      CHECK((p[k] >= 0.0f && p[k] <= 1.0f));
      sum += p[k];
    }
    CHECK(sum == Approx(1.0f).epsilon(1e-5));
  }
  INFO("worst decision error " << worst_d << " (tolerance " << d_tol << "), worst proba error " << worst_p << ", beyond its bound by " << worst_p_excess);
  CHECK(worst_d <= d_tol);
  CHECK(worst_p_excess <= 0.0);
  CHECK(agree + near == V::n_samples);
  CHECK(agree * 100 >= V::n_samples * 97);
}

}  // namespace

TEST_CASE("one-vs-rest RVC (int16): classes, K decision values and normalised probabilities like ctml_codegen.rvm.RVC",
          "[svm][rvm][conformance]") {
  STATIC_REQUIRE(m::iris_rvc::n_classes == 3 && m::iris_rvc::n_outputs == 3);
  STATIC_REQUIRE(std::is_same_v<decltype(m::breast_cancer_rvc::decision_function({})), float>);  // binary: one value
  // Kernel values within 2.5e-4 relative (t in Q4.12) and 1 LSB of Q15, coefficients within
  // 1/30000 of their row's mass: each decision value within 1e-3 of the row mass, as for the binary RVC.
  const double d_tol = 1e-3 * row_mass<m::iris_rvc_spec>();
  const double e_fixed = 1.5 / 32768 + 0.25 / 8192;  // logistic_q15's 1.5 LSB, half a Q4.12 step times slope 1/4
  check_ovr_rvc<m::iris_rvc_t<unrolled>, m::iris_rvc_vectors>(d_tol, e_fixed);
  check_ovr_rvc<m::iris_rvc_t<table>, m::iris_rvc_vectors>(d_tol, e_fixed);
  CHECK(layouts_identical<m::iris_rvc_t, m::iris_rvc_vectors>());
  CHECK(ctml_test::classes<m::iris_rvc_t<table>, m::iris_rvc_vectors>().agree == m::iris_rvc_vectors::n_samples);
}

TEST_CASE("one-vs-rest RVC (float, scaler on the device) matches ctml_codegen.rvm.RVC to float rounding", "[svm][rvm][conformance]") {
  // float32 sums of the row's terms: within 1e-5 of the row mass; the logistics within 1e-6.
  const double d_tol = 1e-5 * row_mass<m::iris_rvc_float_spec>();
  check_ovr_rvc<m::iris_rvc_float_t<unrolled>, m::iris_rvc_float_vectors>(d_tol, 1e-6);
  check_ovr_rvc<m::iris_rvc_float_t<table>, m::iris_rvc_float_vectors>(d_tol, 1e-6);
  CHECK(layouts_identical<m::iris_rvc_float_t, m::iris_rvc_float_vectors>());
  CHECK(ctml_test::classes<m::iris_rvc_float_t<unrolled>, m::iris_rvc_float_vectors>().agree == m::iris_rvc_float_vectors::n_samples);
}

TEST_CASE("one-vs-rest RVC has no UB on NaN, infinite and extreme inputs", "[svm][rvm][edge]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (float v : {nan, inf, -inf, 3e38f, -3e38f, 0.0f}) {
    std::array<float, 4> x{};
    x.fill(v);
    for (int model = 0; model < 2; ++model) {
      const auto c = model ? m::iris_rvc_float::predict(x) : m::iris_rvc::predict(m::iris_rvc_info::quantize(x));
      const auto p = model ? m::iris_rvc_float::predict_proba(x) : m::iris_rvc::predict_proba(m::iris_rvc_info::quantize(x));
      CHECK(c < 3);
      float sum = 0;
      for (float q : p) {
        CHECK((q >= 0.0f && q <= 1.0f));
        sum += q;
      }
      CHECK(sum == Approx(1.0f).epsilon(1e-5));  // NaN decisions: the uniform distribution
    }
  }
  for (std::int16_t v : {std::int16_t{-32768}, std::int16_t{32767}, std::int16_t{0}}) {
    std::array<std::int16_t, 4> q{};
    q.fill(v);
    CHECK(m::iris_rvc::predict(q) < 3);
    for (float d : m::iris_rvc::decision_function(q)) CHECK(std::isfinite(d));
  }
}

// A hand-made three-class machine whose pairwise decisions are the intercepts alone (zero
// coefficients), to pin libsvm's vote: pair (i, j) votes i when > 0, else j (0 votes j), and a
// tie goes to the lowest class index.
struct tie_spec {
  using feature_type = float;
  static constexpr std::size_t n_features = 1, n_sv = 3;
  static constexpr auto kind = ctml::svm::machine_kind::ovo;
  static constexpr auto kernel = ctml::svm::kernel_kind::linear;
  static constexpr float gamma = 0.0f, coef0 = 0.0f;
  static constexpr int degree = 3;
  static constexpr std::array<std::size_t, 3> n_support = {1, 1, 1};
  static constexpr bool ovr_shape = true, has_scaling = false;
  static constexpr float sv[3][1] = {{1.0f}, {2.0f}, {3.0f}};
  static constexpr float coef[2][3] = {{0.0f, 0.0f, 0.0f}, {0.0f, 0.0f, 0.0f}};
  static float intercept[3];
};
float tie_spec::intercept[3] = {};

TEST_CASE("SVC votes as libsvm does: > 0 votes i, ties go to the lowest class", "[svm][ties]") {
  using M = ctml::svm::svc<tie_spec, table>;
  auto with = [](float a, float b, float c) {
    tie_spec::intercept[0] = a;  // pair (0, 1)
    tie_spec::intercept[1] = b;  // pair (0, 2)
    tie_spec::intercept[2] = c;  // pair (1, 2)
    return M::predict({0.5f});
  };
  CHECK(with(1, -1, 1) == 0);   // 0 beats 1, 2 beats 0, 1 beats 2: one vote each, class 0
  CHECK(with(-1, 1, -1) == 0);  // the other cycle: still class 0
  CHECK(with(-1, -1, 1) == 1);  // 1: 2 votes
  CHECK(with(0, 0, 0) == 2);    // exactly 0 votes for j: class 2 gets 2 votes
  CHECK(with(1, 1, 0) == 0);
  CHECK(with(-1, 1, 1) == 1);   // (0,1) -> 1, (0,2) -> 0, (1,2) -> 1
}

TEST_CASE("kernel machines have no UB on NaN, infinite and extreme inputs", "[svm][edge]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (float v : {nan, inf, -inf, 3e38f, -3e38f, 0.0f}) {
    std::array<float, 4> x{};
    x.fill(v);
    CHECK(m::iris_svc_float::predict(x) < 3);
    CHECK(m::iris_svc_poly::predict(x) < 3);
    CHECK(m::iris_svc::predict(m::iris_svc_info::quantize(x)) < 3);  // NaN -> minimum code
  }
  for (std::int16_t v : {std::int16_t{-32768}, std::int16_t{32767}, std::int16_t{0}}) {
    std::array<std::int16_t, 30> q{};
    q.fill(v);
    const auto d = m::breast_cancer_ocsvm::decision_function(q);
    CHECK(std::isfinite(d));
    const auto p = m::breast_cancer_rvc::predict_proba(q);
    CHECK((p[1] >= 0.0f && p[1] <= 1.0f));
    std::array<std::int16_t, 10> r{};
    r.fill(v);
    CHECK(std::isfinite(m::diabetes_svr::predict(r)));
  }
}

// probability=True: libsvm's Platt sigmoids and pairwise coupling, against scikit-learn's own
// predict_proba on the held-out inputs. The float model differs from libsvm's doubles only by
// float32 rounding and the coupling's stopping rule (measured 2e-6); the integer models add their
// decision values' quantization error times the Platt slope |A| / 4 (measured 0.001 on iris, 0.016
// on breast cancer, whose C = 10 model has larger decision values).
template <class M, class V>
double worst_proba_error() {
  double worst = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<M>(V::inputs[i]);
    const auto p = M::predict_proba(x);
    float sum = 0;
    for (std::size_t k = 0; k < M::n_classes; ++k) {
      worst = std::fmax(worst, std::fabs(p[k] - V::expected_proba[i][k]));
      sum += p[k];
    }
    CHECK(std::fabs(sum - 1.0f) < 1e-4f);
  }
  return worst;
}

TEST_CASE("SVC predict_proba follows scikit-learn's (libsvm's Platt scaling and coupling)", "[svm][proba]") {
  STATIC_REQUIRE(m::iris_svc_proba::has_probability && !m::iris_svc::has_probability);
  STATIC_REQUIRE(m::iris_svc_proba_t<unrolled>::flash_bytes - m::iris_svc_proba_t<unrolled>::code_bytes ==
                 24 + m::iris_svc_proba_t<unrolled>::core::shared_data);  // unrolled: the 2 x 3 Platt floats (and an integer kernel's exp table)
  STATIC_REQUIRE(m::iris_svc_proba_t<table>::flash_bytes == m::iris_svc_proba_t<table>::core::flash_bytes + 24);
  const double fl = worst_proba_error<m::iris_svc_proba_float, m::iris_svc_proba_float_vectors>();
  const double in = worst_proba_error<m::iris_svc_proba, m::iris_svc_proba_vectors>();
  const double bin = worst_proba_error<m::breast_cancer_svc_proba, m::breast_cancer_svc_proba_vectors>();
  INFO("worst |p - scikit-learn|: iris float " << fl << ", iris int16 " << in << ", breast cancer (binary) int16 " << bin);
  CHECK(fl <= 1e-4);
  CHECK(in <= 0.005);
  CHECK(bin <= 0.025);
  // The vote and the probabilities are separate answers (as in scikit-learn), but agree here.
  std::size_t same = 0;
  using V = m::iris_svc_proba_float_vectors;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = ctml_test::row<m::iris_svc_proba_float>(V::inputs[i]);
    const auto p = m::iris_svc_proba_float::predict_proba(x);
    same += static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin()) == m::iris_svc_proba_float::predict(x);
  }
  CHECK(same + 2 >= V::n_samples);
}

TEST_CASE("SVC predict_proba has no UB on NaN and extreme inputs", "[svm][proba][edge]") {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (float v : {nan, inf, -inf, 3e38f, -3e38f, 0.0f}) {
    std::array<float, 4> x{};
    x.fill(v);
    for (float p : m::iris_svc_proba_float::predict_proba(x)) CHECK((p >= 0.0f && p <= 1.0f));
    for (float p : m::iris_svc_proba::predict_proba(m::iris_svc_proba_info::quantize(x))) CHECK((p >= 0.0f && p <= 1.0f));
  }
}
