// Decision trees and forests that classify by voting (DecisionTreeClassifier, RandomForest-
// and ExtraTreesClassifier). Like scikit-learn, the forest averages the trees' class
// probabilities and predicts the first class with the highest mean.
//
// Each leaf's probabilities are stored as integer votes summing to vote_scale (largest-
// remainder rounding in codegen). A leaf code below n_classes is a pure leaf of that class;
// code n_classes + d is distribution d, stored sparsely (class, votes) in flash, with its
// leading class and the votes of the others in dist_lead for predict's fast path.
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/unroll.hpp"
#include "../platform/flash.hpp"
#include "../platform/settle.hpp"
#include "../platform/zero.hpp"
#include "forest.hpp"

namespace ctml::trees {

// One class's votes in a leaf distribution.
template <class Votes>
struct vote_entry {
  std::uint8_t cls;
  Votes votes;
};
template <class Spec, class LayoutPolicy = layout::automatic>
struct forest_classifier : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, ::ctml::class_index_t<Spec::n_classes>> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, ::ctml::class_index_t<Spec::n_classes>>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::predict_proba;
  static_assert(layout::is_layout<LayoutPolicy>,
                "ctml: the layout must be ctml::layout::unrolled, ::table or ::automatic");
  using traits = detail::ensemble_traits<Spec, LayoutPolicy, detail::ensemble_kind::vote>;
  using layout_type = typename traits::layout;
  using feature_type = typename Spec::feature_type;
  using vote_type = typename Spec::vote_type;
  using input_type = std::array<feature_type, Spec::n_features>;
  using output_type = ::ctml::class_index_t<Spec::n_classes>;
  using proba_type = std::array<float, Spec::n_classes>;

  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_classes = Spec::n_classes;
  static constexpr std::size_t n_trees = Spec::trees::size;
  static constexpr std::size_t n_dists = sizeof(Spec::dist_start) / sizeof(Spec::dist_start[0]) - 1;
  // Leaf codes are per tree: below n_classes a pure leaf, else the tree's own distributions,
  // which start at Spec::dist_base[tree] in the model's distribution table.
  static constexpr std::size_t n_codes = n_classes + n_dists;
  using code_type = std::conditional_t<(n_codes <= 0xFF), std::uint8_t, std::uint16_t>;

  using count_type = std::conditional_t<(n_trees <= 0xFF), std::uint8_t, std::uint16_t>;
  // The widest leaf code of any one tree (codes are per tree, so usually one byte).
  static constexpr std::size_t max_tree_codes = [] {
    std::size_t most = 0;
    for (std::size_t t = 0; t < n_trees; ++t) {
      const std::size_t own = static_cast<std::size_t>(Spec::dist_base[t + 1] - Spec::dist_base[t]);
      most = own > most ? own : most;
    }
    return n_classes + most;
  }();
  using tree_code_type = std::conditional_t<(max_tree_codes <= 0x100), std::uint8_t, std::uint16_t>;
  using rest_type = std::remove_cvref_t<decltype(Spec::dist_lead[0].votes)>;
  static_assert(n_classes >= 2 && n_classes <= 255, "ctml: a classifier needs 2..255 classes");
  static_assert(std::is_unsigned_v<vote_type>, "ctml: votes must be an unsigned integer type");
  static constexpr bool votes_fit =
      n_trees * static_cast<unsigned long long>(Spec::vote_scale) <= std::numeric_limits<vote_type>::max();
  static_assert(votes_fit, "ctml: the trees' votes would overflow vote_type; regenerate with a smaller vote scale");
  static_assert(sizeof(Spec::dist_base) / sizeof(Spec::dist_base[0]) == n_trees + 1 &&
                    Spec::dist_base[n_trees] == n_dists,
                "ctml: dist_base must give each tree's first distribution and end with the distribution count");
  static constexpr bool trees_well_formed = detail::forest_ops<typename Spec::trees>::all_well_formed_each(
      n_features, [](std::size_t t) { return n_classes + Spec::dist_base[t + 1] - Spec::dist_base[t]; },
      traits::nan_aware);
  static_assert(trees_well_formed,
                "ctml: malformed tree (child, feature or leaf index out of range); regenerate the model header");

  // The distribution tables are linked when a leaf can reach them: always in the table layout
  // (codes are only known at run time), in the unrolled layout only if there are distributions.
  static constexpr std::size_t data_bytes =
      traits::node_bytes + (n_dists || !traits::unrolled ? sizeof(Spec::dist_start) + sizeof(Spec::dist_entries) : 0) +
      (n_trees > 1 && (n_dists || !traits::unrolled) ? sizeof(Spec::dist_lead) : 0);
  static constexpr std::size_t code_bytes = traits::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = code_bytes + data_bytes;  // code + constants

