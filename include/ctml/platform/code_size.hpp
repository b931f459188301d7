// CTML_OUTLINE_SMALL_FLASH marks a small helper that unrolled models call once per constant
// (a kernel term, a coefficient): on AVR, with 32 KB of flash, it stays a function (a call costs
// ~10 cycles, an inlined copy ~50 bytes); elsewhere the compiler decides.
#pragma once

#if defined(__AVR__)
#define CTML_OUTLINE_SMALL_FLASH [[gnu::noinline]]
#else
#define CTML_OUTLINE_SMALL_FLASH
#endif
