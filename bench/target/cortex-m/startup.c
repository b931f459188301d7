/* Start-up for qemu's mps2-an385 (Cortex-M3) and mps2-an386 (Cortex-M4F), with mps2-an38x.ld.
 *
 * Reset: copy .data from flash, zero .bss, give the FPU full access (CPACR) when compiled for one
 * (__ARM_FP), run the constructors (.preinit_array/.init_array, walked here because the firmware is
 * linked with -nostartfiles: no crti/crtn, so newlib's __libc_init_array would miss _init), then
 * main; main's return value becomes the exit status (target_exit).
 *
 * Faults: every fault and unexpected exception (a stack overflow too: see stack_guard) prints
 * "\nfault: <name> pc=0x... cfsr=0x... hfsr=0x...\n" and exits with status 125. */
#include <stdint.h>

#include "../target.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);

/* The MPS2 boards read as zero and ignore writes below 0x20000000 (a "reserved" region), so a stack
 * running off __stack_bottom would not fault. The MPU (PMSAv7, on both cores) makes the 32 bytes
 * below __stack_bottom (__stack_guard, linker script) inaccessible: an overflow is a MemManage fault,
 * escalated to HardFault (MemManage is not enabled), whose own stacking ignores the MPU (HFNMIENA
 * is 0) and so still works. Everything else keeps the default memory map (PRIVDEFENA). */
static void stack_guard(void) {
  extern uint32_t __stack_guard;
  volatile uint32_t* const mpu = (volatile uint32_t*)0xE000ED90u; /* TYPE, CTRL, RNR, RBAR, RASR */
  if (((mpu[0] >> 8) & 0xFF) == 0) return;                        /* no MPU regions */
  mpu[2] = 0;                                                     /* region 0 */
  mpu[3] = (uint32_t)&__stack_guard;                              /* 32-byte aligned */
  mpu[4] = (1u << 28) /* XN */ | (0u << 24) /* AP: no access */ | (4u << 1) /* 2^(4+1) = 32 B */ | 1u;
  mpu[1] = (1u << 2) /* PRIVDEFENA */ | 1u /* ENABLE */;
  __asm volatile("dsb\n\tisb" ::: "memory");
}

__attribute__((noreturn, used)) void ctml_reset(void) {
  const uint32_t* src = &__data_load;
  for (uint32_t* dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20; /* CPACR: CP10, CP11 full access */
  __asm volatile("dsb\n\tisb" ::: "memory");
#endif
  stack_guard();
  for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
  target_exit(main());
}

static void put_hex(uint32_t v) {
  target_puts("0x");
  for (int s = 28; s >= 0; s -= 4) target_putc("0123456789abcdef"[(v >> s) & 0xF]);
}

/* frame: the exception frame (r0-r3, r12, lr, pc, xpsr) or 0 if it was not on a valid stack. */
__attribute__((noreturn, used)) void ctml_fault_report(const uint32_t* frame, uint32_t ipsr) {
  static const char* const names[] = {"thread", "reset", "NMI", "HardFault", "MemManage", "BusFault",
                                      "UsageFault", "reserved", "reserved", "reserved", "reserved",
                                      "SVCall", "DebugMonitor", "reserved", "PendSV", "SysTick"};
  ipsr &= 0x1FF;
  target_puts("\nfault: ");
  if (ipsr < 16) {
    target_puts(names[ipsr]);
  } else {
    target_puts("IRQ");
    target_put_int((long)ipsr - 16);
  }
  if (frame) {
    target_puts(" pc=");
    put_hex(frame[6]);
  }
  target_puts(" cfsr=");
  put_hex(*(volatile uint32_t*)0xE000ED28u);
  target_puts(" hfsr=");
  put_hex(*(volatile uint32_t*)0xE000ED2Cu);
  target_putc('\n');
  target_exit(125);
}

/* The frame is on MSP or PSP (EXC_RETURN bit 2); it is trusted only if it lies inside the stack,
 * and otherwise SP is reset to __stack_top before reporting. */
__attribute__((naked, used)) void ctml_fault(void) {
  __asm volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "movw r2, #:lower16:__stack_bottom\n\t"
      "movt r2, #:upper16:__stack_bottom\n\t"
      "movw r3, #:lower16:__stack_top\n\t"
      "movt r3, #:upper16:__stack_top\n\t"
      "cmp r0, r2\n\t"
      "it lo\n\t"
      "movlo r0, #0\n\t"
      "subs r3, r3, #32\n\t"
      "cmp r0, r3\n\t"
      "it hi\n\t"
      "movhi r0, #0\n\t"
      "mrs r1, ipsr\n\t"
      "cbnz r0, 1f\n\t" /* a valid frame: keep SP (the report's frame goes below it) */
      "movw r2, #:lower16:__stack_top\n\t"
      "movt r2, #:upper16:__stack_top\n\t"
      "msr msp, r2\n"
      "1: b ctml_fault_report\n\t");
}

/* 16 system exceptions + 32 external interrupts (the MPS2 boards' CMSDK peripherals). */
__attribute__((section(".vectors"), used)) void* const ctml_vectors[48] = {
    &__stack_top, (void*)ctml_reset, [2 ... 47] = (void*)ctml_fault,
};
