// AVR only: a learned state survives a trip through the EEPROM, and a corrupted EEPROM record is
// rejected with the state left as it was. Prints "eeprom ok" and exits 0 when all holds.
#include <cstdint>

#include "target.h"

#include <ctml/learn/online_logistic.hpp>
#include <ctml/learn/persist.hpp>
#include <ctml/platform/eeprom.hpp>

using learner = ctml::learn::online_logistic<4>;
constexpr std::uint8_t tag = 3;
constexpr std::uint16_t address = 16;

int main() {
  target_init();
  learner m;
  for (int i = 0; i < 50; ++i) m.update({static_cast<std::int8_t>(i), -3, 7, static_cast<std::int8_t>(-i)}, i % 2);
  std::uint8_t record[ctml::learn::record_size<learner>];
  ctml::learn::save<tag>(m, record);
  ctml::platform::eeprom_write(address, record, sizeof record);

  std::uint8_t back[sizeof record];
  ctml::platform::eeprom_read(address, back, sizeof back);
  learner r;
  bool ok = ctml::learn::restore<tag>(r, back, sizeof back) == ctml::learn::restore_status::ok;
  ok = ok && __builtin_memcmp(&r, &m, sizeof m) == 0;

  // Flip one stored bit: the record must be refused and the state kept.
  const std::uint8_t flipped = static_cast<std::uint8_t>(back[20] ^ 0x01);
  ctml::platform::eeprom_write(address + 20, &flipped, 1);
  ctml::platform::eeprom_read(address, back, sizeof back);
  learner kept = r;
  ok = ok && ctml::learn::restore<tag>(kept, back, sizeof back) == ctml::learn::restore_status::corrupt;
  ok = ok && __builtin_memcmp(&kept, &r, sizeof r) == 0;

  target_puts(ok ? "eeprom ok\n" : "eeprom FAILED\n");
  target_exit(ok ? 0 : 1);
}
