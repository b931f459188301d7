// Fixed-point helpers shared by every family: saturation, rounding shifts and widening multiply.
// Rounding is to nearest, ties away from zero, as TFLite's reference kernels do.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctml::fixed {

// Clamps a wide value into T's range.
template <class T, class W>
constexpr T saturate(W v) noexcept {
  static_assert(std::is_integral_v<T> && std::is_integral_v<W>, "ctml: saturate works on integers");
  constexpr W lo = static_cast<W>(std::numeric_limits<T>::min());
  constexpr W hi = static_cast<W>(std::numeric_limits<T>::max());
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

// v / 2^shift rounded to nearest, ties away from zero; shift 0 returns v.
template <class W>
constexpr W rounding_shift_right(W v, unsigned shift) noexcept {
  static_assert(std::is_signed_v<W>, "ctml: rounding_shift_right needs a signed type");
  if (shift == 0) return v;
  // Floor, then round on the remainder: no intermediate can overflow, even at W's limits.
  const W floor = static_cast<W>(v >> shift);  // arithmetic shift (defined in C++20)
  const W rem = static_cast<W>(v & static_cast<W>((W{1} << shift) - 1));  // v - floor * 2^shift, in [0, 2^shift)
  const W half = static_cast<W>(W{1} << (shift - 1));
  return static_cast<W>(floor + (v >= 0 ? (rem >= half) : (rem > half)));
}

// The product of two narrow values in a type wide enough to hold it exactly.
template <class A, class B>
constexpr auto widening_mul(A a, B b) noexcept {
  using W = std::conditional_t<(sizeof(A) + sizeof(B) <= 2), std::int16_t,
                               std::conditional_t<(sizeof(A) + sizeof(B) <= 4), std::int32_t, std::int64_t>>;
  return static_cast<W>(static_cast<W>(a) * static_cast<W>(b));
}

// Adds without wrapping: the result sticks at the type's limits (no signed overflow UB).
template <class T>
constexpr T saturating_add(T a, T b) noexcept {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>, "ctml: saturating_add needs a signed integer");
  if (b > 0 && a > std::numeric_limits<T>::max() - b) return std::numeric_limits<T>::max();
  if (b < 0 && a < std::numeric_limits<T>::min() - b) return std::numeric_limits<T>::min();
  return static_cast<T>(a + b);
}

// a - b without wrapping, sticking at the type's limits (unlike saturating_add(a, -b), it takes
// b = min: there is no -min to form).
template <class T>
constexpr T saturating_sub(T a, T b) noexcept {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>, "ctml: saturating_sub needs a signed integer");
  if (b < 0 && a > std::numeric_limits<T>::max() + b) return std::numeric_limits<T>::max();
  if (b > 0 && a < std::numeric_limits<T>::min() + b) return std::numeric_limits<T>::min();
  return static_cast<T>(a - b);
}

}  // namespace ctml::fixed
