// Reading one element of an input array at a constant index. On AVR, clang keeps the array's
// address in its argument registers and copies it into Z before every load of an unrolled tree
// (one extra instruction per node); an asm load with the pointer pinned to Z stops that (measured:
// on digits_rf). The memory clobber orders the load after any store to the array. Everywhere else, and in constant expressions, a plain read.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctml::platform {

template <std::size_t I, class T, std::size_t N>
[[gnu::always_inline]] constexpr T load_element(const std::array<T, N>& x) noexcept {
  static_assert(I < N, "ctml: input index out of range");
#if defined(__AVR__)
  // ldd reaches 63 bytes past the pointer.
  // Only bytes: for int16 the early-clobbered pair costs more than the copies it saves (measured).
  if constexpr (std::is_integral_v<T> && sizeof(T) == 1 && I < 64) {
    if (!std::is_constant_evaluated()) {
      T v;
      asm("ldd %0, %a1+%2" : "=r"(v) : "z"(x.data()), "I"(I) : "memory");
      return v;
    }
  }
#endif
  return x[I];
}

}  // namespace ctml::platform
