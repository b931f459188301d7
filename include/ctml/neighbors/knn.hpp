// k nearest neighbours by brute force over a training set kept in flash (scikit-learn's
// KNeighborsClassifier / KNeighborsRegressor with algorithm="brute", weights "uniform" or
// "distance": a spec with distance_weights = true weights each neighbour by 1 / its distance).
// Distances: p = 1 (manhattan) sums |x - t|, p = 2 (euclidean) sums (x - t)^2 (the square root
// does not change the order). On integer codes with one common scale, they are exact integers.
// Ties follow scikit-learn's brute-force search: among equal distances the earlier training
// sample wins; a classifier's vote tie goes to the lowest class index (scipy.stats.mode).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "../platform/code_size.hpp"
#include "../core/unroll.hpp"
#include "../platform/flash.hpp"
#include "../platform/target.hpp"

namespace ctml::neighbors {

namespace detail {

template <class Q>
consteval std::uint64_t code_span() {
  return static_cast<std::uint64_t>(std::int64_t{std::numeric_limits<Q>::max()} - std::int64_t{std::numeric_limits<Q>::min()});
}

// The distance accumulator D holds the largest possible sum over n features.
template <class Spec>
consteval bool distance_fits() {
  using Q = typename Spec::feature_type;
  using D = typename Spec::distance_type;
  if constexpr (std::is_floating_point_v<Q>) {
    return std::is_floating_point_v<D>;
  } else {
    constexpr std::uint64_t span = code_span<Q>();
    constexpr std::uint64_t per = Spec::p == 1 ? span : span * span;
    return std::is_unsigned_v<D> && per <= std::numeric_limits<D>::max() / Spec::n_features;
  }
}

}  // namespace detail

// The k nearest training samples so far: distances ascending, equal distances in training order.
template <class Spec>
struct neighbor_list {
  using distance_type = typename Spec::distance_type;
  using index_type = std::conditional_t<(Spec::n_samples <= 256), std::uint8_t, std::uint16_t>;
  std::array<distance_type, Spec::k> dist{};
  std::array<index_type, Spec::k> index{};
  std::size_t count = 0;

  // Offers training sample i at distance d; a later sample at an equal distance never displaces.
  // Out of line: the unrolled layout calls it once per training sample.
  [[gnu::noinline]] constexpr void offer(distance_type d, std::size_t i) noexcept {
    if (count == Spec::k && !(d < dist[Spec::k - 1])) return;
    std::size_t pos = count < Spec::k ? count++ : Spec::k - 1;
    while (pos > 0 && d < dist[pos - 1]) {
      dist[pos] = dist[pos - 1];
      index[pos] = index[pos - 1];
      --pos;
    }
    dist[pos] = d;
    index[pos] = static_cast<index_type>(i);
  }
};

template <class Spec, class LayoutPolicy>
struct knn_core {
  using feature_type = typename Spec::feature_type;
  using distance_type = typename Spec::distance_type;
  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_samples = Spec::n_samples;
  static constexpr std::size_t k = Spec::k;
  using input_type = std::array<feature_type, n_features>;
  static_assert(Spec::p == 1 || Spec::p == 2, "ctml: k-NN supports p = 1 (manhattan) and p = 2 (euclidean)");
  static_assert(k >= 1 && k <= n_samples, "ctml: k-NN needs 1 <= k <= the number of training samples");
  static_assert(sizeof(Spec::train) == sizeof(feature_type) * n_samples * n_features,
                "ctml: the training table must hold n_samples * n_features inputs");
  static_assert(detail::distance_fits<Spec>(),
                "ctml: k-NN's distance_type cannot hold the largest distance; regenerate the model");