  // The leaf payload is the code itself: distributions are too large to be immediates.
  struct leaf {
    static constexpr bool is_code = true;
    template <auto Code>
    static constexpr auto at() noexcept { return Code; }
    static constexpr auto load(auto code) noexcept { return code; }
  };

  static constexpr output_type predict(const input_type& x) noexcept {
    if constexpr (n_trees == 1) {
      output_type best = 0;
      forest_ops::template for_each<layout_type, traits::nan_aware, leaf>(x, [&](auto, auto code) {
        best = code < n_classes ? static_cast<output_type>(code) : dist_argmax(code - n_classes);
      });
      return best;
    } else {
      // Fast path: each tree gives all its votes to its leaf's leading class; `rest` sums what
      // that moved away from the other classes. When the leader's margin exceeds twice the rest,
      // the exact votes have the same unique winner (no class moves by more than the rest).
      // Otherwise exact_winner decides from the leaf codes the fast path kept (one store per
      // tree; re-walking the trees would cost more on data where this is frequent).
      std::array<count_type, n_classes> count;
      std::array<tree_code_type, n_trees> codes;
      std::array<rest_type, n_rests> rests;  // only the AVR walk has them (lead codes)
      platform::zero(count);
      fast_state st{count, codes, rests, 0};  // references and a scalar: the rest stays in registers
      forest_ops::template visit<layout_type, traits::nan_aware, leaf, fast_step, true>(x, st);
      count_type lead, next;
      const output_type best = lead_and_next(count, lead, next, std::make_index_sequence<n_classes - 1>{});
      // In vote_type: the margin is at most n_trees * vote_scale, which fits (static_assert above).
      const auto margin = static_cast<vote_type>(static_cast<vote_type>(lead - next) * Spec::vote_scale);
      if (margin > st.rest && static_cast<vote_type>(margin - st.rest) > st.rest) return best;
      if constexpr (lead_codes_fit && forest_ops::template avr_visit_applies<layout_type, traits::nan_aware, leaf, fast_step,
                                                                             true, input_type>()) {
        // The AVR walk kept lead codes (see lead_code), not the trees' own.
        if (!std::is_constant_evaluated())
          return exact_winner<true>(codes, rests, best, margin, st.rest, std::make_index_sequence<n_trees>{});
      }
      return exact_winner<false>(codes, rests, best, margin, st.rest, std::make_index_sequence<n_trees>{});
    }
  }

  // Mean class probabilities over the trees, as scikit-learn's predict_proba (to vote precision).
  static constexpr proba_type predict_proba(const input_type& x) noexcept {
    std::array<vote_type, n_classes> votes{};
    accumulate(x, votes);
    proba_type p{};
    constexpr float total = static_cast<float>(n_trees) * static_cast<float>(Spec::vote_scale);
    for (std::size_t k = 0; k < n_classes; ++k) p[k] = static_cast<float>(votes[k]) / total;
    return p;
  }

  // The raw integer votes (each tree contributes vote_scale in all). The trees are walked first
  // and their leaf codes kept, then one loop adds the votes: one copy of the vote code instead of
  // one per tree.
  static constexpr void accumulate(const input_type& x, std::array<vote_type, n_classes>& votes) noexcept {
    add_votes(forest_ops::template collect<layout_type, traits::nan_aware, leaf, global_code, n_trees != 1>(x), votes);
  }

  static constexpr void add_votes(const std::array<code_type, n_trees>& codes,
                                  std::array<vote_type, n_classes>& votes) noexcept {
    for (const code_type code : codes) {
      if (code < n_classes) {
        votes[code] = static_cast<vote_type>(votes[code] + Spec::vote_scale);
        continue;
      }
      // Pointers, not indices: on AVR the entries are then read with post-incrementing lpm.
      const auto* range = &Spec::dist_start[code - n_classes];
      const auto* e = &Spec::dist_entries[platform::flash_read(range)];
      const auto* const end = &Spec::dist_entries[platform::flash_read(range + 1)];
      for (; e != end; ++e) {
        const auto entry = platform::flash_read(e);
        votes[entry.cls] = static_cast<vote_type>(votes[entry.cls] + entry.votes);
      }
    }
  }

