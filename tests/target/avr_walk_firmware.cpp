// The AVR asm tree walk (ctml/trees/walk_avr.hpp: preorder layout, short/long branches, hot
// child first, trees four and two to a call, lead codes) against the portable table walk of the
// same model (digits_rf_small: 6 trees of depth 7), on 3000 pseudo-random int8 inputs (300 off
// AVR), mostly in and around the digits range 0..16 and sometimes anywhere in int8. Compares each
// tree's leaf payload and the predicted class of both layouts. Prints "walk ok" and exits 0 when all agree. On other
// targets the unrolled layout walks portably and the same comparisons hold.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "target.h"
#include "digits_rf_small.hpp"

#include <ctml/platform/target.hpp>

using unrolled = ctml_models::digits_rf_small_t<ctml::layout::unrolled>;
using table = ctml_models::digits_rf_small_t<ctml::layout::table>;
using input = unrolled::input_type;
namespace detail = ctml::trees::detail;

namespace {

std::uint32_t state = 2463534242u;
std::uint8_t next_byte() {  // xorshift32
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return static_cast<std::uint8_t>(state >> 11);
}

// Mostly the digits range (0..16) and just outside it, sometimes any int8 value.
std::int8_t next_feature() {
  const std::uint8_t r = next_byte();
  if (r < 16) return static_cast<std::int8_t>(next_byte());
  return static_cast<std::int8_t>(static_cast<int>(next_byte() % 21) - 2);
}

// Each tree's leaf code from the model's own walk (on AVR the asm walk: lead code and rest, see
// forest_classifier::lead_code) against the table walk's code of the same tree, mapped the same
// way from the distribution tables in flash; and the lead code mapped back (the slow path's
// lead_global) must name the table walk's distribution.
template <std::size_t T, const auto& Tree>
unsigned tree_mismatch(const input& x, const unrolled::fast_state& st) {
  using spec = ctml_models::digits_rf_small_spec;
  constexpr std::size_t n = unrolled::n_classes, base = spec::dist_base[T];
  const std::size_t code = detail::walk_table<Tree, false, table::leaf>(x);
  const std::size_t global = code < n ? code : code + base;
  if constexpr (!ctml::trees::detail::forest_ops<spec::trees>::template avr_visit_applies<
                    ctml::layout::unrolled, false, unrolled::leaf, unrolled::fast_step, true, input>() ||
                !unrolled::lead_codes_fit) {
    (void)global;
    return st.codes[T] != code;  // the portable walk keeps the trees' own codes
  } else {
    if (unrolled::template lead_global<T>(st.codes[T]) != global) return 1;
    if (code < n) return st.codes[T] != code || st.rests[T] != 0;
    const auto lead = ctml::platform::flash_read(&spec::dist_lead[global - n]);
    std::size_t k = 1;
    for (std::size_t d = base; d < global - n; ++d) k += ctml::platform::flash_read(&spec::dist_lead[d].cls) == lead.cls;
    return st.codes[T] != (lead.cls | (k << unrolled::lead_bits)) || st.rests[T] != lead.votes;
  }
}

template <std::size_t... T, const auto&... Trees>
unsigned tree_mismatches(std::index_sequence<T...>, ctml::trees::tree_list<Trees...>*, const input& x) {
  std::array<unrolled::count_type, unrolled::n_classes> count{};
  std::array<unrolled::tree_code_type, unrolled::n_trees> codes{};
  std::array<unrolled::rest_type, unrolled::n_rests> rests{};
  unrolled::fast_state st{count, codes, rests, 0};
  ctml::trees::detail::forest_ops<ctml_models::digits_rf_small_spec::trees>::template visit<
      ctml::layout::unrolled, false, unrolled::leaf, unrolled::fast_step, true>(x, st);
  return (tree_mismatch<T, Trees>(x, st) + ... + 0u);
}

// Constant evaluation takes the portable walk on every target, AVR included.
constexpr input some_digit = {0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4,
                              12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5,
                              10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0};
static_assert(unrolled::predict(some_digit) == table::predict(some_digit), "constexpr predict differs by layout");

}  // namespace

int main() {
  target_init();
  unsigned long tree_bad = 0, class_bad = 0;
  constexpr unsigned n = ctml::platform::is_avr ? 3000 : 300;  // qemu's instruction trace is slow
  for (unsigned i = 0; i < n; ++i) {
    input x{};
    for (auto& v : x) v = next_feature();
    asm volatile("" : : "r"(x.data()) : "memory");
    tree_bad += tree_mismatches(std::make_index_sequence<unrolled::n_trees>{},
                                static_cast<ctml_models::digits_rf_small_spec::trees*>(nullptr), x);
    class_bad += unrolled::predict(x) != table::predict(x);
  }
  target_puts("tree mismatches ");
  target_put_int(static_cast<long>(tree_bad));
  target_puts("\nclass mismatches ");
  target_put_int(static_cast<long>(class_bad));
  target_putc('\n');
  if (tree_bad == 0 && class_bad == 0) target_puts("walk ok\n");
  target_exit(tree_bad == 0 && class_bad == 0 ? 0 : 1);
}
