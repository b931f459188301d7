// Property tests on every family (tests/fuzz/properties.hpp states the properties): class indices
// below n_classes for every input; finite probabilities summing to 1 within
// ctml_props::proba_tolerance, and finite regressions, decision values and scores, over each
// model's finite domain. Inputs: every extreme value filled across the features (+-FLT_MAX,
// denormals, +-1e30, the domain bound, NaN, infinities; the integer codes' limits), and random
// mixes of extremes and ordinary values, and the same floats through each quantizer.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "../fuzz/model_list.hpp"

namespace m = ctml_models;

namespace {

template <class T>
std::vector<T> extremes(float bound) {
  if constexpr (std::is_floating_point_v<T>) {
    constexpr float inf = std::numeric_limits<float>::infinity();
    return {0.0f, -0.0f, 1.0f, -1.0f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN,
            1e30f, -1e30f, 1e19f, -1e19f, bound, -bound, std::numeric_limits<float>::quiet_NaN(), inf, -inf};
  } else {
    using L = std::numeric_limits<T>;
    return {L::min(), L::max(), T{0}, T{1}, static_cast<T>(-1), static_cast<T>(L::min() + 1), static_cast<T>(L::max() - 1)};
  }
}

template <class T>
T random_value(std::mt19937& rng, const std::vector<T>& ext, float bound) {
  switch (rng() % 4) {
    case 0: return ext[rng() % ext.size()];
    case 1:
      if constexpr (std::is_floating_point_v<T>) {
        return std::uniform_real_distribution<float>(-bound, bound)(rng);
      } else {
        using L = std::numeric_limits<T>;
        return static_cast<T>(std::uniform_int_distribution<long>(L::min(), L::max())(rng));
      }
    case 2:
      if constexpr (std::is_floating_point_v<T>) {  // any finite magnitude: a random exponent
        const float v = std::ldexp(std::uniform_real_distribution<float>(0.5f, 1.0f)(rng),
                                   std::uniform_int_distribution<int>(-149, 128)(rng));
        return rng() % 2 ? v : -v;
      } else {
        return static_cast<T>(std::uniform_int_distribution<int>(-3, 3)(rng));
      }
    default: return T{0};
  }
}

template <class M, bool Proba>
void properties_hold(const char* name, float bound) {
  using X = typename M::input_type;
  using T = typename X::value_type;
  const auto ext = extremes<T>(bound);
  std::mt19937 rng(12345);
  std::size_t failures = 0;
  std::string first;
  auto run = [&](const X& x) {
    if (const ctml_props::failure f = ctml_props::check<M, Proba>(x, bound)) {
      if (failures++ == 0) first = f;
    }
  };
  for (const T v : ext) {
    X x{};
    x.fill(v);
    run(x);
  }
  for (int i = 0; i < 1000; ++i) {
    X x{};
    for (auto& v : x) v = random_value(rng, ext, bound);
    run(x);
  }
  INFO(name << ": " << first);
  CHECK(failures == 0);
}

template <class M, bool Proba, class Q>
void quantized_properties_hold(const char* name, Q quantize) {
  const auto ext = extremes<float>(FLT_MAX);
  std::mt19937 rng(777);
  std::size_t failures = 0;
  std::string first;
  for (int i = 0; i < 1000; ++i) {
    std::array<float, M::n_features> f{};
    for (auto& v : f) v = random_value(rng, ext, 1e3f);
    if (const ctml_props::failure e = ctml_props::check<M, Proba>(quantize(f), FLT_MAX)) {
      if (failures++ == 0) first = e;
    }
  }
  INFO(name << " through its quantizer: " << first);
  CHECK(failures == 0);
}

}  // namespace

TEST_CASE("every family answers a class index, finite probabilities summing to 1 and finite values", "[properties]") {
#define CTML_CHECK_MODEL(name, bound, proba) properties_hold<m::name, proba>(#name, bound);
  CTML_PROPERTY_MODELS(CTML_CHECK_MODEL)
#undef CTML_CHECK_MODEL
}

TEST_CASE("every quantizer maps any float to codes the model answers properly", "[properties]") {
#define CTML_CHECK_QUANTIZED(name, proba) \
  quantized_properties_hold<m::name, proba>(#name, [](const auto& f) { return m::name##_info::quantize(f); });
  CTML_QUANTIZED_MODELS(CTML_CHECK_QUANTIZED)
#undef CTML_CHECK_QUANTIZED
}

TEST_CASE("Gaussian naive Bayes in float: finite log-likelihoods and probabilities for every finite input", "[properties][bayes]") {
  using gnb = m::iris_gnb_float;
  // Far from every center: the float sums overflow, the double fallback answers like float64
  // scikit-learn (the nearest class in the weighted distance wins, with probability 1).
  const std::array<float, 4> far{FLT_MAX, -FLT_MAX, FLT_MAX, 1.0f};
  const auto jll = gnb::joint_log_likelihood(far);
  for (float v : jll) CHECK(v == -FLT_MAX);  // saturated: the true value is below float's range
  const auto p = gnb::predict_proba(far);
  CHECK(ctml_props::check_proba(p) == nullptr);
  // The argmax of the double jll, computed here independently.
  double best = -std::numeric_limits<double>::infinity();
  std::size_t arg = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    double s = m::iris_gnb_float_data::base[c];
    for (std::size_t j = 0; j < 4; ++j) {
      const double d = static_cast<double>(far[j]) - m::iris_gnb_float_data::center[c * 4 + j];
      s -= d * d * m::iris_gnb_float_data::weight[c * 4 + j];
    }
    if (s > best) best = s, arg = c;
  }
  CHECK(gnb::predict(far) == arg);
  CHECK(p[arg] == 1.0f);
  // Non-finite inputs: NaN gives NaN log-likelihoods and probabilities, an infinity -inf and NaN;
  // predict is still a class index.
  const std::array<float, 4> nan{std::numeric_limits<float>::quiet_NaN(), 1.0f, 1.0f, 1.0f};
  const std::array<float, 4> inf{1.0f, std::numeric_limits<float>::infinity(), 1.0f, 1.0f};
  for (float v : gnb::joint_log_likelihood(nan)) CHECK(std::isnan(v));
  for (float v : gnb::predict_proba(nan)) CHECK(std::isnan(v));
  for (float v : gnb::joint_log_likelihood(inf)) CHECK(v == -std::numeric_limits<float>::infinity());
  for (float v : gnb::predict_proba(inf)) CHECK(std::isnan(v));
  CHECK(gnb::predict(nan) < 3);
  CHECK(gnb::predict(inf) < 3);
}
