// Compile-time budget checks a firmware makes of a model: `static_assert(ctml::fits<M, 8192, 512>())`
// fails with a message naming the exceeded budget (flash or RAM) and what to do; the figures
// (needed, budget) are the template arguments of the flash_needed / ram_needed the compiler prints
// on the line above ("in instantiation of ... flash_needed<41234, 32768>").
// flash_bytes counts the model's code (estimated per target, platform/code_size.hpp) and its
// constants; the link-time check ctml_add_model adds (cmake/ctml.cmake) holds the whole firmware.
#pragma once
#include <cstddef>
#include <type_traits>

#include "layout.hpp"

namespace ctml {

namespace detail {
template <class M>
consteval bool uses_table_layout() {
  if constexpr (requires { typename M::layout_type; }) return std::is_same_v<typename M::layout_type, layout::table>;
  else return true;  // networks: one layout, weights in flash
}

template <std::size_t NeededBytes, std::size_t BudgetBytes, bool Table>
struct flash_needed {
  static_assert(NeededBytes <= BudgetBytes || Table,
                "ctml: the model's flash (code + constants, the first template argument) exceeds the flash budget "
                "(the second), use the table layout, a smaller model, or raise the budget");
  static_assert(NeededBytes <= BudgetBytes || !Table,
                "ctml: the model's flash (code + constants, the first template argument) exceeds the flash budget "
                "(the second) in the table layout already; use a smaller model (fewer trees, support vectors, "
                "features or weights) or raise the budget");
  static constexpr bool ok = NeededBytes <= BudgetBytes;
};

template <std::size_t NeededBytes, std::size_t BudgetBytes>
struct ram_needed {
  static_assert(NeededBytes <= BudgetBytes,
                "ctml: the model's inference RAM (the first template argument) exceeds the RAM budget (the second); "
                "use a smaller model or raise the budget");
  static constexpr bool ok = NeededBytes <= BudgetBytes;
};
}  // namespace detail

template <class M, std::size_t FlashBudget, std::size_t RamBudget>
consteval bool fits() {
  constexpr bool flash_ok = detail::flash_needed<M::flash_bytes, FlashBudget, detail::uses_table_layout<M>()>::ok;
  constexpr bool ram_ok = detail::ram_needed<M::ram_bytes, RamBudget>::ok;
  return flash_ok && ram_ok;
}

}  // namespace ctml
