// Zeroing a small object in RAM. At -Os clang turns a run of zero stores into a call to memset,
// which on AVR costs about 6 cycles a byte plus the call (86 cycles for a forest's 12 bytes of
// vote counts); one `st X+, __zero_reg__` per byte costs 2. Elsewhere, and in constant
// expressions, a plain value-initialisation.
#pragma once
#include <cstddef>
#include <type_traits>

namespace ctml::platform {

template <class T>
[[gnu::always_inline]] constexpr void zero(T& obj) noexcept {
  static_assert(std::is_trivially_copyable_v<T>, "ctml: zero() needs a trivially copyable object");
#if defined(__AVR__)
  if (!std::is_constant_evaluated()) {
    void* p = &obj;
    asm volatile(".rept %2\n\tst X+, __zero_reg__\n\t.endr" : "+x"(p), "=m"(obj) : "n"(sizeof(T)));
    return;
  }
#endif
  obj = T{};
}

}  // namespace ctml::platform
