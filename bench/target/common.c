/* The parts of target.h every target shares: strings and integers over target_putc. */
#include "target.h"

void target_puts(const char* s) {
  while (*s) target_putc(*s++);
}

void target_put_int(long v) {
  char buf[12];
  int n = 0;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  if (v < 0) target_putc('-');
  do {
    buf[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (n) target_putc(buf[--n]);
}
