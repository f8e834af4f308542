// The pair-HMM forward recurrence in float, the same operations in the same order as the CPU's
// scalar and lane kernels (src/backend/cpu/pair_hmm.rs, pair_hmm_lanes.rs), so that every
// likelihood is bit-identical: M and I of a cell from the previous row, D from the cell to its
// left, every product below 2^-125 flushed to zero by an explicit comparison (the results do not
// depend on the hardware's denormal mode), and the final sum over the last row's columns from
// left to right. The host turns the sum into log10 and recomputes in double when it is too small.
//
// Mapping: one thread per job; thread t of the launch takes job t. Jobs in one launch share the
// longest haplotype Hn of the launch; the host sorts jobs by read and haplotype length.
// Order of work: the read is cut into strips of ZK_STRIP rows; a strip is swept column by column
// with its rows' M, I and D in registers, so that memory holds only one row per job: the last row
// of the strip before (the boundary), read and rewritten once per column. Every cell's operations
// are those of the row-by-row recurrence; only the order in which cells are visited differs.
// Memory, all global: per read base, 8 floats precomputed on the host from the qualities (the
// transitions M->M, gap->M, M->I, I->I, M->D, D->D, and the emission of a match and a mismatch);
// the boundary row, 3 * (Hn + 1) floats per job, interleaved by job: element (a, c) of job t at
// (a * (Hn + 1) + c) * n + t, a = M, I, D.
// Reads: bases, params, haps, jobs. Writes: sums (one float per job, still scaled by 2^120).

#include "zenome_kernel.h"

struct ZkPairHmmJob {
    u32 read_off;
    u32 read_len;
    u32 hap_off;
    u32 hap_len;
    float d0;
    u32 pad;
};

#define ZK_FLUSH_BELOW 2.3509887016445750e-38f  // 2^-125

ZK_DEVICE float zk_times(float a, float b) {
    float x = a * b;
    return x < ZK_FLUSH_BELOW ? 0.0f : x;
}

#define ZK_STRIP 8

extern "C" __global__ void pair_hmm_forward(const u8* bases, const float* params, const u8* haps,
                                            const ZkPairHmmJob* jobs, u32 n, u32 Hn, float* rows,
                                            float* sums) {
    u32 t = ZK_JOB;
    if (t >= n) return;
    const ZkPairHmmJob job = jobs[t];
    u32 hn = job.hap_len;
    if (hn == 0 || job.read_len == 0) {
        sums[t] = 0.0f;
        return;
    }
    const u8* hap = haps + job.hap_off;
#define BND(a, c) rows[((u64)(a) * (Hn + 1) + (u64)(c)) * n + t]
    // The row before the read: M = I = 0, D = d0 in every column.
    for (u32 c = 0; c <= hn; c++) {
        BND(0, c) = 0.0f;
        BND(1, c) = 0.0f;
        BND(2, c) = job.d0;
    }
    float sum = 0.0f;
    for (u32 r0 = 0; r0 < job.read_len; r0 += ZK_STRIP) {
        u32 strip = job.read_len - r0 < ZK_STRIP ? job.read_len - r0 : ZK_STRIP;
        bool full = strip == ZK_STRIP;
        bool last_strip = r0 + strip == job.read_len;
        float mm[ZK_STRIP], gm[ZK_STRIP], mi[ZK_STRIP], ii[ZK_STRIP], md[ZK_STRIP],
            ddt[ZK_STRIP], hit[ZK_STRIP], miss[ZK_STRIP];
        // The haplotype bases that count as a match for each row: bit b for base b (0-3), bit 4
        // for any N; a row whose read base is N matches everything.
        u32 matches[ZK_STRIP];
        // Each row's M, I and D in the column before the current one (column 0: all zero).
        float pm[ZK_STRIP], pi[ZK_STRIP], pd[ZK_STRIP];
        ZK_UNROLL
        for (u32 k = 0; k < ZK_STRIP; k++) {
            u32 r = k < strip ? r0 + k : r0;
            const float* p = params + (u64)(job.read_off + r) * 8;
            mm[k] = p[0];
            gm[k] = p[1];
            mi[k] = p[2];
            ii[k] = p[3];
            md[k] = p[4];
            ddt[k] = p[5];
            hit[k] = p[6];
            miss[k] = p[7];
            u8 b = bases[job.read_off + r];
            matches[k] = b > 3 ? 31u : (1u << b) | 16u;
            pm[k] = 0.0f;
            pi[k] = 0.0f;
            pd[k] = 0.0f;
        }
        // The boundary row in the column before (its diagonal for the strip's first row); its
        // column 0 becomes the strip's last row's column 0: zero.
        float bm = BND(0, 0), bi = BND(1, 0), bd = BND(2, 0);
        BND(0, 0) = 0.0f;
        BND(1, 0) = 0.0f;
        BND(2, 0) = 0.0f;
        for (u32 c = 1; c <= hn; c++) {
            u8 h = hap[c - 1];
            u32 hbit = h > 3 ? 16u : 1u << h;
            float um = BND(0, c), ui = BND(1, c), ud = BND(2, c);
            // The row above, in the column before (diagonal) and in this column (up).
            float dm = bm, di = bi, dd = bd, upm = um, upi = ui;
            float lm = 0.0f, li = 0.0f, ld = 0.0f;
// One cell of row k: M from the diagonal, I from above, D from the left.
#define ZK_CELL(k)                                                                             \
    {                                                                                          \
        float prior = (matches[k] & hbit) != 0 ? hit[k] : miss[k];                            \
        float m = zk_times(prior, zk_times(dm, mm[k]) + zk_times(di, gm[k]) +                 \
                                      zk_times(dd, gm[k]));                                    \
        float i = zk_times(upm, mi[k]) + zk_times(upi, ii[k]);                                 \
        float d = zk_times(pm[k], md[k]) + zk_times(pd[k], ddt[k]);                            \
        dm = pm[k];                                                                            \
        di = pi[k];                                                                            \
        dd = pd[k];                                                                            \
        upm = m;                                                                               \
        upi = i;                                                                               \
        pm[k] = m;                                                                             \
        pi[k] = i;                                                                             \
        pd[k] = d;                                                                             \
        lm = m;                                                                                \
        li = i;                                                                                \
        ld = d;                                                                                \
    }
            // Full strips (all but perhaps the last) run without a test per row.
            if (full) {
                ZK_UNROLL
                for (u32 k = 0; k < ZK_STRIP; k++) ZK_CELL(k)
            } else {
                ZK_UNROLL
                for (u32 k = 0; k < ZK_STRIP; k++) {
                    if (k < strip) ZK_CELL(k)
                }
            }
#undef ZK_CELL
            bm = um;
            bi = ui;
            bd = ud;
            BND(0, c) = lm;
            BND(1, c) = li;
            BND(2, c) = ld;
            if (last_strip) sum = sum + lm + li;
        }
    }
#undef BND
    sums[t] = sum;
}
