/* target.h on Cortex-M in qemu: the stack painting and measured regions; output and exit through
 * semihosting are in ../semihost.c.
 *
 * Regions: target_begin and target_end are single-instruction tail calls (`b`) into the naked
 * routines ctml_region_open and ctml_region_close. qemu_run.py counts the traced instructions
 * strictly between the return of target_begin and the branch into target_end, and it keeps the
 * two routines (and ctml_stack_paint_all) out of qemu's trace with -dfilter, so painting and
 * scanning the stack cost nothing in the log. Keep these names: qemu_run.py looks them up.
 *
 * Stack (linker script symbols __stack_bottom/__stack_top): target_init paints the stack below
 * the caller's SP with 0xC7C7C7C7. ctml_region_open (SP = the caller's SP, since `bl`/`b` push
 * nothing) finds the lowest word written so far (the whole-run low-water mark), repaints from there
 * up to SP, and records SP; ctml_region_close finds the lowest word written since, so the region
 * used (SP at target_begin - that address) bytes, exactly (a pushed word equal to the paint can
 * only hide words below it). These routines touch no stack themselves.
 *
 * The assembly is Thumb-1 (low registers, no IT, no MOVW/MOVT: literal pools), valid on v6-M (M0)
 * as on v7-M and v8-M, and all of it sits in one section so the 16-bit branches reach. */
#include <stdint.h>

#include "../target.h"

#define CTML_REGION_FN __attribute__((naked, noinline, used, section(".text.ctml_region")))

/* Paints [__stack_bottom, SP). */
CTML_REGION_FN void ctml_stack_paint_all(void) {
  __asm volatile(
      "ldr r1, =__stack_bottom\n\t"
      "mov r3, sp\n\t"
      "ldr r2, =0xC7C7C7C7\n"
      "1: cmp r1, r3\n\t"
      "bhs 2f\n\t"
      "str r2, [r1]\n\t"
      "adds r1, #4\n\t"
      "b 1b\n"
      "2: bx lr\n\t"
      ".ltorg\n\t");
}

/* Lowest non-paint word in [__stack_bottom, SP) -> r1 (SP if none), SP -> r3, the paint -> r2;
 * updates ctml_run_low. Shared by open and close as an assembler macro (no call: these routines
 * keep lr). */
#define CTML_SCAN                 \
  "ldr r1, =__stack_bottom\n\t"   \
  "mov r3, sp\n\t"                \
  "ldr r2, =0xC7C7C7C7\n"         \
  "1: cmp r1, r3\n\t"             \
  "bhs 2f\n\t"                    \
  "ldr r0, [r1]\n\t"              \
  "cmp r0, r2\n\t"                \
  "bne 2f\n\t"                    \
  "adds r1, #4\n\t"               \
  "b 1b\n"                        \
  "2: ldr r0, =ctml_run_low\n\t"  \
  "mov r12, r2\n\t"               \
  "ldr r2, [r0]\n\t"              \
  "cmp r1, r2\n\t"                \
  "bhs 9f\n\t"                    \
  "str r1, [r0]\n"                \
  "9: mov r2, r12\n\t"

CTML_REGION_FN void ctml_region_open(void) {
  __asm volatile(
      CTML_SCAN
      "ldr r0, =ctml_region_sp\n\t"
      "str r3, [r0]\n"
      "3: cmp r1, r3\n\t" /* repaint [low-water, SP) */
      "bhs 4f\n\t"
      "str r2, [r1]\n\t"
      "adds r1, #4\n\t"
      "b 3b\n"
      "4: bx lr\n\t"
      ".ltorg\n\t");
}

CTML_REGION_FN void ctml_region_close(void) {
  __asm volatile(
      CTML_SCAN
      "ldr r0, =ctml_region_sp\n\t"
      "ldr r0, [r0]\n\t"
      "cmp r1, r0\n\t" /* region SP below the open's: not a matching pair, ignore */
      "bhi 5f\n\t"
      "subs r0, r0, r1\n\t"
      "ldr r2, =ctml_region_peak\n\t"
      "ldr r3, [r2]\n\t"
      "cmp r0, r3\n\t"
      "bls 5f\n\t"
      "str r0, [r2]\n"
      "5: bx lr\n\t"
      ".ltorg\n\t");
}

CTML_REGION_FN void target_init(void) { __asm volatile("b ctml_stack_paint_all\n\t"); }
CTML_REGION_FN void target_begin(void) { __asm volatile("b ctml_region_open\n\t"); }
CTML_REGION_FN void target_end(void) { __asm volatile("b ctml_region_close\n\t"); }
