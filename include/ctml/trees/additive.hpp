// Ensembles whose trees add up leaf values: regression trees and forests, gradient boosting
// (scikit-learn and XGBoost) and isolation forests. Tree t adds to output t % n_outputs, on top
// of the spec's init. Leaf values are float or int32 fixed point (value = integer * value_scale);
// in the unrolled layout each leaf's value is an immediate, in the table layout it is read from
// flash. Codegen keeps |init| + sum of the trees' largest |leaf| inside int32, and C++ checks it.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/layout.hpp"
#include "../platform/flash.hpp"
#include "forest.hpp"

namespace ctml::trees::detail {

template <class Spec, class LayoutPolicy, ensemble_kind Kind = ensemble_kind::sum>
struct additive {
  static_assert(layout::is_layout<LayoutPolicy>,
                "ctml: the layout must be ctml::layout::unrolled, ::table or ::automatic");
  using traits = ensemble_traits<Spec, LayoutPolicy, Kind>;
  using layout_type = typename traits::layout;
  using value_type = typename Spec::value_type;
  using feature_type = typename Spec::feature_type;
  using input_type = std::array<feature_type, Spec::n_features>;
  using raw_type = std::array<value_type, Spec::n_outputs>;
  static_assert(std::is_same_v<value_type, float> || std::is_same_v<value_type, std::int32_t>,
                "ctml: leaf values must be float or int32_t");

  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_outputs = Spec::n_outputs;
  static constexpr std::size_t n_trees = Spec::trees::size;
  static constexpr std::size_t n_values = sizeof(Spec::values) / sizeof(Spec::values[0]);
  static_assert(n_outputs >= 1 && n_trees % n_outputs == 0,
                "ctml: the tree count must be a multiple of the output count");
  static constexpr bool trees_well_formed =
      forest_ops<typename Spec::trees>::all_well_formed(n_features, n_values, traits::nan_aware);
  static_assert(trees_well_formed, "ctml: malformed tree (child, feature or leaf index out of range); regenerate the model header");

  static consteval bool sums_fit() {
    if constexpr (std::is_same_v<value_type, float>) {
      return true;
    } else {
      const long long leaves = forest_ops<typename Spec::trees>::abs_leaf_sum(Spec::values);
      long long init = 0;
      for (std::size_t k = 0; k < n_outputs; ++k) {
        const long long v = Spec::init[k] < 0 ? -static_cast<long long>(Spec::init[k]) : Spec::init[k];
        if (v > init) init = v;
      }
      return init + leaves <= std::numeric_limits<std::int32_t>::max();
    }
  }
  static_assert(sums_fit(), "ctml: the integer leaf sums could overflow int32; regenerate with fewer fraction bits");

  static constexpr std::size_t ram_bytes = sizeof(raw_type) + platform::call_frame_bytes;
  static constexpr std::size_t data_bytes = traits::node_bytes + (traits::unrolled ? 0 : sizeof(Spec::values));
  static constexpr std::size_t code_bytes = traits::code_bytes;
  static constexpr std::size_t flash_bytes = code_bytes + data_bytes;  // code + constants

  struct leaf {
    static constexpr bool is_code = false;
    template <auto Code>
    static constexpr value_type at() noexcept { return Spec::values[Code]; }
    static constexpr value_type load(auto code) noexcept { return platform::flash_read(&Spec::values[code]); }
  };

  // f(std::integral_constant<std::size_t, tree>, leaf value) for every tree, in tree order.
  template <class F>
  static constexpr void for_each_leaf(const input_type& x, F&& f) noexcept {
    forest_ops<typename Spec::trees>::template for_each<layout_type, traits::nan_aware, leaf>(x, f);
  }

  // init + the sum of the leaves each output's trees reach.
  static constexpr raw_type raw(const input_type& x) noexcept {
    raw_type acc{};
    for (std::size_t k = 0; k < n_outputs; ++k) acc[k] = Spec::init[k];
    forest_ops<typename Spec::trees>::template for_each<layout_type, traits::nan_aware, leaf>(
        x, [&](auto t, value_type v) {
          constexpr std::size_t k = decltype(t)::value % n_outputs;
          acc[k] += v;
        });
    return acc;
  }

  // A raw score as a real number.
  static constexpr float to_real(value_type v) noexcept {
    if constexpr (std::is_same_v<value_type, float>) return v;
    else return static_cast<float>(v) * Spec::value_scale;
  }
};

}  // namespace ctml::trees::detail
