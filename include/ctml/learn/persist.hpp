// Saving a learned state to bytes (EEPROM on AVR, flash pages elsewhere) and restoring it, so a
// power cut does not lose what the device learned. The record is a header (magic "CTML", format
// version, the state's type tag and size) followed by the state's bytes and a CRC-32 (the
// IEEE 802.3 polynomial, bitwise: no table in RAM or flash). restore() rejects a buffer that is
// too short, foreign (another magic, version, tag or size), corrupt (CRC mismatch) or invalid (a
// right CRC over fields that are not a state the learner can be in: a flag other than 0/1, a count
// or sum out of range, fields that contradict each other, as State::valid() defines), and then
// leaves the state untouched. A CRC guards against corruption, not against a record written by
// someone else. States keep flags as uint8_t, never bool, so that no byte is loaded as a bool
// before it is checked.
#pragma once
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctml::learn {

inline constexpr std::uint8_t persist_version = 1;

constexpr std::uint32_t crc32(const std::uint8_t* data, std::size_t n) noexcept {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// Bytes a saved State takes.
template <class State>
inline constexpr std::size_t record_size = 4 + 1 + 1 + 2 + sizeof(State) + 4;

enum class restore_status : std::uint8_t { ok, too_short, foreign, corrupt, invalid };

// A state restore can check: valid() says whether the fields are a state it can be in.
template <class State>
concept checkable_state = requires(const State& s) {
  { s.valid() } -> std::same_as<bool>;
};

// Writes the record into out (at least record_size<State> bytes); Tag tells state types apart.
template <std::uint8_t Tag, class State>
constexpr void save(const State& state, std::uint8_t* out) noexcept {
  static_assert(std::is_trivially_copyable_v<State>, "ctml: only trivially copyable states can be saved");
  const auto raw = std::bit_cast<std::array<std::uint8_t, sizeof(State)>>(state);
  std::size_t i = 0;
  for (char c : {'C', 'T', 'M', 'L'}) out[i++] = static_cast<std::uint8_t>(c);
  out[i++] = persist_version;
  out[i++] = Tag;
  out[i++] = static_cast<std::uint8_t>(sizeof(State) & 0xFF);
  out[i++] = static_cast<std::uint8_t>(sizeof(State) >> 8);
  for (std::uint8_t b : raw) out[i++] = b;
  const std::uint32_t crc = crc32(out, i);
  for (int k = 0; k < 4; ++k) out[i++] = static_cast<std::uint8_t>(crc >> (8 * k));
}

template <std::uint8_t Tag, class State>
constexpr restore_status restore(State& state, const std::uint8_t* in, std::size_t n) noexcept {
  static_assert(std::is_trivially_copyable_v<State>, "ctml: only trivially copyable states can be restored");
  static_assert(checkable_state<State>,
                "ctml: restore needs State::valid() (constexpr bool: are these fields a state the learner can "
                "reach?) so that a record with a right CRC but impossible fields is refused");
  constexpr std::size_t body = record_size<State> - 4;
  if (n < record_size<State>) return restore_status::too_short;
  if (in[0] != 'C' || in[1] != 'T' || in[2] != 'M' || in[3] != 'L' || in[4] != persist_version || in[5] != Tag ||
      in[6] != (sizeof(State) & 0xFF) || in[7] != (sizeof(State) >> 8))
    return restore_status::foreign;
  std::uint32_t crc = 0;
  for (int k = 0; k < 4; ++k) crc |= static_cast<std::uint32_t>(in[body + k]) << (8 * k);
  if (crc != crc32(in, body)) return restore_status::corrupt;
  std::array<std::uint8_t, sizeof(State)> raw{};
  for (std::size_t i = 0; i < sizeof(State); ++i) raw[i] = in[8 + i];
  const State candidate = std::bit_cast<State>(raw);
  if (!candidate.valid()) return restore_status::invalid;
  state = candidate;
  return restore_status::ok;
}

}  // namespace ctml::learn
