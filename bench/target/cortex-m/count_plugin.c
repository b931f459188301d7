/* A qemu TCG plugin that counts the instructions of each measured region, as qemu_run.py's trace
 * counter does but without logging every instruction (a trace runs ~0.5 M instructions/s; this
 * runs tens of millions), for networks of 10^7-10^8 instructions per inference.
 *
 * Same rule as qemu_run.py's RegionCounter: instructions inside [begin, begin_end) (target_begin)
 * arm the counter; counting starts at the next instruction; it stops at the entry of target_end,
 * less 1 for the branch into it. Instructions in the excluded ranges (stack painting, the region
 * open/close helpers) are not seen at all, as -dfilter hides them from the trace. A conditional
 * instruction whose condition fails is counted too (its callback runs before the condition test).
 *
 * Arguments: begin=0xA,begin_end=0xB,end=0xC,skipK=0xS-0xE (K = 0..7),out=PATH (one count per
 * line, flushed as each region closes), and optionally mark=0xM: each execution of the instruction at
 * M inside a region writes "m <count so far>" before the region's line (the per-layer profile: M is
 * ctml_layer_mark, called after each layer by a firmware built with CTML_LAYER_MARKS). Built by build_count_plugin.sh with the host compiler.
 *
 * The few declarations of qemu's plugin API (include/qemu/qemu-plugin.h, API version 1 in qemu 7.2)
 * are written out here: Debian ships the plugin-enabled binary but not the header. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

enum { PLAIN = 1, BEGIN = 2, END = 3, MARK = 4 };
enum { IDLE, IN_BEGIN, COUNTING };

static uint64_t begin_lo, begin_hi, end_entry, mark_entry;
static uint64_t skip_lo[8], skip_hi[8];
static int n_skip;
static FILE *out;
static int state = IDLE;
static uint64_t n;

static void on_insn(unsigned int vcpu, void *udata) {
  (void)vcpu;
  const uintptr_t kind = (uintptr_t)udata;
  if (kind == BEGIN) {
    state = IN_BEGIN;
    return;
  }
  if (state == IN_BEGIN) {
    state = COUNTING;
    n = 0;
  }
  if (state == COUNTING) {
    if (kind == END) {
      fprintf(out, "%llu\n", (unsigned long long)(n - 1));  /* the branch into target_end is not the region's */
      fflush(out);
      state = IDLE;
    } else {
      if (kind == MARK) fprintf(out, "m %llu\n", (unsigned long long)n);
      ++n;
    }
  }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  const size_t count = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < count; ++i) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    const uint64_t pc = qemu_plugin_insn_vaddr(insn);
    int skipped = 0;
    for (int k = 0; k < n_skip; ++k) skipped |= pc >= skip_lo[k] && pc < skip_hi[k];
    if (skipped) continue;
    const uintptr_t kind = (pc >= begin_lo && pc < begin_hi) ? BEGIN : (pc == end_entry ? END : (mark_entry && pc == mark_entry ? MARK : PLAIN));
    qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS, (void *)kind);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                                               char **argv) {
  (void)info;
  const char *path = NULL;
  for (int i = 0; i < argc; ++i) {
    const char *a = argv[i];
    if (!strncmp(a, "begin=", 6)) begin_lo = strtoull(a + 6, NULL, 0);
    else if (!strncmp(a, "begin_end=", 10)) begin_hi = strtoull(a + 10, NULL, 0);
    else if (!strncmp(a, "end=", 4)) end_entry = strtoull(a + 4, NULL, 0);
    else if (!strncmp(a, "out=", 4)) path = a + 4;
    else if (!strncmp(a, "mark=", 5)) mark_entry = strtoull(a + 5, NULL, 0);
    else if (!strncmp(a, "skip", 4) && strchr(a, '=') && n_skip < 8) {  /* skip0=0xS-0xE, skip1=... */
      char *dash;
      skip_lo[n_skip] = strtoull(strchr(a, '=') + 1, &dash, 0);
      skip_hi[n_skip++] = strtoull(dash + 1, NULL, 0);
    } else {
      qemu_plugin_outs("count_plugin: unknown argument\n");
      return -1;
    }
  }
  if (!path || !begin_hi || !end_entry || !(out = fopen(path, "w"))) {
    qemu_plugin_outs("count_plugin: needs begin=, begin_end=, end= and a writable out=\n");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  return 0;
}
