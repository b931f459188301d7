/* target.h on Cortex-M in qemu, through ARM semihosting (bkpt 0xAB): output with SYS_WRITEC,
 * the exit status with SYS_EXIT_EXTENDED. target_begin paints the free stack below the caller;
 * target_end finds how deep the region reached, so target_stack_peak() returns the most stack any
 * measured region used (the instruction counts come from qemu's trace, see qemu_run.py). */
#include <stdint.h>

#include "../target.h"

#define PAINT 0xC7C7C7C7u
#define PAINT_DEPTH 2048u /* bytes below the caller painted per region: the most a region can report */
extern uint32_t __stack_bottom, __stack_top;

static int semihost(int op, void* arg) {
  register int r0 __asm("r0") = op;
  register void* r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static uint32_t region_base;  /* the caller's stack pointer at target_begin */
static unsigned long region_peak;

void target_init(void) {}

void target_putc(char c) { semihost(0x03, &c); }

__attribute__((noinline)) void target_begin(void) {
  uint32_t sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  region_base = sp;
  uint32_t* p = (uint32_t*)(sp - PAINT_DEPTH);
  if (p < &__stack_bottom) p = &__stack_bottom;
  for (; (uint32_t)p < sp - 8; ++p) *p = PAINT; /* all but target_begin's own frame */
}

__attribute__((noinline)) void target_end(void) {
  const uint32_t* p = (const uint32_t*)(region_base - PAINT_DEPTH);
  if (p < &__stack_bottom) p = &__stack_bottom;
  while (*p == PAINT) ++p;
  unsigned long used = region_base - (uint32_t)p;
  if (used > region_peak && (uint32_t)p < region_base) region_peak = used;
}

unsigned long target_stack_peak(void) { return region_peak; }

void target_exit(int code) {
  uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)code};
  semihost(0x20, block); /* SYS_EXIT_EXTENDED */
  for (;;) {
  }
}
