/* target.h on RISC-V in qemu: stack painting and measured regions, the same protocol as
 * bench/target/cortex-m/target.c (read its comment); output and exit through semihosting are in
 * ../semihost.c. target_begin/target_end are single `j` tail calls into ctml_region_open/close;
 * the routines use only caller-saved temporaries (t0-t4) and touch no stack. */
#include <stdint.h>

#include "../target.h"

#define CTML_REGION_FN __attribute__((naked, noinline, used, section(".text.ctml_region")))

/* Paints [__stack_bottom, sp). */
CTML_REGION_FN void ctml_stack_paint_all(void) {
  __asm volatile(
      "la t1, __stack_bottom\n\t"
      "mv t3, sp\n\t"
      "li t2, 0xC7C7C7C7\n"
      "1: bgeu t1, t3, 2f\n\t"
      "sw t2, 0(t1)\n\t"
      "addi t1, t1, 4\n\t"
      "j 1b\n"
      "2: ret\n\t");
}

/* Lowest non-paint word in [__stack_bottom, sp) -> t1 (sp if none), sp -> t3, the paint -> t2;
 * updates ctml_run_low. */
#define CTML_SCAN                  \
  "la t1, __stack_bottom\n\t"      \
  "mv t3, sp\n\t"                  \
  "li t2, 0xC7C7C7C7\n"            \
  "1: bgeu t1, t3, 2f\n\t"         \
  "lw t0, 0(t1)\n\t"               \
  "bne t0, t2, 2f\n\t"             \
  "addi t1, t1, 4\n\t"             \
  "j 1b\n"                         \
  "2: la t0, ctml_run_low\n\t"     \
  "lw t4, 0(t0)\n\t"               \
  "bgeu t1, t4, 9f\n\t"            \
  "sw t1, 0(t0)\n"                 \
  "9:\n\t"

CTML_REGION_FN void ctml_region_open(void) {
  __asm volatile(
      CTML_SCAN
      "la t0, ctml_region_sp\n\t"
      "sw t3, 0(t0)\n"
      "3: bgeu t1, t3, 4f\n\t" /* repaint [low-water, sp) */
      "sw t2, 0(t1)\n\t"
      "addi t1, t1, 4\n\t"
      "j 3b\n"
      "4: ret\n\t");
}

CTML_REGION_FN void ctml_region_close(void) {
  __asm volatile(
      CTML_SCAN
      "la t0, ctml_region_sp\n\t"
      "lw t0, 0(t0)\n\t"
      "bgtu t1, t0, 5f\n\t" /* region sp below the open's: not a matching pair, ignore */
      "sub t0, t0, t1\n\t"
      "la t2, ctml_region_peak\n\t"
      "lw t3, 0(t2)\n\t"
      "bleu t0, t3, 5f\n\t"
      "sw t0, 0(t2)\n"
      "5: ret\n\t");
}

CTML_REGION_FN void target_init(void) { __asm volatile("j ctml_stack_paint_all\n\t"); }
CTML_REGION_FN void target_begin(void) { __asm volatile("j ctml_region_open\n\t"); }
CTML_REGION_FN void target_end(void) { __asm volatile("j ctml_region_close\n\t"); }