  // The code each layout links (platform/code_size.hpp): unrolled, per training sample and term.
  static constexpr std::size_t code_unrolled =
      platform::code_bytes(platform::costs.knn.unrolled, n_samples, n_samples * n_features);
  static constexpr std::size_t code_estimate = code_unrolled;
  using layout_type = layout::resolve_t<LayoutPolicy, code_estimate>;
  static constexpr bool unrolled = std::is_same_v<layout_type, layout::unrolled>;
  static constexpr bool distance_weighted = [] {
    if constexpr (requires { Spec::distance_weights; }) return bool{Spec::distance_weights};
    else return false;
  }();
  // The layout is picked on the distance code alone; weights='distance' adds its float code.
  static constexpr std::size_t code_bytes =
      (unrolled ? code_unrolled : platform::code_bytes(platform::costs.knn.table)) +
      (distance_weighted ? platform::code_bytes(unrolled ? platform::costs.knn_weights.unrolled : platform::costs.knn_weights.table)
                         : 0);
  static constexpr std::size_t train_bytes = unrolled ? 0 : sizeof(Spec::train);
  static constexpr std::size_t list_bytes = sizeof(neighbor_list<Spec>);
  // Scratch of the weights and the per-class (or value) sums they go into.
  static constexpr std::size_t weight_bytes = distance_weighted ? k * sizeof(float) : 0;

  // scikit-learn's weights='distance' (sklearn.neighbors._base._get_weights): 1 / distance; when
  // a neighbour is at distance 0, 1 for every such neighbour and 0 for the rest. Distances are
  // on the codes' common scale, which cancels in the class and in the weighted mean.
  static constexpr std::array<float, k> weights(const neighbor_list<Spec>& list) noexcept {
    std::array<float, k> w{};
    const bool exact = list.count > 0 && list.dist[0] == distance_type{0};
    for (std::size_t i = 0; i < list.count; ++i) {
      const distance_type d = list.dist[i];
      if (exact) w[i] = d == distance_type{0} ? 1.0f : 0.0f;
      else if constexpr (Spec::p == 1) w[i] = 1.0f / static_cast<float>(d);
      else w[i] = math::rsqrt(static_cast<float>(d));  // d is the squared distance
    }
    return w;
  }

  static constexpr distance_type part(feature_type a, feature_type b) noexcept {
    if constexpr (std::is_floating_point_v<feature_type>) {
      const float d = a - b;
      return Spec::p == 1 ? (d < 0 ? -d : d) : d * d;
    } else {
      const std::int32_t d = static_cast<std::int32_t>(a) - static_cast<std::int32_t>(b);
      if constexpr (sizeof(feature_type) == 1) {
        // |d| < 2^8: the square is one 8 x 8 -> 16-bit multiply (AVR's mul), not a 32-bit one.
        const auto m = static_cast<std::uint8_t>(d < 0 ? -d : d);
        return static_cast<distance_type>(Spec::p == 1 ? unsigned{m} : unsigned{m} * m);
      } else {
        const auto m = static_cast<distance_type>(d < 0 ? -d : d);
        return Spec::p == 1 ? m : static_cast<distance_type>(m * m);
      }
    }
  }

  template <std::size_t I>
  static constexpr distance_type distance_unrolled(const input_type& x) noexcept {
    distance_type s = 0;
    ::ctml::detail::unroll<n_features>([&](auto j) {
      constexpr feature_type t = Spec::train[I * n_features + decltype(j)::value];
      s += part(x[decltype(j)::value], t);
    });
    return s;
  }

  static constexpr distance_type distance_table(const input_type& x, std::size_t i) noexcept {
    distance_type s = 0;
    for (std::size_t j = 0; j < n_features; ++j) s += part(x[j], platform::flash_read(&Spec::train[i * n_features + j]));
    return s;
  }

