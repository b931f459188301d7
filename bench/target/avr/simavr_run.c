/* Runs an AVR firmware in simavr and reports what ctml's benchmarks need.
 *
 *   simavr_run [--mcu atmega328p] [--freq 16000000] [--timeout-cycles N] [--json out.json] fw.elf
 *
 * The firmware (bench/target/avr/target.c) writes output bytes to GPIOR0, which go to stdout;
 * 1 and 2 to GPIOR1 to open and close a measured region; its exit status to GPIOR2, then sleeps
 * with interrupts off. The cycle count of a region is exact (simavr counts cycles per
 * instruction); the first region is the firmware's empty calibration region, whose count (the
 * marker calls themselves) is subtracted from every other region, so an empty region reports 0.
 * The stack pointer is read after every instruction: stack_peak is RAMEND - lowest SP over the
 * run, region_stack_peak the most stack any region used below the SP its caller had.
 * Exit status: the firmware's; 124 time-out; 125 crash (or ending without an exit status);
 * 126 the ELF cannot be loaded. Diagnostics go to stderr.
 * --profile FILE writes, for the measured regions, the cycles spent at each program address
 * ("address cycles" lines, byte addresses), to find where inference spends its time. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>

#define GPIOR0_ADDR 0x3E
#define GPIOR1_ADDR 0x4A
#define GPIOR2_ADDR 0x4B
#define MAX_REGIONS 100000

typedef struct {
  uint64_t start;
  int open;
  int n;
  uint64_t cycles[MAX_REGIONS];
  int exited;
  int exit_code;
  uint16_t region_sp_ref;
  uint16_t region_sp_min;
  unsigned region_stack_peak;
} state_t;

static state_t st;
static uint64_t* profile;  /* cycles per word address inside regions, when --profile is given */

/* simavr's own messages go to stderr, and only warnings and errors. */
static void quiet_logger(avr_t* avr, const int level, const char* format, va_list ap) {
  (void)avr;
  if (level <= LOG_WARNING) vfprintf(stderr, format, ap);
}

static uint16_t sp_of(avr_t* avr) { return (uint16_t)(avr->data[0x5D] | (avr->data[0x5E] << 8)); }

static void on_output(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)avr, (void)addr, (void)param;
  fputc(v, stdout);
}

static void on_marker(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)addr, (void)param;
  if (v == 1) {
    st.start = avr->cycle;
    st.open = 1;
    /* SP inside target_begin is 2 (or 3 on >128 KB parts) below the caller's: use the caller's. */
    st.region_sp_ref = (uint16_t)(sp_of(avr) + (avr->address_size == 3 ? 3 : 2));
    st.region_sp_min = st.region_sp_ref;
  } else if (v == 2 && st.open) {
    st.open = 0;
    if (st.n < MAX_REGIONS) st.cycles[st.n++] = avr->cycle - st.start;
    unsigned used = (unsigned)(st.region_sp_ref - st.region_sp_min);
    if (st.n > 1 && used > st.region_stack_peak) st.region_stack_peak = used;
  }
}

static void on_exit_code(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)avr, (void)addr, (void)param;
  st.exited = 1;
  st.exit_code = v;
}

int main(int argc, char** argv) {
  const char* mcu = "atmega328p";
  unsigned long freq = 16000000;
  uint64_t timeout = 2000000000ull;
  const char* json = NULL;
  const char* profile_path = NULL;
  const char* elf = NULL;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--mcu") && i + 1 < argc) mcu = argv[++i];
    else if (!strcmp(argv[i], "--freq") && i + 1 < argc) freq = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--timeout-cycles") && i + 1 < argc) timeout = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
    else if (!strcmp(argv[i], "--profile") && i + 1 < argc) profile_path = argv[++i];
    else if (argv[i][0] == '-') { fprintf(stderr, "simavr_run: unknown option %s\n", argv[i]); return 126; }
    else elf = argv[i];
  }
  if (!elf) {
    fprintf(stderr, "usage: simavr_run [--mcu M] [--freq F] [--timeout-cycles N] [--json out.json] firmware.elf\n");
    return 126;
  }
  avr_global_logger_set(quiet_logger);
  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  if (elf_read_firmware(elf, &fw) != 0) {
    fprintf(stderr, "simavr_run: cannot read %s\n", elf);
    return 126;
  }
  avr_t* avr = avr_make_mcu_by_name(mcu);
  if (!avr) {
    fprintf(stderr, "simavr_run: unknown MCU %s\n", mcu);
    return 126;
  }
  avr_init(avr);
  avr->log = LOG_NONE;
  avr->frequency = (uint32_t)freq;
  avr_load_firmware(avr, &fw);
  avr_register_io_write(avr, GPIOR0_ADDR, on_output, NULL);
  avr_register_io_write(avr, GPIOR1_ADDR, on_marker, NULL);
  avr_register_io_write(avr, GPIOR2_ADDR, on_exit_code, NULL);

  uint16_t ramend = (uint16_t)avr->ramend;
  uint16_t sp_min = 0xFFFF;
  int state = cpu_Running;
  int rc;
  if (profile_path) profile = calloc(avr->flashend + 1, sizeof *profile);
  for (;;) {
    const avr_flashaddr_t pc = avr->pc;
    const uint64_t before = avr->cycle;
    state = avr_run(avr);
    if (profile && st.open && pc <= avr->flashend) profile[pc] += avr->cycle - before;
    uint16_t sp = sp_of(avr);
    if (sp < sp_min && sp != 0) sp_min = sp;
    if (st.open && sp < st.region_sp_min) st.region_sp_min = sp;
    if (state == cpu_Done || state == cpu_Crashed) break;
    if (avr->cycle > timeout) break;
  }
  fflush(stdout);
  if (state == cpu_Crashed) {
    fprintf(stderr, "simavr_run: the firmware crashed at cycle %llu (pc 0x%04x)\n", (unsigned long long)avr->cycle, avr->pc);
    rc = 125;
  } else if (state != cpu_Done) {
    fprintf(stderr, "simavr_run: time-out after %llu cycles\n", (unsigned long long)avr->cycle);
    rc = 124;
  } else if (!st.exited) {
    fprintf(stderr, "simavr_run: the firmware stopped without an exit status\n");
    rc = 125;
  } else {
    rc = st.exit_code;
  }
  if (json) {
    FILE* f = fopen(json, "w");
    if (!f) {
      fprintf(stderr, "simavr_run: cannot write %s\n", json);
      return 126;
    }
    uint64_t calib = st.n > 0 ? st.cycles[0] : 0;
    fprintf(f, "{\"exit_code\": %d, \"mcu\": \"%s\", \"frequency\": %lu, \"calibration_cycles\": %llu, \"cycles\": [",
            rc, mcu, freq, (unsigned long long)calib);
    for (int i = 1; i < st.n; ++i) fprintf(f, "%s%llu", i > 1 ? ", " : "", (unsigned long long)(st.cycles[i] - calib));
    fprintf(f, "], \"stack_peak\": %u, \"region_stack_peak\": %u, \"total_cycles\": %llu}\n",
            sp_min == 0xFFFF ? 0u : (unsigned)(ramend - sp_min), st.region_stack_peak, (unsigned long long)avr->cycle);
    fclose(f);
  }
  if (profile) {
    FILE* f = fopen(profile_path, "w");
    if (f) {
      for (uint32_t a = 0; a <= avr->flashend; ++a)
        if (profile[a]) fprintf(f, "%05x %llu\n", a, (unsigned long long)profile[a]);
      fclose(f);
    }
  }
  avr_terminate(avr);
  return rc;
}
