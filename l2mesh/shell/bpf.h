/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef L2SH_BPF_H
#define L2SH_BPF_H

/* Classic BPF for the ports' socket filters (ring.c, vport.c). */

#include <linux/filter.h>
#include <stdint.h>

#define LD_AD(what) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + (what)))
#define LDH(off) BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (off))
#define LDW(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define LDB(off) BPF_STMT(BPF_LD | BPF_B | BPF_ABS, (off))
#define AND(k) BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (k))
/* jump to instruction t when A == k, else to f (absolute indexes) */
#define JEQ(at, k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t) - (at) - 1, (f) - (at) - 1)
#define RET(k) BPF_STMT(BPF_RET | BPF_K, (k))
/* jump from instruction at to instruction to */
#define JA(at, to) BPF_JUMP(BPF_JMP | BPF_JA, (to) - (at) - 1, 0, 0)

#endif
