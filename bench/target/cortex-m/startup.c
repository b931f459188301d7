/* Start-up for qemu's Cortex-M boards (microbit, mps2-an385/an386/an500/an505, mps3-an547), with
 * the board's linker script (<board>.ld + sections.ld). One source for v6-M, v7-M and v8-M: the
 * assembly is Thumb-1 (valid on every core), and what differs is selected by the ACLE macros.
 *
 * Reset: copy .data from flash, zero .bss, give the FPU (and on the M55 the MVE unit, which shares
 * CP10/CP11) full access (CPACR) when compiled for one (__ARM_FP), arm the stack guard, run the
 * constructors (.preinit_array/.init_array, walked here because the firmware is linked with
 * -nostartfiles: no crti/crtn, so newlib's __libc_init_array would miss _init), then main; main's
 * return value becomes the exit status (target_exit).
 *
 * Faults: every fault and unexpected exception (a stack overflow too: see stack_guard) prints
 * "\nfault: <name> pc=0x... cfsr=0x... hfsr=0x...\n" (v6-M has no CFSR/HFSR: name and pc only)
 * and exits with status 125. */
#include <stdint.h>

#include "../target.h"

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
int main(void);

#if __ARM_ARCH_ISA_THUMB == 2
#define CTML_HAS_FAULT_STATUS 1 /* CFSR/HFSR: v7-M and v8-M mainline */
#else
#define CTML_HAS_FAULT_STATUS 0
#endif

/* The stack's guard (__stack_guard, __stack_guard_size bytes below __stack_bottom).
 * v8-M mainline (M33, M55): MSPLIM = __stack_bottom, so a push below it is a UsageFault (STKOF),
 * escalated to HardFault.
 * v7-M (M3, M4, M7): the MPS2 boards read as zero and ignore writes below 0x20000000 (a "reserved"
 * region), so a stack running off __stack_bottom would not fault. The MPU (PMSAv7) makes the 32
 * bytes of __stack_guard inaccessible: an overflow is a MemManage fault, escalated to HardFault
 * (MemManage is not enabled), whose own stacking ignores the MPU (HFNMIENA is 0) and so still
 * works. Everything else keeps the default memory map (PRIVDEFENA).
 * v6-M (M0, microbit): no MPU and no guard (size 0): the stack starts at the RAM's base, and qemu's
 * nRF51 faults on any access below it. */
static void stack_guard(void) {
#if __ARM_ARCH >= 8 && __ARM_ARCH_ISA_THUMB == 2
  extern uint32_t __stack_bottom;
  __asm volatile("msr msplim, %0\n\tisb" : : "r"(&__stack_bottom) : "memory");
#elif __ARM_ARCH == 7
  extern uint32_t __stack_guard;
  volatile uint32_t* const mpu = (volatile uint32_t*)0xE000ED90u; /* TYPE, CTRL, RNR, RBAR, RASR */
  if (((mpu[0] >> 8) & 0xFF) == 0) return;                        /* no MPU regions */
  mpu[2] = 0;                                                     /* region 0 */
  mpu[3] = (uint32_t)&__stack_guard;                              /* 32-byte aligned */
  mpu[4] = (1u << 28) /* XN */ | (0u << 24) /* AP: no access */ | (4u << 1) /* 2^(4+1) = 32 B */ | 1u;
  mpu[1] = (1u << 2) /* PRIVDEFENA */ | 1u /* ENABLE */;
  __asm volatile("dsb\n\tisb" ::: "memory");
#endif
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
__attribute__((noreturn, used, section(".text.ctml_fault"))) void ctml_fault_report(const uint32_t* frame, uint32_t ipsr) {
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
#if CTML_HAS_FAULT_STATUS
  target_puts(" cfsr=");
  put_hex(*(volatile uint32_t*)0xE000ED28u);
  target_puts(" hfsr=");
  put_hex(*(volatile uint32_t*)0xE000ED2Cu);
#endif
  target_putc('\n');
  target_exit(125);
}

/* The frame is on MSP or PSP (EXC_RETURN bit 2); it is trusted only if it lies inside the stack,
 * and otherwise SP is reset to __stack_top before reporting. Thumb-1 only (v6-M has no IT, MOVW),
 * in the same section as ctml_fault_report so the short branch reaches it. */
__attribute__((naked, used, section(".text.ctml_fault"))) void ctml_fault(void) {
  __asm volatile(
#if __ARM_ARCH >= 8 && __ARM_ARCH_ISA_THUMB == 2
      "movs r0, #0\n\t" /* no stack limit in the report (a push below it would lock the core up) */
      "msr msplim, r0\n\t"
#endif
      "movs r0, #4\n\t"
      "mov r1, lr\n\t"
      "tst r0, r1\n\t"
      "bne 1f\n\t"
      "mrs r0, msp\n\t"
      "b 2f\n"
      "1: mrs r0, psp\n"
      "2: ldr r2, =__stack_bottom\n\t"
      "cmp r0, r2\n\t"
      "bhs 3f\n\t"
      "movs r0, #0\n"
      "3: ldr r3, =__stack_top\n\t"
      "subs r3, #32\n\t"
      "cmp r0, r3\n\t"
      "bls 4f\n\t"
      "movs r0, #0\n"
      "4: mrs r1, ipsr\n\t"
      "cmp r0, #0\n\t"
      "bne 5f\n\t" /* a valid frame: keep SP (the report's frame goes below it) */
      "ldr r2, =__stack_top\n\t"
      "msr msp, r2\n"
      "5: b ctml_fault_report\n\t"
      ".ltorg\n\t");
}

/* 16 system exceptions + 32 external interrupts (the boards' peripherals). */
__attribute__((section(".vectors"), used)) void* const ctml_vectors[48] = {
    &__stack_top, (void*)ctml_reset, [2 ... 47] = (void*)ctml_fault,
};
