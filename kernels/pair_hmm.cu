// The pair-HMM forward recurrence in float, the same operations in the same order as the CPU's
// scalar and lane kernels (src/backend/cpu/pair_hmm.rs, pair_hmm_lanes.rs), so that every
// likelihood is bit-identical: M and I of a cell from the previous row, D from the cell to its
// left, every product below 2^-125 flushed to zero by an explicit comparison (the results do not
// depend on the hardware's denormal mode), and the final sum over the last row's columns from
// left to right. The host turns the sum into log10 and recomputes in double when it is too small.
//
// Mapping: one thread per job; thread t of the launch takes job t. Jobs in one launch share the
// longest haplotype Hn of the launch; the host sorts jobs by read and haplotype length.
// Memory, all global: per read base, 8 floats precomputed on the host from the qualities (the
// transitions M->M, gap->M, M->I, I->I, M->D, D->D, and the emission of a match and a mismatch);
// rolling rows, 6 * (Hn + 1) floats per job, interleaved by job: element (a, c) of job t at
// (a * (Hn + 1) + c) * n + t, a = M even, M odd, I even, I odd, D even, D odd.
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
#define ROW(a, c) rows[((u64)(a) * (Hn + 1) + (u64)(c)) * n + t]
    for (u32 c = 0; c <= hn; c++) {
        ROW(0, c) = 0.0f;     // M of row 0
        ROW(2, c) = 0.0f;     // I of row 0
        ROW(4, c) = job.d0;   // D of row 0
        ROW(1, c) = 0.0f;
        ROW(3, c) = 0.0f;
        ROW(5, c) = 0.0f;
    }
    for (u32 r = 0; r < job.read_len; r++) {
        u32 prev = r & 1, cur = 1 - prev;
        const float* p = params + (u64)(job.read_off + r) * 8;
        float mm = p[0], gm = p[1], mi = p[2], ii = p[3], md = p[4], dd = p[5];
        float hit = p[6], miss = p[7];
        u8 base = bases[job.read_off + r];
        float left = 0.0f;
        ROW(4 + cur, 0) = 0.0f;
        for (u32 c = 1; c <= hn; c++) {
            u8 h = hap[c - 1];
            float prior = ((base == h) | (base > 3) | (h > 3)) ? hit : miss;
            float m = zk_times(prior, zk_times(ROW(prev, c - 1), mm) +
                                          zk_times(ROW(2 + prev, c - 1), gm) +
                                          zk_times(ROW(4 + prev, c - 1), gm));
            float i = zk_times(ROW(prev, c), mi) + zk_times(ROW(2 + prev, c), ii);
            left = zk_times(ROW(cur, c - 1), md) + zk_times(left, dd);
            ROW(cur, c) = m;
            ROW(2 + cur, c) = i;
            ROW(4 + cur, c) = left;
        }
    }
    u32 last = job.read_len & 1;
    float sum = 0.0f;
    for (u32 c = 1; c <= hn; c++) {
        sum = sum + ROW(last, c) + ROW(2 + last, c);
    }
#undef ROW
    sums[t] = sum;
}