  // AVR lead codes: on the asm walk (ctml/trees/walk_avr.hpp) a leaf gives its leading class in
  // the low lead_bits of its code, k << lead_bits for the k-th distribution of that leader in its
  // tree (0 for a pure leaf), and the other classes' votes as a second byte. The vote step is then
  // one count increment and one add, with no table read and no branch (AVR: 8 cycles per tree
  // fewer on digits). Only for models whose codes and rests fit a byte each.
  static constexpr unsigned lead_bits = std::bit_width(n_classes - 1);
  static constexpr unsigned lead_mask = (1u << lead_bits) - 1;
  template <std::size_t Tree>
  static constexpr detail::avr_leaf_bytes lead_code(std::size_t code) noexcept {
    if (code < n_classes) return {code, 0};
    constexpr std::size_t base = Spec::dist_base[Tree];
    const std::size_t d = base + code - n_classes;
    std::size_t k = 1;
    for (std::size_t e = base; e < d; ++e) k += Spec::dist_lead[e].cls == Spec::dist_lead[d].cls;
    return {Spec::dist_lead[d].cls | (k << lead_bits), Spec::dist_lead[d].votes};
  }
  template <std::size_t Tree>
  struct lead_payload {
    static constexpr bool two_bytes = true;
    static constexpr detail::avr_leaf_bytes get(std::size_t code) noexcept { return lead_code<Tree>(code); }
    static constexpr bool right_hot(std::size_t node) noexcept {
      if constexpr (requires { Spec::right_hot[Tree][0]; }) return Spec::right_hot[Tree][node] == '1';
      else return false;
    }
  };
  template <std::size_t... T>
  static consteval bool lead_codes_fit_all(std::index_sequence<T...>) {
    return ::ctml::detail::all_of({true, [] {
      for (std::size_t c = n_classes; c < n_classes + Spec::dist_base[T + 1] - Spec::dist_base[T]; ++c)
        if (lead_code<T>(c).code > 0xFF || lead_code<T>(c).second > 0xFF) return false;
      return true;
    }()...});
  }
  static constexpr bool lead_codes_fit = platform::is_avr && lead_codes_fit_all(std::make_index_sequence<n_trees>{});
  // RAM: the leading-class counts, the rest, each tree's leaf code (and, with AVR lead codes,
  // its rest); for the slow path the exact votes and the model-wide codes (the single-tree path
  // needs none of them); one call frame.
  static constexpr std::size_t n_rests = lead_codes_fit ? n_trees : 0;
  static constexpr std::size_t ram_bytes =
      (n_trees == 1 ? 0 : (sizeof(vote_type) + sizeof(count_type)) * n_classes + sizeof(vote_type) +
                              (sizeof(code_type) + sizeof(tree_code_type)) * n_trees + sizeof(rest_type) * n_rests) +
      platform::call_frame_bytes;
  // A lead code back to the tree's distribution, model-wide (the slow path only).
  template <std::size_t Tree>
  static constexpr code_type lead_global(tree_code_type code) noexcept {
    if (code < n_classes) return static_cast<code_type>(code);
    return find_dist(Spec::dist_base[Tree], Spec::dist_base[Tree + 1], static_cast<std::uint8_t>(code & lead_mask),
                     static_cast<std::uint8_t>(code >> lead_bits));
  }
  [[gnu::noinline]] static constexpr code_type find_dist(std::size_t first, std::size_t last, std::uint8_t cls,
                                                         std::uint8_t k) noexcept {
    const auto* const end = &Spec::dist_lead[last];
    for (const auto* p = &Spec::dist_lead[first]; p != end; ++p)  // a pointer: lpm, then an add
      if (platform::flash_read(&p->cls) == cls && --k == 0) return static_cast<code_type>(n_classes + (p - Spec::dist_lead));
    return static_cast<code_type>(n_classes + first);  // not reached: every lead code names a distribution
  }

  struct fast_state {
    std::array<count_type, n_classes>& count;
    std::array<tree_code_type, n_trees>& codes;  // each tree's leaf code, for the exact votes
    std::array<rest_type, n_rests>& rests;       // each tree's rest (lead codes only)
    vote_type rest;
  };
  struct fast_step {
    template <std::size_t Tree>
    using avr_payload = std::conditional_t<lead_codes_fit, lead_payload<Tree>, detail::avr_identity>;
    // A group's (code, rest) pairs: the rests first, so their registers are free for the rest.
    template <std::size_t First, std::size_t N, std::size_t... K>
    [[gnu::always_inline]] static void apply_avr(fast_state& st, const std::array<std::uint8_t, N>& b,
                                                 std::index_sequence<K...>) noexcept {
      ((st.rest = static_cast<vote_type>(st.rest + b[2 * K + 1])), ...);
      platform::settle(st.rest);  // added now: deferred, each term would hold a register
      ((st.codes[First + K] = b[2 * K]), ...);
      ((st.rests[First + K] = b[2 * K + 1]), ...);
      (++st.count[b[2 * K] & lead_mask], ...);
    }
    template <std::size_t Tree, class C>
    [[gnu::always_inline]] static constexpr void apply(fast_state& st, C code) noexcept {
      constexpr std::size_t base = Spec::dist_base[Tree];
      st.codes[Tree] = static_cast<tree_code_type>(code);
      if constexpr (Spec::dist_base[Tree + 1] == base) {  // only pure leaves in this tree
        ++st.count[code];
      } else if (code < n_classes) {
        ++st.count[code];
      } else {
        const auto lead = platform::flash_read(&Spec::dist_lead[code - n_classes + base]);
        ++st.count[lead.cls];
        st.rest = static_cast<vote_type>(st.rest + lead.votes);
      }
    }
  };