  static constexpr neighbor_list<Spec> nearest(const input_type& x) noexcept {
    neighbor_list<Spec> list{};
    if constexpr (unrolled) {
      ::ctml::detail::unroll<n_samples>([&](auto i) { list.offer(distance_unrolled<decltype(i)::value>(x), i); });
    } else {
      for (std::size_t i = 0; i < n_samples; ++i) list.offer(distance_table(x, i), i);
    }
    return list;
  }
};

template <class Spec, class LayoutPolicy = layout::automatic>
struct knn_classifier
    : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>,
                                  ::ctml::class_index_t<Spec::n_classes>> {
  using core = knn_core<Spec, LayoutPolicy>;
  using output_type = ::ctml::class_index_t<Spec::n_classes>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, output_type>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::predict_proba;
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = Spec::n_classes;
  static constexpr std::size_t k = core::k;
  using vote_count = std::conditional_t<(core::k <= 255), std::uint8_t, std::uint16_t>;
  static_assert(sizeof(Spec::labels) == sizeof(Spec::labels[0]) * core::n_samples,
                "ctml: the label table must hold one class index per training sample");
  static constexpr std::size_t ram_bytes = core::list_bytes + n_classes * (core::distance_weighted ? sizeof(float) : sizeof(vote_count)) +
                                           core::weight_bytes + platform::call_frame_bytes;
  // The labels are read by index at run time, so they stay in flash in both layouts.
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = code_bytes + core::train_bytes + sizeof(Spec::labels);  // code + constants

  static constexpr output_type label(std::size_t i) noexcept {
    return static_cast<output_type>(platform::flash_read(&Spec::labels[i]));
  }

  // weights='distance': the weight each class gathers among the k nearest (neighbours in order).
  static constexpr std::array<float, n_classes> class_weights(const input_type& x) noexcept
    requires core::distance_weighted
  {
    const auto list = core::nearest(x);
    const auto w = core::weights(list);
    std::array<float, n_classes> s{};
    for (std::size_t i = 0; i < list.count; ++i) s[label(list.index[i])] += w[i];
    return s;
  }

  static constexpr output_type predict(const input_type& x) noexcept {
    if constexpr (core::distance_weighted) {
      return ::ctml::detail::argmax_first<output_type, n_classes>(class_weights(x));  // ties: the lowest class
    }
    const auto list = core::nearest(x);
    std::array<vote_count, n_classes> votes{};
    for (std::size_t i = 0; i < list.count; ++i) ++votes[label(list.index[i])];
    return ::ctml::detail::argmax_first<output_type, n_classes>(votes);  // ties: the lowest class
  }

  // The fraction of the k neighbours in each class (scikit-learn's predict_proba, uniform weights).
  static constexpr std::array<float, n_classes> predict_proba(const input_type& x) noexcept {
    if constexpr (core::distance_weighted) {  // weights='distance': the weights normalised
      auto s = class_weights(x);
      float total = 0.0f;
      for (float v : s) total += v;
      for (float& v : s) v /= total;
      return s;
    }
    const auto list = core::nearest(x);
    std::array<float, n_classes> p{};
    for (std::size_t i = 0; i < list.count; ++i) p[label(list.index[i])] += 1.0f;
    for (float& v : p) v /= static_cast<float>(k);
    return p;
  }
};

template <class Spec, class LayoutPolicy = layout::automatic>
struct knn_regressor : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float> {
  using core = knn_core<Spec, LayoutPolicy>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float>;
  using guard::predict;  // any other input array: a readable compile error
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t k = core::k;
  static_assert(sizeof(Spec::targets) == sizeof(float) * core::n_samples,
                "ctml: the target table must hold one float per training sample");
  static constexpr std::size_t ram_bytes = core::list_bytes + (core::distance_weighted ? 2 : 1) * sizeof(float) +
                                           core::weight_bytes + platform::call_frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = code_bytes + core::train_bytes + sizeof(Spec::targets);  // code + constants

  // The mean of the k nearest targets, summed nearest first (scikit-learn's np.mean order).
  static constexpr output_type predict(const input_type& x) noexcept {
    const auto list = core::nearest(x);
    if constexpr (core::distance_weighted) {  // sum(w y) / sum(w), nearest first
      // Manhattan: y / d rather than (1 / d) * y, so no target can fuse it into a multiply-add
      // (the Cortex-M4's vfma) and every target prints the same value.
      const auto w = core::weights(list);
      const bool exact = list.count > 0 && list.dist[0] == typename core::distance_type{0};
      float num = 0.0f, den = 0.0f;
      for (std::size_t i = 0; i < list.count; ++i) {
        const float y = platform::flash_read(&Spec::targets[list.index[i]]);
        if constexpr (Spec::p == 1) num += exact ? w[i] * y : y / static_cast<float>(list.dist[i]);
        else num += w[i] * y;
        den += w[i];
      }
      return num / den;
    }
    float sum = 0.0f;
    for (std::size_t i = 0; i < list.count; ++i) sum += platform::flash_read(&Spec::targets[list.index[i]]);
    return sum / static_cast<float>(k);
  }
};

}  // namespace ctml::neighbors
