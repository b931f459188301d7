/* Minimal start-up for qemu's mps2-an385 (Cortex-M3) and mps2-an386 (Cortex-M4F): the vector
 * table, a reset handler that copies .data, zeroes .bss, enables the FPU when there is one, runs
 * constructors and main; faults print their name and end the run with status 125. */
#include <stdint.h>

#include "../target.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);

__attribute__((noreturn)) void ctml_reset(void) {
  uint32_t* src = &__data_load;
  for (uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  *(volatile uint32_t*)0xE000ED88 |= 0xFu << 20; /* CPACR: full access to CP10 and CP11 */
  __asm volatile("dsb\n isb");
#endif
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
  target_exit(main());
}

static __attribute__((noreturn)) void fault(const char* what) {
  target_puts(what);
  target_exit(125);
}
void ctml_nmi(void) { fault("\nfault: NMI\n"); }
void ctml_hardfault(void) { fault("\nfault: HardFault\n"); }
void ctml_memfault(void) { fault("\nfault: MemManage\n"); }
void ctml_busfault(void) { fault("\nfault: BusFault\n"); }
void ctml_usagefault(void) { fault("\nfault: UsageFault\n"); }
void ctml_unexpected(void) { fault("\nfault: unexpected interrupt\n"); }

__attribute__((section(".vectors"), used)) void* const ctml_vectors[32] = {
    &__stack_top,   (void*)ctml_reset,      (void*)ctml_nmi,        (void*)ctml_hardfault,
    (void*)ctml_memfault, (void*)ctml_busfault, (void*)ctml_usagefault, 0, 0, 0, 0,
    (void*)ctml_unexpected, (void*)ctml_unexpected, 0, (void*)ctml_unexpected, (void*)ctml_unexpected,
    [16 ... 31] = (void*)ctml_unexpected,
};
