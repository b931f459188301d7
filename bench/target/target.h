/* The few calls a measurement firmware makes of its target (AVR in simavr, Cortex-M in qemu).
 * Each target directory implements them; the runner on the host reads what they signal.
 * C and C++ compatible, no allocation, no stdio. */
#ifndef CTML_BENCH_TARGET_H
#define CTML_BENCH_TARGET_H

#ifdef __cplusplus
extern "C" {
#endif

void target_init(void);              /* call first in main */
void target_putc(char c);            /* one byte of output, passed verbatim to the runner's stdout */
void target_puts(const char* s);     /* a NUL-terminated string (no newline added) */
void target_put_int(long v);         /* a signed decimal integer */
void target_begin(void);             /* opens a measured region (regions do not nest) */
void target_end(void);               /* closes it: the runner records cycles/instructions in between */
unsigned long target_stack_peak(void); /* bytes of stack used so far, from painting (0 if unknown) */
void target_exit(int code) __attribute__((noreturn)); /* ends the simulation with this exit status */

#ifdef __cplusplus
}
#endif
#endif
