// Pinning where a value is computed. clang sinks a chain of adds to where the sum is used,
// keeping each term in a register meanwhile; on AVR each such register is a call-saved one, a
// push and a pop. settle(v) makes v be computed here; it emits no instruction.
#pragma once
#include <type_traits>

namespace ctml::platform {

template <class T>
[[gnu::always_inline]] constexpr void settle(T& value) noexcept {
#if defined(__AVR__)
  if (!std::is_constant_evaluated()) asm volatile("" : "+r"(value));
#else
  (void)value;
#endif
}

}  // namespace ctml::platform
