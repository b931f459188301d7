// Must not compile: hand-written model specs that break a family's guarantees (CTML_DEFECT picks
// which); each fails with ctml's readable message. CTML_DEFECT=0 is the control and compiles.
#include <array>
#include <cstdint>

#include <ctml/bayes/gaussian_nb.hpp>
#include <ctml/linear/classifier.hpp>
#include <ctml/neighbors/knn.hpp>

namespace data {
// 1: |bias| + |w| * 32768 over 2 features overflows the int32 accumulator.
inline constexpr std::int16_t weights[] = {32767, CTML_DEFECT == 1 ? 32767 : 1};
inline constexpr std::int32_t bias[] = {CTML_DEFECT == 1 ? 100000 : 0};
// 2: a weight so large that n * max(d^2) * W passes 2^62.
inline constexpr std::int32_t center[] = {0, 0, 0, 0};
inline constexpr std::uint32_t weight[] = {1, CTML_DEFECT == 2 ? 0xFFFFFFFFu : 1u, 1, 1};
inline constexpr std::int64_t base[] = {0, 0};
// 3: k larger than the training set.
inline constexpr std::int8_t train[] = {0, 0, 1, 1, 2, 2};
inline constexpr std::uint8_t labels[] = {0, 1, 1};
}  // namespace data

struct linear_spec {
  static constexpr std::size_t n_features = 2;
  using feature_type = std::int16_t;
  using weight_type = std::int16_t;
  using accum_type = std::int32_t;
  static constexpr std::size_t n_outputs = 1;
  static constexpr const auto& weights = data::weights;
  static constexpr const auto& bias = data::bias;
  static constexpr float score_scale = 1.0f;
  static constexpr std::size_t n_classes = 2;
  static constexpr ctml::linear::proba proba_kind = ctml::linear::proba::none;
};

struct nb_spec {
  static constexpr std::size_t n_features = 2;
  using feature_type = std::int16_t;
  static constexpr std::size_t n_classes = 2;
  static constexpr const auto& center = data::center;
  static constexpr const auto& weight = data::weight;
  static constexpr const auto& base = data::base;
  static constexpr unsigned center_shift = 0;
  static constexpr float jll_scale = 1.0f;
};

struct knn_spec {
  static constexpr std::size_t n_features = 2;
  using feature_type = std::int8_t;
  using distance_type = std::uint32_t;
  static constexpr std::size_t n_samples = 3;
  static constexpr std::size_t k = CTML_DEFECT == 3 ? 4 : 3;
  static constexpr int p = 2;
  static constexpr const auto& train = data::train;
  static constexpr std::size_t n_classes = 2;
  static constexpr const auto& labels = data::labels;
};

int main() {
  int r = 0;
#if CTML_DEFECT == 0 || CTML_DEFECT == 1
  r += ctml::linear::linear_classifier<linear_spec, ctml::layout::table>::predict({1, 2});
#endif
#if CTML_DEFECT == 0 || CTML_DEFECT == 2
  r += ctml::bayes::gaussian_nb<nb_spec, ctml::layout::table>::predict({1, 2});
#endif
#if CTML_DEFECT == 0 || CTML_DEFECT == 3
  r += ctml::neighbors::knn_classifier<knn_spec, ctml::layout::table>::predict({1, 2});
#endif
#if CTML_DEFECT == 4
  // LinearSVC has no probabilities in scikit-learn.
  r += static_cast<int>(ctml::linear::linear_classifier<linear_spec>::predict_proba({1, 2})[0]);
#endif
  return r;
}
