/* target.h on the ATmega328P (and other AVRs with GPIOR0..2), for simavr
 * (bench/target/avr/simavr_run.c):
 *   - each output byte is written to GPIOR0 (I/O 0x1E, data address 0x3E);
 *   - target_begin writes 1 and target_end writes 2 to GPIOR1 (I/O 0x2A, data 0x4A);
 *   - target_exit writes the exit status to GPIOR2 (I/O 0x2B, data 0x4B), disables interrupts
 *     and sleeps, which ends the simulation (simavr stops on "sleep with interrupts off").
 *
 * target_begin and target_end are naked assembly so their cost is fixed whatever the compiler
 * does: target_begin is `ldi; out; ret`, target_end is `ldi; out; ret`. The runner counts a region
 * from the end of target_begin's `ret` to the start of the instruction that enters target_end
 * (the call), so an empty `target_begin(); target_end();` is 0 cycles. It relies on exactly this
 * shape (one instruction, `ldi`, between entering target_end and the marker write): keep it.
 *
 * target_stack_peak paints the free RAM between the end of .bss (__heap_start) and the stack
 * pointer at target_init with 0xA5 and later finds the lowest byte no longer painted, so it also
 * works on real hardware. (In simavr the runner watches SP itself, exactly.)
 * Compiled as C by clang-16 --target=avr (or avr-gcc). */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdint.h>

#include "../target.h"

#define CTML_PAINT 0xA5
extern uint8_t __heap_start; /* avr-libc's linker script: first byte after .bss/.noinit */

void target_init(void) {
  /* Paint [__heap_start, SP] (SP points at the next free byte). In assembly so that the loop
   * itself touches no stack: it only uses call-clobbered registers. */
  __asm__ volatile(
      "ldi r26, lo8(__heap_start)\n\t"
      "ldi r27, hi8(__heap_start)\n\t"
      "in r24, %[spl]\n\t"
      "in r25, %[sph]\n\t"
      "ldi r18, %[paint]\n"
      "1:\n\t"
      "st X+, r18\n\t"
      "cp r24, r26\n\t"
      "cpc r25, r27\n\t"
      "brsh 1b\n\t"
      :
      : [spl] "I"(_SFR_IO_ADDR(SPL)), [sph] "I"(_SFR_IO_ADDR(SPH)), [paint] "M"(CTML_PAINT)
      : "r18", "r24", "r25", "r26", "r27", "memory");
}

void target_putc(char c) { GPIOR0 = (uint8_t)c; }

__attribute__((naked, noinline, used)) void target_begin(void) {
  __asm__ volatile(
      "ldi r24, 1\n\t"
      "out %[gpior1], r24\n\t"
      "ret\n\t"
      :
      : [gpior1] "I"(_SFR_IO_ADDR(GPIOR1)));
}

__attribute__((naked, noinline, used)) void target_end(void) {
  __asm__ volatile(
      "ldi r24, 2\n\t"
      "out %[gpior1], r24\n\t"
      "ret\n\t"
      :
      : [gpior1] "I"(_SFR_IO_ADDR(GPIOR1)));
}

unsigned long target_stack_peak(void) {
  /* The lowest byte that is no longer the paint was written by the stack (a push writes at SP,
   * then decrements it), so everything from there up to RAMEND has been used. A pushed byte that
   * happens to equal the paint can hide at most the bytes below it from this scan. */
  const volatile uint8_t* p = &__heap_start;
  while (p <= (const volatile uint8_t*)RAMEND && *p == CTML_PAINT) ++p;
  return (unsigned long)(uint16_t)((uint16_t)RAMEND + 1u - (uint16_t)(uintptr_t)p);
}

void target_exit(int code) {
  GPIOR2 = (uint8_t)code;
  cli();
  for (;;) {
    sleep_enable();
    sleep_cpu();
  }
}