  // The leading class (first on ties) and the largest count among the others (equal to the
  // leader's on a tie). Unrolled: every count is read at a constant offset (measured on AVR:
  // branches beat clang's select chains here, which need a register per count).
  template <std::size_t... K>
  [[gnu::always_inline]] static constexpr output_type lead_and_next(const std::array<count_type, n_classes>& count,
                                                                   count_type& lead, count_type& next,
                                                                   std::index_sequence<K...>) noexcept {
    output_type best = 0;
    lead = count[0];
    next = 0;
    ([&] {
      const count_type v = count[K + 1];
      if (v > lead) {
        next = lead;
        lead = v;
        best = static_cast<output_type>(K + 1);
      } else if (v > next) {
        next = v;
      }
    }(), ...);
    return best;
  }

  // The winner when the fast path's bound is not enough. First a tighter bound: for any other
  // class c, V[best] - V[c] >= margin - OUT[best] - IN[c], where OUT[best] (the votes the
  // leader's own trees gave away) is counted exactly here and IN[c] (what c got from trees it
  // does not lead) is at most rest - OUT[c] <= rest. Only if that fails too are the exact votes
  // added up from the kept codes (made model-wide first).
  template <bool LeadCodes, std::size_t... T>
  [[gnu::noinline]] static constexpr output_type exact_winner(const std::array<tree_code_type, n_trees>& codes,
                                                             const std::array<rest_type, n_rests>& rests,
                                                             output_type best, vote_type margin, vote_type rest,
                                                             std::index_sequence<T...>) noexcept {
    vote_type out_best = 0;
    if constexpr (LeadCodes) {
      for (std::size_t t = 0; t < n_trees; ++t)
        if ((codes[t] & lead_mask) == best) out_best = static_cast<vote_type>(out_best + rests[t]);
      if (margin > rest && static_cast<vote_type>(margin - rest) > out_best) return best;
      return exact_argmax({lead_global<T>(codes[T])...});
    } else {
      (void)rests;
      const std::array<code_type, n_trees> global{global_code::template apply<T>(codes[T])...};
      for (const code_type code : global) {
        if (code < n_classes) continue;
        const auto e = platform::flash_read(&Spec::dist_lead[code - n_classes]);
        if (e.cls == best) out_best = static_cast<vote_type>(out_best + e.votes);
      }
      if (margin > rest && static_cast<vote_type>(margin - rest) > out_best) return best;
      return exact_argmax(global);
    }
  }
  // The class with the most exact votes (the lowest on ties).
  static constexpr output_type exact_argmax(const std::array<code_type, n_trees>& global) noexcept {
    std::array<vote_type, n_classes> votes{};
    add_votes(global, votes);
    output_type top = 0;
    for (std::size_t k = 1; k < n_classes; ++k)
      if (votes[k] > votes[top]) top = static_cast<output_type>(k);  // ties: lowest class
    return top;
  }

  // A tree's leaf code as a model-wide code: pure classes stay, distributions move past the
  // distributions of the trees before (Spec::dist_base, a compile-time constant per tree).
  struct global_code {
    template <std::size_t Tree, class C>
    static constexpr code_type apply(C code) noexcept {
      constexpr std::size_t base = Spec::dist_base[Tree];
      return static_cast<code_type>(code < n_classes ? code : code + base);
    }
  };

 private:
  using forest_ops = detail::forest_ops<typename Spec::trees>;

  // Entries are sorted by class, so a strict comparison keeps the lowest class on ties.
  static constexpr output_type dist_argmax(std::size_t d) noexcept {
    const std::size_t end = platform::flash_read(&Spec::dist_start[d + 1]);
    output_type best = 0;
    vote_type most = 0;
    for (std::size_t k = platform::flash_read(&Spec::dist_start[d]); k < end; ++k) {
      const auto e = platform::flash_read(&Spec::dist_entries[k]);
      if (e.votes > most) {
        most = e.votes;
        best = e.cls;
      }
    }
    return best;
  }
};

}  // namespace ctml::trees
