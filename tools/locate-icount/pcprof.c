/*
 * QEMU TCG plugin: counts how many times each instruction address of the
 * flash (0x08000000, 1 MiB) executes and writes `address count` lines for
 * the executed ones at exit (to $PCPROF_OUT, default pcprof.txt), then
 * `other N` for instructions outside the flash. `where.py` adds them up
 * per function and per part of the locator.
 *
 *   gcc -shared -fPIC -O2 -o /tmp/pcprof.so tools/locate-icount/pcprof.c
 *   PCPROF_OUT=/tmp/pcprof.txt qemu-system-arm ... -plugin /tmp/pcprof.so -d plugin -kernel ELF
 *
 * The few plugin API declarations are written out as in
 * firmware/tools/icount.c (Debian's QEMU 7.2 ships no header).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QEMU_PLUGIN_API_VERSION
#define QEMU_PLUGIN_API_VERSION 1
#endif

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = QEMU_PLUGIN_API_VERSION;

#define BASE 0x08000000ull
#define SPAN (1u << 20)

static uint64_t counts[SPAN / 2]; /* Thumb instructions sit at even addresses */
static uint64_t other;            /* one vCPU: no atomics needed */

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
    const char *path = getenv("PCPROF_OUT");
    FILE *f = fopen(path ? path : "pcprof.txt", "w");
    (void)id;
    (void)udata;
    if (!f) {
        qemu_plugin_outs("pcprof: cannot open the output file\n");
        return;
    }
    for (size_t i = 0; i < SPAN / 2; i++) {
        if (counts[i]) {
            fprintf(f, "%llx %llu\n", (unsigned long long)(BASE + 2 * i), (unsigned long long)counts[i]);
        }
    }
    fprintf(f, "other %llu\n", (unsigned long long)other);
    fclose(f);
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint64_t pc = qemu_plugin_insn_vaddr(insn);
        uint64_t *c = (pc >= BASE && pc < BASE + SPAN) ? &counts[(pc - BASE) / 2] : &other;
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, c, 1);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
                                                               int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}
