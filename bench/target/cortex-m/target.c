/* target.h on Cortex-M3/M4 in qemu (mps2-an385/an386), through ARM semihosting (bkpt 0xAB).
 *
 * Output: bytes are buffered and written with SYS_WRITE0 at each newline, when the buffer is full
 * and at exit (one trap per line instead of one per byte).
 * Exit: SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit, code}; qemu 7.2 exits with
 * `code` (plain SYS_EXIT on 32-bit ARM takes only a reason: status 0 or 1).
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
 * target_stack_peak() returns the deepest measured region (what the bench harness compares with a
 * model's ram_bytes); ctml_stack_run_peak() returns the whole run's stack use. */
#include <stdint.h>

#include "../target.h"

extern uint32_t __stack_bottom, __stack_top;

uint32_t ctml_region_sp;                          /* SP at the last target_begin */
uint32_t ctml_region_peak;                        /* bytes: deepest measured region */
uint32_t* ctml_run_low = &__stack_top;            /* lowest stack word known to be written */

static int semihost(int op, const void* arg) {
  register int r0 __asm("r0") = op;
  register const void* r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
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

/* ---- stack painting and measured regions (naked: no stack use, no compiler-added code) ---- */
#define CTML_LOAD_ADDR(reg, sym) "movw " reg ", #:lower16:" sym "\n\tmovt " reg ", #:upper16:" sym "\n\t"
#define CTML_LOAD_PAINT(reg) "movw " reg ", #0xC7C7\n\tmovt " reg ", #0xC7C7\n\t"

/* Paints [__stack_bottom, SP). */
__attribute__((naked, noinline, used)) void ctml_stack_paint_all(void) {
  __asm volatile(
      CTML_LOAD_ADDR("r1", "__stack_bottom")
      "mov r3, sp\n\t"
      CTML_LOAD_PAINT("r2")
      "1: cmp r1, r3\n\t"
      "bhs 2f\n\t"
      "str r2, [r1], #4\n\t"
      "b 1b\n"
      "2: bx lr\n\t");
}

/* Lowest non-paint word in [__stack_bottom, SP) -> r1 (SP if none); updates ctml_run_low.
 * Shared by open and close as an assembler macro (no call: these routines keep lr). */
#define CTML_SCAN                                     \
  CTML_LOAD_ADDR("r1", "__stack_bottom")              \
  "mov r3, sp\n\t"                                    \
  CTML_LOAD_PAINT("r2")                               \
  "1: cmp r1, r3\n\t"                                 \
  "bhs 2f\n\t"                                        \
  "ldr r0, [r1]\n\t"                                  \
  "cmp r0, r2\n\t"                                    \
  "bne 2f\n\t"                                        \
  "adds r1, #4\n\t"                                   \
  "b 1b\n"                                            \
  "2:\n\t"                                            \
  CTML_LOAD_ADDR("r0", "ctml_run_low")                \
  "ldr r12, [r0]\n\t"                                 \
  "cmp r1, r12\n\t"                                   \
  "it lo\n\t"                                         \
  "strlo r1, [r0]\n\t"

__attribute__((naked, noinline, used)) void ctml_region_open(void) {
  __asm volatile(
      CTML_SCAN
      CTML_LOAD_ADDR("r0", "ctml_region_sp")
      "str r3, [r0]\n\t"
      "3: cmp r1, r3\n\t" /* repaint [low-water, SP) */
      "bhs 4f\n\t"
      "str r2, [r1], #4\n\t"
      "b 3b\n"
      "4: bx lr\n\t");
}

__attribute__((naked, noinline, used)) void ctml_region_close(void) {
  __asm volatile(
      CTML_SCAN
      CTML_LOAD_ADDR("r0", "ctml_region_sp")
      "ldr r0, [r0]\n\t"
      "cmp r1, r0\n\t" /* region SP below the open's: not a matching pair, ignore */
      "bhi 5f\n\t"
      "subs r0, r0, r1\n\t"
      CTML_LOAD_ADDR("r2", "ctml_region_peak")
      "ldr r3, [r2]\n\t"
      "cmp r0, r3\n\t"
      "it hi\n\t"
      "strhi r0, [r2]\n"
      "5: bx lr\n\t");
}

__attribute__((naked, noinline, used)) void target_init(void) { __asm volatile("b ctml_stack_paint_all\n\t"); }
__attribute__((naked, noinline, used)) void target_begin(void) { __asm volatile("b ctml_region_open\n\t"); }
__attribute__((naked, noinline, used)) void target_end(void) { __asm volatile("b ctml_region_close\n\t"); }

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
