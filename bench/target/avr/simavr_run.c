/* Runs an AVR firmware in simavr and reports what ctml's benchmarks need.
 *
 *   simavr_run [--mcu atmega328p] [--freq 16000000] [--timeout-cycles N] [--json out.json]
 *              [--profile prof.txt] firmware.elf
 *
 * The firmware's side is bench/target/avr/target.c:
 *   GPIOR0 (data 0x3E)  each byte written goes to stdout, verbatim;
 *   GPIOR1 (data 0x4A)  1 = target_begin, 2 = target_end (a measured region);
 *   GPIOR2 (data 0x4B)  the exit status; the firmware then sleeps with interrupts off, which
 *                       simavr reports as cpu_Done.
 *
 * Cycles. simavr is run one instruction per avr_run() call and counts exact AVR cycles. A region
 * is counted from the end of target_begin's `ret` to the start of the instruction that enters
 * target_end (its `call`/`rcall`): the markers' own cost is left out by construction, so an empty
 * `target_begin(); target_end();` reports 0. The cost left out is `out` + `ret` in target_begin
 * and `call` + `ldi` in target_end: 10 cycles on a 2-byte-PC part such as the ATmega328P (as
 * measured; "marker_overhead_cycles" in the JSON), 12 on parts with a 3-byte PC. This relies on
 * target_end being `ldi r24, 2; out GPIOR1, r24; ret` (naked assembly in target.c) and
 * target_begin ending with `out GPIOR1, r24; ret`.
 *
 * Stack. SP is read after every instruction. stack_peak = RAMEND - the lowest SP of the whole
 * run (SP points at the next free byte, so that is the number of bytes pushed; target.c's
 * painting gives the same figure). For a region, the reference is the caller's SP (SP inside
 * target_begin plus the return address) and region_stack[i] = reference - lowest SP inside
 * region i, leaving out the return address pushed by the call into target_end;
 * region_stack_peak is their maximum and region_sp_low_peak = RAMEND - the lowest SP inside any
 * region (absolute depth, including the caller's frames).
 *
 * Exit status: the firmware's; 124 time-out (default 500 000 000 cycles); 125 crash (simavr
 * cpu_Crashed, the PC leaving the flash, an invalid opcode, or the core stopping without having
 * written an exit status); 126 the ELF or MCU cannot be loaded, or bad usage.
 * stdout carries only the firmware's output; diagnostics go to stderr.
 *
 * --json FILE writes {"exit_code", "mcu", "frequency", "cycles": [...], "region_stack": [...],
 *   "stack_peak", "region_stack_peak", "region_sp_low_peak", "marker_overhead_cycles",
 *   "total_cycles"} (written on every outcome; cycles of a region still open are not listed).
 * --profile FILE writes, for the measured regions, the cycles spent at each program address
 *   ("address cycles" lines, byte addresses in hex as avr-objdump shows them), to find where inference spends its time. */
#define _GNU_SOURCE /* strcasestr */
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
#define SPL_ADDR 0x5D
#define SPH_ADDR 0x5E
#define MAX_REGIONS 100000
#define HIST 4 /* instruction history kept for the region bounds (power of two) */

typedef struct {
  /* instruction stepping */
  uint64_t step;              /* index of the instruction being executed */
  uint64_t start_cycle[HIST]; /* avr->cycle before step i, at [i % HIST] */
  uint16_t sp_after[HIST];    /* SP after step i, at [i % HIST] */
  /* regions */
  int open;                 /* a region is open */
  uint64_t begin_step;      /* the step that wrote 1 (target_begin's `out`) */
  int started;              /* target_begin's `ret` has run: start_cycle is valid */
  uint64_t region_start;    /* cycle after target_begin's `ret` */
  uint64_t raw_start;       /* cycle before the `out` of 1 */
  uint16_t sp_ref;          /* the caller's SP */
  uint16_t sp_min;          /* lowest SP seen inside the region */
  int n;
  uint64_t cycles[MAX_REGIONS];
  uint16_t stack[MAX_REGIONS];
  long long overhead;       /* raw marker-to-marker cycles minus the region's cycles (-1 unknown) */
  int overhead_varies;
  unsigned region_stack_peak;
  uint16_t region_sp_low;   /* lowest SP inside any region */
  /* exit */
  int exited;
  int exit_code;
  int invalid_opcode;
} state_t;

