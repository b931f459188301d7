/* target.h on the host: output to stdout, regions unmeasured (Google Benchmark times the host),
 * exit through exit(). Lets the target firmware run natively to compare answers across targets. */
#include <stdio.h>
#include <stdlib.h>

#include "../target.h"

void target_init(void) {}
void target_putc(char c) { putchar(c); }
void target_begin(void) {}
void target_end(void) {}
unsigned long target_stack_peak(void) { return 0; }
void target_exit(int code) {
  fflush(stdout);
  exit(code);
}
