// Compile-time budget checks a firmware makes of a model: `static_assert(ctml::fits<M, 8192, 512>())`
// fails with a message naming the exceeded budget (flash or RAM) instead of a bare `false`.
#pragma once
#include <cstddef>

namespace ctml {

template <class M, std::size_t FlashBudget, std::size_t RamBudget>
consteval bool fits() {
  constexpr bool flash_ok = M::flash_bytes <= FlashBudget;
  constexpr bool ram_ok = M::ram_bytes <= RamBudget;
  static_assert(flash_ok,
                "ctml: the model's constant data exceeds the flash budget; use the table layout, a smaller model, or raise the budget");
  static_assert(ram_ok,
                "ctml: the model's inference RAM exceeds the RAM budget; use a smaller model or raise the budget");
  return true;
}

}  // namespace ctml
