// The measurement chain's own test: a firmware whose answers are known by construction.
// CTML_SELFTEST selects the behaviour: 0 normal (output, an empty region, 10 nops, a region
// using 100 bytes of stack, exit status 3), 1 crash, 2 endless loop.
#include <cstdint>

#include "target.h"

[[gnu::noinline]] void use_stack() {
  volatile std::uint8_t buf[100];
  for (std::uint8_t i = 0; i < sizeof buf; ++i) buf[i] = i;
}

int main() {
  target_init();
#if CTML_SELFTEST == 1
#if defined(__AVR__)
  asm volatile("ldi r30, 0xff\n ldi r31, 0x7f\n ijmp");  // to a word address past the flash
#elif defined(__arm__) && __ARM_ARCH_ISA_THUMB == 2
  *reinterpret_cast<volatile std::uint32_t*>(0xFFFFFFF0u) = 1;  // bus fault
#else
  __builtin_trap();  // an undefined instruction (v6-M: qemu's nRF51 ignores 0xFFFFFFF0), ebreak on RISC-V
#endif
#elif CTML_SELFTEST == 2
  for (;;) asm volatile("");
#endif
  target_puts("hello ");
  target_put_int(-42);
  target_putc('\n');
  target_begin();
  target_end();
  target_begin();
  asm volatile("nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop");
  target_end();
  target_begin();
  use_stack();
  target_end();
  target_puts("stack_peak ");
  target_put_int(static_cast<long>(target_stack_peak()));
  target_putc('\n');
  target_exit(3);
}