static state_t st;
static uint64_t* profile; /* cycles per byte address inside regions, when --profile is given */

/* The I/O address an `out A, Rr` instruction (1011 1AAr rrrr AAAA) writes, or -1. */
enum { SPL_IO = 0x3d, SPH_IO = 0x3e };
static int out_io_address(uint16_t op) {
  return (op & 0xF800) == 0xB800 ? (int)(((op >> 5) & 0x30) | (op & 0x0F)) : -1;
}

static uint16_t sp_of(avr_t* avr) { return (uint16_t)(avr->data[SPL_ADDR] | (avr->data[SPH_ADDR] << 8)); }

/* simavr's own messages go to stderr; an invalid opcode is also remembered as a crash. */
static void logger(avr_t* avr, const int level, const char* format, va_list ap) {
  (void)avr;
  if (level > LOG_WARNING) return;
  char msg[512];
  vsnprintf(msg, sizeof msg, format, ap);
  if (strcasestr(msg, "invalid opcode")) st.invalid_opcode = 1; /* "CORE: *** 0ff8: Invalid Opcode ..." */
  /* Without simavr's terminal colours (ESC [ ... m). */
  char* w = msg;
  for (const char* r = msg; *r; ++r) {
    if (*r == '\033' && r[1] == '[') {
      r += 2;
      while (*r && *r != 'm') ++r;
      if (!*r) break;
      continue;
    }
    *w++ = *r;
  }
  *w = 0;
  fprintf(stderr, "simavr: %s", msg);
}

static void on_output(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)avr, (void)addr, (void)param;
  fputc(v, stdout);
}

static void on_marker(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)addr, (void)param;
  if (v == 1) {
    if (st.open) fprintf(stderr, "simavr_run: target_begin inside a region (regions do not nest); restarting it\n");
    st.open = 1;
    st.started = 0;
    st.begin_step = st.step;
    st.raw_start = avr->cycle;
    /* Inside target_begin SP is below the caller's by the return address (2 or 3 bytes). */
    st.sp_ref = (uint16_t)(sp_of(avr) + (avr->address_size == 3 ? 3 : 2));
    st.sp_min = st.sp_ref;
  } else if (v == 2) {
    if (!st.open || !st.started || st.step < st.begin_step + 4) {
      fprintf(stderr, "simavr_run: target_end without target_begin; ignored\n");
      st.open = 0;
      return;
    }
    st.open = 0;
    /* This is target_end's `out`; before it ran `ldi` (step - 1) and the call (step - 2). */
    const uint64_t end = st.start_cycle[(st.step - 2) % HIST];
    const uint64_t cycles = end - st.region_start;
    const long long overhead = (long long)((avr->cycle - st.raw_start) - cycles);
    if (st.overhead < 0) st.overhead = overhead;
    else if (overhead != st.overhead && !st.overhead_varies) {
      st.overhead_varies = 1;
      fprintf(stderr, "simavr_run: marker overhead varies (%lld, then %lld cycles)\n", st.overhead, overhead);
    }
    const unsigned used = (unsigned)(st.sp_ref - st.sp_min);
    if (st.n < MAX_REGIONS) {
      st.cycles[st.n] = cycles;
      st.stack[st.n] = (uint16_t)used;
      ++st.n;
    } else if (st.n == MAX_REGIONS) {
      fprintf(stderr, "simavr_run: more than %d regions; only the first are listed\n", MAX_REGIONS);
      ++st.n;
    }
    if (used > st.region_stack_peak) st.region_stack_peak = used;
    if (st.sp_min < st.region_sp_low) st.region_sp_low = st.sp_min;
  }
}

