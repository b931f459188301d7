/* Start-up for qemu's riscv32 virt machine (machine mode, -bios none), with virt.ld.
 *
 * ctml_start (at 0x80000000): gp and sp, then ctml_reset: copy .data from flash, zero .bss, trap
 * vector, stack guard, constructors, main; main's return value becomes the exit status.
 * Stack guard: PMP entry 0 covers the 32 bytes of __stack_guard (NAPOT) with no permissions and
 * the lock bit, which makes it apply to machine mode too: an overflow is a store access fault.
 * Other addresses match no entry, which machine mode may access.
 * Traps: every exception (an access fault, an illegal instruction, a bare ebreak) resets sp to
 * __stack_top, prints "\nfault: mcause=0x... mepc=0x... mtval=0x...\n" and exits with status 125. */
#include <stdint.h>

#include "../target.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_guard;
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);

/* The CSR instructions (Zicsr, which -march=rv32imc leaves out in gcc 12) for these lines only. */
#define CTML_ZICSR ".option push\n\t.option arch, +zicsr\n\t"

__attribute__((naked, used, section(".text.start"))) void ctml_start(void) {
  __asm volatile(
      ".option push\n\t.option norelax\n\t"
      "la gp, __global_pointer$\n\t"
      ".option pop\n\t"
      "la sp, __stack_top\n\t"
      "j ctml_reset\n\t");
}

static void put_hex(uint32_t v) {
  target_puts("0x");
  for (int s = 28; s >= 0; s -= 4) target_putc("0123456789abcdef"[(v >> s) & 0xF]);
}

__attribute__((noreturn, used)) void ctml_trap_report(uint32_t mcause, uint32_t mepc, uint32_t mtval) {
  target_puts("\nfault: mcause=");
  put_hex(mcause);
  target_puts(" mepc=");
  put_hex(mepc);
  target_puts(" mtval=");
  put_hex(mtval);
  target_putc('\n');
  target_exit(125);
}

__attribute__((naked, used, aligned(4))) void ctml_trap(void) {
  __asm volatile(
      "la sp, __stack_top\n\t"
      CTML_ZICSR
      "csrr a0, mcause\n\t"
      "csrr a1, mepc\n\t"
      "csrr a2, mtval\n\t"
      ".option pop\n\t"
      "j ctml_trap_report\n\t");
}

__attribute__((noreturn, used)) void ctml_reset(void) {
  const uint32_t* src = &__data_load;
  for (uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  __asm volatile(CTML_ZICSR "csrw mtvec, %0\n\t.option pop" : : "r"(&ctml_trap));
  const uint32_t napot32 = ((uint32_t)&__stack_guard >> 2) | 0x3u; /* 32 bytes: base/4 | 0b11 */
  __asm volatile(CTML_ZICSR "csrw pmpaddr0, %0\n\tcsrw pmpcfg0, %1\n\t.option pop" : : "r"(napot32), "r"(0x98u /* L | NAPOT, no RWX */));
  for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
  target_exit(main());
}
