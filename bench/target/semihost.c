/* The semihosting half of target.h for the qemu targets (Cortex-M: bench/target/cortex-m/target.c,
 * RISC-V: bench/target/riscv/target.c, which hold the stack painting and region routines).
 *
 * Trap: ARM semihosting (bkpt 0xAB, operation in r0, argument in r1) on Cortex-M; RISC-V's
 * semihosting (the uncompressed slli x0, x0, 0x1f / ebreak / srai x0, x0, 7 sequence, operation in
 * a0, argument in a1), which uses the same operation numbers.
 * Output: bytes are buffered and written with SYS_WRITE0 at each newline, when the buffer is full
 * and at exit (one trap per line instead of one per byte).
 * Exit: SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, code}; qemu 7.2 exits with
 * `code` (plain SYS_EXIT on a 32-bit target takes only a reason: status 0 or 1).
 * Stack: ctml_region_peak is the deepest measured region (target_stack_peak(), what the bench
 * harness compares with a model's ram_bytes); ctml_run_low the lowest stack word known to be
 * written, for ctml_stack_run_peak(). */
#include <stdint.h>

#include "target.h"

extern uint32_t __stack_bottom, __stack_top;

uint32_t ctml_region_sp;               /* SP at the last target_begin */
uint32_t ctml_region_peak;             /* bytes: deepest measured region */
uint32_t* ctml_run_low = &__stack_top; /* lowest stack word known to be written */

static int semihost(int op, const void* arg) {
#if defined(__riscv)
  register int a0 __asm("a0") = op;
  register const void* a1 __asm("a1") = arg;
  __asm volatile(
      ".option push\n\t.option norvc\n\t.balign 16\n\t"
      "slli x0, x0, 0x1f\n\tebreak\n\tsrai x0, x0, 7\n\t"
      ".option pop"
      : "+r"(a0)
      : "r"(a1)
      : "memory");
  return a0;
#else
  register int r0 __asm("r0") = op;
  register const void* r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
#endif
}

/* ---- output ---- */
static char out_buf[129];
static unsigned out_len;

static void out_flush(void) {
  if (!out_len) return;
  out_buf[out_len] = 0;
  semihost(0x04 /* SYS_WRITE0 */, out_buf);
  out_len = 0;
}

void target_putc(char c) {
  if (c == 0) { /* SYS_WRITE0 cannot carry NUL: pass it alone with SYS_WRITEC */
    out_flush();
    semihost(0x03 /* SYS_WRITEC */, &c);
    return;
  }
  out_buf[out_len++] = c;
  if (c == '\n' || out_len == sizeof out_buf - 1) out_flush();
}

unsigned long target_stack_peak(void) { return ctml_region_peak; }

/* Whole run, up to this call (includes this function's own small frame). */
unsigned long ctml_stack_run_peak(void) {
  const uint32_t* p = &__stack_bottom;
  while (p < ctml_run_low && *p == 0xC7C7C7C7u) ++p;
  if (p < ctml_run_low) ctml_run_low = (uint32_t*)p;
  return (unsigned long)((uintptr_t)&__stack_top - (uintptr_t)ctml_run_low);
}

void target_exit(int code) {
  out_flush();
  const uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)code};
  semihost(0x20 /* SYS_EXIT_EXTENDED */, block);
  semihost(0x18 /* SYS_EXIT, if the host lacks the extended call: status 0/1 only */,
           (const void*)(uintptr_t)(code == 0 ? 0x20026u : 0x20023u /* ADP_Stopped_RunTimeErrorUnknown */));
  for (;;) {
  }
}
