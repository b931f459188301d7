// Model constants live in flash: on AVR in .progmem.data, read with lpm (pgm_read_*);
// elsewhere as plain const data. CTML_FLASH marks a definition, flash_read() reads one element.
#pragma once
#include "../core/cxx20.hpp"
#include <bit>
#include <cstdint>
#include <type_traits>

#include "target.hpp"

#if defined(__AVR__)
#include <avr/pgmspace.h>
#define CTML_FLASH [[gnu::section(".progmem.data")]]
#else
#define CTML_FLASH
#endif

namespace ctml::platform {

#if defined(__AVR__)
namespace detail {
template <std::size_t N>
struct bytes { std::uint8_t b[N]; };
}  // namespace detail
#endif

// Reads one trivially copyable object from flash. In a constant expression it is a plain read,
// so constexpr inference and static_assert tests work on every target.
template <class T>
[[gnu::always_inline]] constexpr T flash_read(const T* p) noexcept {
  static_assert(std::is_trivially_copyable_v<T>, "ctml: flash_read needs a trivially copyable type");
#if defined(__AVR__)
  if (std::is_constant_evaluated()) return *p;
  if constexpr (sizeof(T) == 4 && alignof(T) <= 2) {
    // Four `lpm Z+` into two register pairs (clang's AVR back end allocates at most 16-bit asm
    // operands): ~14 cycles, where the byte loop below went through the stack (~100 cycles for an
    // int32 bias, measured on the digits MLP's dense layers).
    std::uint16_t lo, hi;
    const void* z = p;
    asm("lpm %A0, Z+\n\tlpm %B0, Z+\n\tlpm %A1, Z+\n\tlpm %B1, Z" : "=r"(lo), "=r"(hi), "+z"(z));
    return std::bit_cast<T>(static_cast<std::uint32_t>(hi) << 16 | lo);
  } else if constexpr (sizeof(T) == 2 && alignof(T) <= 2) {
    return std::bit_cast<T>(static_cast<std::uint16_t>(pgm_read_word(p)));
  } else if constexpr (sizeof(T) == 1) {
    return std::bit_cast<T>(static_cast<std::uint8_t>(pgm_read_byte(p)));
  }
  detail::bytes<sizeof(T)> raw{};
  const auto* src = reinterpret_cast<const std::uint8_t*>(p);
  if constexpr (sizeof(T) % 2 == 0) {
    for (std::size_t i = 0; i < sizeof(T); i += 2) {
      const std::uint16_t w = pgm_read_word(src + i);
      raw.b[i] = static_cast<std::uint8_t>(w);
      raw.b[i + 1] = static_cast<std::uint8_t>(w >> 8);
    }
  } else {
    for (std::size_t i = 0; i < sizeof(T); ++i) raw.b[i] = pgm_read_byte(src + i);
  }
  return std::bit_cast<T>(raw);
#else
  return *p;
#endif
}

}  // namespace ctml::platform
