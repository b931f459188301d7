/* target.h on the ATmega328P, for simavr: output bytes go to GPIOR0, region markers to GPIOR1
 * (1 = begin, 2 = end), the exit status to GPIOR2, then the core sleeps with interrupts off,
 * which ends the simulation. The stack is painted at start so target_stack_peak() works on real
 * hardware too; in simavr the runner watches the stack pointer instead. */
#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdint.h>

#include "../target.h"

#define PAINT 0xA5
extern uint8_t __heap_start;

void target_init(void) {
  /* Paint from the end of .bss up to a little below the current stack pointer. */
  uint8_t* p = &__heap_start;
  uint8_t* sp = (uint8_t*)SP;
  while (p < sp - 8) *p++ = PAINT;
  /* One empty region first: the runner subtracts it from every region (marker overhead). */
  target_begin();
  target_end();
  __asm__ volatile("" ::: "memory"); /* keeps target_end a call, as in every measured region */
}

void target_putc(char c) { GPIOR0 = (uint8_t)c; }

__attribute__((noinline)) void target_begin(void) { GPIOR1 = 1; }
__attribute__((noinline)) void target_end(void) { GPIOR1 = 2; }

unsigned long target_stack_peak(void) {
  const uint8_t* p = &__heap_start;
  while (p <= (const uint8_t*)RAMEND && *p == PAINT) ++p;
  return (unsigned long)((const uint8_t*)RAMEND - p + 1);
}

void target_exit(int code) {
  GPIOR2 = (uint8_t)code;
  cli();
  for (;;) {
    sleep_enable();
    sleep_cpu();
  }
}
