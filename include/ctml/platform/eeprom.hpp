// Non-volatile bytes for saved learning state. On AVR: the chip's EEPROM through avr-libc
// (eeprom_update_block writes only the bytes that change, sparing the cells' write endurance).
// Other targets keep state wherever their firmware likes (a flash page, a file): they use
// ctml::learn::save/restore on a byte buffer directly.
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(__AVR__)
#include <avr/eeprom.h>

namespace ctml::platform {

inline void eeprom_write(std::uint16_t address, const std::uint8_t* bytes, std::size_t n) noexcept {
  eeprom_update_block(bytes, reinterpret_cast<void*>(address), n);
}

inline void eeprom_read(std::uint16_t address, std::uint8_t* bytes, std::size_t n) noexcept {
  eeprom_read_block(bytes, reinterpret_cast<const void*>(address), n);
}

}  // namespace ctml::platform
#endif
