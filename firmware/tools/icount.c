/*
 * QEMU TCG plugin: counts guest instructions exactly and prints the running
 * count each time the instruction at address `mark` executes.
 *
 *   gcc -shared -fPIC -O2 -o libicount.so icount.c
 *   qemu-system-arm ... -plugin ./libicount.so,mark=0x08000abc -d plugin
 *
 * Output (QEMU's log, stderr): one line `icount mark <n>` a marker hit, and
 * `icount total <n>` at exit. The difference between two marks is the
 * number of instructions executed in between (the marker's own few
 * instructions included).
 *
 * Debian's QEMU (7.2) is built with plugin support but ships neither plugins
 * nor the header, so the few API functions used are declared here, as in
 * qemu-plugin.h of plugin API version 1.
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

static uint64_t count; /* one vCPU: no atomics needed */
static uint64_t mark = UINT64_MAX;

static void on_mark(unsigned int vcpu, void *udata)
{
    char line[64];
    (void)vcpu;
    (void)udata;
    snprintf(line, sizeof line, "icount mark %" PRIu64 "\n", count);
    qemu_plugin_outs(line);
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
    char line[64];
    (void)id;
    (void)udata;
    snprintf(line, sizeof line, "icount total %" PRIu64 "\n", count);
    qemu_plugin_outs(line);
}

static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        /* Counted per instruction, so a block left early counts right. */
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
        if (qemu_plugin_insn_vaddr(insn) == mark) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
                                                               int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "mark=", 5) == 0) {
            /* Thumb symbols have bit 0 set; instructions sit at even addresses. */
            mark = strtoull(argv[i] + 5, NULL, 0) & ~(uint64_t)1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
    qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
    return 0;
}
