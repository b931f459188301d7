// Model constants live in flash: on AVR in .progmem.data, read with lpm (pgm_read_*);
// elsewhere as plain const data. CTML_FLASH marks a definition, flash_read() reads one element.
#pragma once
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
