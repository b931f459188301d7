// Support vector classifiers (scikit-learn SVC and NuSVC): libsvm's one-vs-one vote. Each pair
// (i, j) votes for i when its decision value is > 0, else for j; the prediction is the first class
// with the most votes in libsvm's class order (ties go to the lower index), as libsvm's
// svm_predict does. decision_function has scikit-learn's 'ovo' and 'ovr' shapes.
#pragma once
#include <array>
#include <cstdint>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct svc : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::ovo, "ctml: svc needs a one-vs-one spec (kind ovo)");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::uint8_t;
  using vote_type = std::uint8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = core::n_groups;
  static constexpr std::size_t n_pairs = core::n_outputs;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static_assert(n_classes >= 2 && n_classes <= 255, "ctml: a classifier needs 2..255 classes");
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) + n_classes * sizeof(vote_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr std::size_t flash_bytes = core::flash_bytes;
  // scikit-learn's decision_function: one value when binary (> 0 means class 1), else one per
  // pair ('ovo') or per class ('ovr', the estimator's default).
  static constexpr std::size_t n_decision = n_classes == 2 ? 1 : (Spec::ovr_shape ? n_classes : n_pairs);

  static constexpr output_type predict(const input_type& x) noexcept {
    const auto d = core::decision(x);
    std::array<vote_type, n_classes> votes{};
    std::size_t p = 0;
    for (std::size_t i = 0; i < n_classes; ++i)
      for (std::size_t j = i + 1; j < n_classes; ++j, ++p) ++votes[d[p] > 0 ? i : j];
    return ::ctml::detail::argmax_first<output_type, n_classes>(votes);  // libsvm: ties to the lowest class
  }

  // libsvm's pairwise decision values (pair (i, j) > 0 favours i), in libsvm's pair order.
  static constexpr std::array<float, n_pairs> decision_function_ovo(const input_type& x) noexcept {
    const auto d = core::decision(x);
    std::array<float, n_pairs> r{};
    for (std::size_t p = 0; p < n_pairs; ++p) r[p] = core::to_real(d[p]);
    return r;
  }

  // scikit-learn's _ovr_decision_function: votes (a pair's value >= 0 counts for i) plus the
  // summed confidences squashed into (-1/3, 1/3).
  static constexpr std::array<float, n_classes> decision_function_ovr(const input_type& x) noexcept {
    const auto d = decision_function_ovo(x);
    std::array<float, n_classes> votes{}, conf{};
    std::size_t p = 0;
    for (std::size_t i = 0; i < n_classes; ++i)
      for (std::size_t j = i + 1; j < n_classes; ++j, ++p) {
        conf[i] = conf[i] + d[p];
        conf[j] = conf[j] - d[p];
        votes[d[p] < 0 ? j : i] += 1.0f;
      }
    for (std::size_t k = 0; k < n_classes; ++k) {
      const float a = conf[k] < 0 ? -conf[k] : conf[k];
      votes[k] = votes[k] + conf[k] / (3.0f * (a + 1.0f));
    }
    return votes;
  }

  static constexpr std::array<float, n_decision> decision_function(const input_type& x) noexcept {
    if constexpr (n_classes == 2) {
      return {-decision_function_ovo(x)[0]};  // scikit-learn flips libsvm's sign when binary
    } else if constexpr (Spec::ovr_shape) {
      return decision_function_ovr(x);
    } else {
      return decision_function_ovo(x);
    }
  }
};

}  // namespace ctml::svm