static void on_exit_code(avr_t* avr, avr_io_addr_t addr, uint8_t v, void* param) {
  (void)avr, (void)addr, (void)param;
  st.exited = 1;
  st.exit_code = v;
}

static int usage(void) {
  fprintf(stderr, "usage: simavr_run [--mcu atmega328p] [--freq 16000000] [--timeout-cycles N] "
                  "[--json out.json] [--profile prof.txt] firmware.elf\n");
  return 126;
}

int main(int argc, char** argv) {
  const char* mcu = "atmega328p";
  unsigned long freq = 16000000;
  uint64_t timeout = 500000000ull;
  const char* json = NULL;
  const char* profile_path = NULL;
  const char* elf = NULL;
  for (int i = 1; i < argc; ++i) {
    const int has_arg = i + 1 < argc;
    if (!strcmp(argv[i], "--mcu") && has_arg) mcu = argv[++i];
    else if (!strcmp(argv[i], "--freq") && has_arg) freq = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--timeout-cycles") && has_arg) timeout = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--json") && has_arg) json = argv[++i];
    else if (!strcmp(argv[i], "--profile") && has_arg) profile_path = argv[++i];
    else if (argv[i][0] == '-') {
      fprintf(stderr, "simavr_run: unknown option or missing value: %s\n", argv[i]);
      return usage();
    } else if (elf) return usage();
    else elf = argv[i];
  }
  if (!elf) return usage();

  avr_global_logger_set(logger);
  elf_firmware_t fw;
  memset(&fw, 0, sizeof fw);
  if (elf_read_firmware(elf, &fw) != 0 || fw.flashsize == 0) {
    fprintf(stderr, "simavr_run: cannot load %s\n", elf);
    return 126;
  }
  avr_t* avr = avr_make_mcu_by_name(mcu);
  if (!avr) {
    fprintf(stderr, "simavr_run: unknown MCU %s\n", mcu);
    return 126;
  }
  if (avr_init(avr) != 0) {
    fprintf(stderr, "simavr_run: cannot initialise %s\n", mcu);
    return 126;
  }
  /* Errors only (an invalid opcode is one); simavr's chatter is off. */
  avr->log = LOG_ERROR;
  avr->frequency = (uint32_t)freq;
  avr_load_firmware(avr, &fw);
  avr->log = LOG_ERROR;
  if (fw.flashsize > avr->flashend + 1u) {
    fprintf(stderr, "simavr_run: %s (%u bytes) does not fit %s's flash\n", elf, fw.flashsize, mcu);
    return 126;
  }
  avr_register_io_write(avr, GPIOR0_ADDR, on_output, NULL);
  avr_register_io_write(avr, GPIOR1_ADDR, on_marker, NULL);
  avr_register_io_write(avr, GPIOR2_ADDR, on_exit_code, NULL);
  st.overhead = -1;
  st.region_sp_low = 0xFFFF;

  const uint16_t ramend = avr->ramend;
  uint16_t sp_min = 0xFFFF;
  int state = cpu_Running;
  int pc_out_of_flash = 0;
  if (profile_path) profile = calloc(avr->flashend + 1, sizeof *profile);
  int sp_half_written = 0;  /* SPH written, SPL not yet: SP is in transit (see sp_transit) */
  for (;; ++st.step) {
    const avr_flashaddr_t pc = avr->pc; /* byte address */
    const uint64_t before = avr->cycle;
    st.start_cycle[st.step % HIST] = before;
    const int io = pc + 1 <= avr->flashend ? out_io_address(avr->flash[pc] | (avr->flash[pc + 1] << 8)) : -1;
    state = avr_run(avr);
    if (io == SPH_IO) sp_half_written = 1;
    else if (io == SPL_IO) sp_half_written = 0;
    /* While a frame is set up or torn down (`out SPH; out SREG; out SPL`, interrupts off) SP
     * holds the new high byte and the old low byte for two instructions; nothing is pushed
     * then, so that value is not stack use (it can be 255 bytes below the real SP). The last
     * consistent SP stands for it. */
    const uint16_t sp = sp_half_written ? st.sp_after[(st.step + HIST - 1) % HIST] : sp_of(avr);
    st.sp_after[st.step % HIST] = sp;
    if (sp < sp_min && sp != 0) sp_min = sp;
    if (st.open) {
      if (profile && pc <= avr->flashend) profile[pc] += avr->cycle - before;
      if (!st.started) {
        if (st.step == st.begin_step + 1) { /* target_begin's `ret` */
          st.started = 1;
          st.region_start = avr->cycle;
        }
      } else if (st.step >= st.begin_step + 3) {
        /* SP after step - 2 is inside the region; the latest two may be the call into
         * target_end and its `ldi`, which on_marker leaves out. */
        const uint16_t s = st.sp_after[(st.step - 2) % HIST];
        if (s < st.sp_min) st.sp_min = s;
      }
    }
    if (state == cpu_Done || state == cpu_Crashed) break;
    if (st.invalid_opcode) break;
    if (avr->pc > avr->flashend) {
      pc_out_of_flash = 1;
      break;
    }
    if (avr->cycle > timeout) break;
  }
  fflush(stdout);

  int rc;
  if (state == cpu_Crashed || st.invalid_opcode || pc_out_of_flash) {
    fprintf(stderr, "simavr_run: the firmware crashed at cycle %llu (%s, pc 0x%04x)\n",
            (unsigned long long)avr->cycle,
            st.invalid_opcode ? "invalid opcode" : pc_out_of_flash ? "pc past the flash" : "simavr crash state",
            (unsigned)avr->pc);
    rc = 125;
  } else if (state != cpu_Done) {
    fprintf(stderr, "simavr_run: time-out after %llu cycles\n", (unsigned long long)avr->cycle);
    rc = 124;
  } else if (!st.exited) {
    fprintf(stderr, "simavr_run: the firmware stopped (sleep with interrupts off) without an exit status\n");
    rc = 125;
  } else {
    rc = st.exit_code;
  }
  if (st.open) fprintf(stderr, "simavr_run: a region was still open at the end\n");

  if (json) {
    FILE* f = fopen(json, "w");
    if (!f) {
      fprintf(stderr, "simavr_run: cannot write %s\n", json);
      return 126;
    }
    const int n = st.n < MAX_REGIONS ? st.n : MAX_REGIONS;
    fprintf(f, "{\"exit_code\": %d, \"mcu\": \"%s\", \"frequency\": %lu, \"cycles\": [", rc, mcu, freq);
    for (int i = 0; i < n; ++i) fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)st.cycles[i]);
    fprintf(f, "], \"region_stack\": [");
    for (int i = 0; i < n; ++i) fprintf(f, "%s%u", i ? ", " : "", (unsigned)st.stack[i]);
    fprintf(f, "], \"stack_peak\": %u, \"region_stack_peak\": %u, \"region_sp_low_peak\": %u, ",
            sp_min == 0xFFFF ? 0u : (unsigned)(ramend - sp_min), st.region_stack_peak,
            st.region_sp_low == 0xFFFF ? 0u : (unsigned)(ramend - st.region_sp_low));
    if (st.overhead >= 0) fprintf(f, "\"marker_overhead_cycles\": %lld, ", st.overhead);
    else fprintf(f, "\"marker_overhead_cycles\": null, ");
    fprintf(f, "\"total_cycles\": %llu}\n", (unsigned long long)avr->cycle);
    fclose(f);
  }
  if (profile) {
    FILE* f = fopen(profile_path, "w");
    if (f) {
      for (uint32_t a = 0; a <= avr->flashend; ++a)
        if (profile[a]) fprintf(f, "%05x %llu\n", a, (unsigned long long)profile[a]);
      fclose(f);
    } else {
      fprintf(stderr, "simavr_run: cannot write %s\n", profile_path);
    }
    free(profile);
  }
  avr_terminate(avr);
  return rc;
}
