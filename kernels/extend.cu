// Banded affine-gap extension with traceback: the same recurrences, tie-breaking, best-cell
// choice and traceback as the CPU kernels (src/backend/cpu/cell.rs and banded.rs), so that every
// score, end and CIGAR is identical.
//
// Mapping: one thread per job; thread t of the launch takes job t (blocks of blockDim.x jobs).
// Jobs in one launch share a band width W (the widest band in it) and a row count M (the longest
// query); the host sorts jobs so that a launch holds jobs of similar size.
// Memory, all global, interleaved by job so that a warp's accesses are contiguous:
//   rows:  5 * W ints per job, element (a, k) of job t at (a * W + k) * n + t, a = H of the even
//          row, H of the odd row, F of the even row, F of the odd row, E of the current row;
//   tb:    M * W traceback bytes per job, cell (i, k) at (i * W + k) * n + t.
// Reads: queries, targets (base codes 0-4), jobs. Writes: outs (one record per job) and the
// job's CIGAR (BAM encoding, M=0 I=1 D=2) at cigars[job.cigar_off], in traceback order (the host
// reverses it), at most query_len + target_len operations.

#include "zenome_kernel.h"

struct ZkExtendJob {
    u32 query_off;
    u32 query_len;
    u32 target_off;
    u32 target_len;
    i32 band_lo;
    i32 band_hi;
    u32 cigar_off;
    u32 pad;
};

struct ZkExtendOut {
    i32 score;
    u32 query_start;
    u32 query_end;
    u32 target_start;
    u32 target_end;
    u32 cigar_len;
};

struct ZkScoring {
    i32 match;
    i32 mismatch;
    i32 gap_open;
    i32 gap_extend;
    i32 clip;
    i32 n_penalty;
};

#define ZK_NEG (-536870912)  // i32::MIN / 4
#define ZK_I32_MIN (-2147483647 - 1)
#define ZK_FROM_DIAG 0
#define ZK_FROM_START 1
#define ZK_FROM_E 2
#define ZK_FROM_F 3
#define ZK_E_EXTENDED 4
#define ZK_F_EXTENDED 8

ZK_DEVICE i32 zk_max(i32 a, i32 b) { return a > b ? a : b; }

ZK_DEVICE i32 zk_substitution(const ZkScoring* s, u8 q, u8 t) {
    if (q > 3 || t > 3) return -s->n_penalty;
    return q == t ? s->match : -s->mismatch;
}

// One cell: H, E, F and the traceback byte, as cell.rs `update`.
ZK_DEVICE void zk_update(const ZkScoring* s, i32 diag_h, i32 up_h, i32 up_f, i32 left_h, i32 left_e,
                         i32 sub, i32 fresh, i32* h_out, i32* e_out, i32* f_out, u8* tb_out) {
    i32 open = s->gap_open + s->gap_extend;
    i32 e_ext = left_e - s->gap_extend;
    i32 e_open = left_h - open;
    i32 e;
    u8 tb;
    if (e_ext > e_open) {
        e = e_ext;
        tb = ZK_E_EXTENDED;
    } else {
        e = e_open;
        tb = 0;
    }
    i32 f_ext = up_f - s->gap_extend;
    i32 f_open = up_h - open;
    i32 f;
    if (f_ext > f_open) {
        tb |= ZK_F_EXTENDED;
        f = f_ext;
    } else {
        f = f_open;
    }
    i32 h;
    u8 from;
    if (fresh > diag_h) {
        h = fresh + sub;
        from = ZK_FROM_START;
    } else {
        h = diag_h + sub;
        from = ZK_FROM_DIAG;
    }
    if (e > h) {
        h = e;
        from = ZK_FROM_E;
    }
    if (f > h) {
        h = f;
        from = ZK_FROM_F;
    }
    *h_out = h;
    *e_out = zk_max(e, ZK_NEG);
    *f_out = zk_max(f, ZK_NEG);
    *tb_out = (u8)(tb | from);
}

// Appends an operation in traceback order, merging it into the last one of the same kind.
ZK_DEVICE void zk_push(u32* cigar, u32* len, u32 op) {
    if (*len > 0 && (cigar[*len - 1] & 0xf) == op) {
        cigar[*len - 1] += 16;
    } else {
        cigar[*len] = 16 | op;
        *len += 1;
    }
}

extern "C" __global__ void extend_banded(const u8* queries, const u8* targets,
                                         const ZkExtendJob* jobs, u32 n, ZkScoring s, u32 W,
                                         i32* rows, u8* tb, u32* cigars, ZkExtendOut* outs) {
    u32 t = ZK_JOB;
    if (t >= n) return;
    const ZkExtendJob job = jobs[t];
    const u8* q = queries + job.query_off;
    const u8* tg = targets + job.target_off;
    long long m = job.query_len, nt = job.target_len;
    long long lo = job.band_lo, hi = job.band_hi;
    long long width = hi - lo + 1;
    if (width < 0) width = 0;
    ZkExtendOut out;
    out.score = ZK_I32_MIN;
    out.query_start = 0;
    out.query_end = 0;
    out.target_start = 0;
    out.target_end = 0;
    out.cigar_len = 0;
    if (width == 0 || m == 0 || nt == 0) {
        outs[t] = out;
        return;
    }
#define ROW(a, k) rows[((u64)(a) * W + (u64)(k)) * n + t]
#define TB(i, k) tb[((u64)(i) * W + (u64)(k)) * n + t]
    for (long long k = 0; k < width; k++) {
        ROW(0, k) = ZK_NEG;  // H of row 0 (even): the previous row of row 1
        ROW(2, k) = ZK_NEG;  // F of row 0
    }
    i32 best_score = ZK_I32_MIN;
    long long best_i = 0, best_j = 0;
    for (long long i = 1; i <= m; i++) {
        u32 cur = (u32)(i & 1), prev = 1 - cur;
        long long k_first = 1 - i - lo;
        k_first = k_first < 0 ? 0 : (k_first > width ? width : k_first);
        long long k_end = nt - i - lo + 1;
        k_end = k_end < 0 ? 0 : (k_end > width ? width : k_end);
        for (long long k = 0; k < k_first; k++) {
            ROW(cur, k) = ZK_NEG;
            ROW(4, k) = ZK_NEG;
            ROW(2 + cur, k) = ZK_NEG;
        }
        u8 qi = q[i - 1];
        i32 fresh = i == 1 ? 0 : -s.clip;
        for (long long k = k_first; k < k_end; k++) {
            long long j = i + lo + k;
            i32 up_h = ZK_NEG, up_f = ZK_NEG;
            if (!(i == 1 || k + 1 >= width)) {
                up_h = ROW(prev, k + 1);
                up_f = ROW(2 + prev, k + 1);
            }
            i32 left_h = ZK_NEG, left_e = ZK_NEG;
            if (k != 0) {
                left_h = ROW(cur, k - 1);
                left_e = ROW(4, k - 1);
            }
            i32 diag_h = i == 1 ? 0 : ROW(prev, k);
            i32 hh, ee, ff;
            u8 b;
            zk_update(&s, diag_h, up_h, up_f, left_h, left_e, zk_substitution(&s, qi, tg[j - 1]),
                      fresh, &hh, &ee, &ff, &b);
            ROW(cur, k) = hh;
            ROW(4, k) = ee;
            ROW(2 + cur, k) = ff;
            TB(i - 1, k) = b;
            // Best::offer: net of the end clip, end-to-end preferred on ties.
            i32 score = i == m ? hh : hh - s.clip;
            if (score > best_score || (score == best_score && i == m && best_i != m)) {
                best_score = score;
                best_i = i;
                best_j = j;
            }
        }
        long long from = k_end > k_first ? k_end : k_first;
        for (long long k = from; k < width; k++) {
            ROW(cur, k) = ZK_NEG;
            ROW(4, k) = ZK_NEG;
            ROW(2 + cur, k) = ZK_NEG;
        }
    }
    if (best_score == ZK_I32_MIN) {
        outs[t] = out;
        return;
    }
    // Traceback from the best cell (cell.rs `traceback`).
    u32* cigar = cigars + job.cigar_off;
    u32 len = 0;
    long long i = best_i, j = best_j;
    int state = 0;  // 0: H, 1: E, 2: F
    while (i > 0 && j > 0) {
        u8 b = TB(i - 1, j - i - lo);
        if (state == 0) {
            u8 from = b & 3;
            if (from == ZK_FROM_DIAG) {
                zk_push(cigar, &len, 0);
                i--;
                j--;
            } else if (from == ZK_FROM_START) {
                zk_push(cigar, &len, 0);
                i--;
                j--;
                break;
            } else if (from == ZK_FROM_E) {
                state = 1;
            } else {
                state = 2;
            }
        } else if (state == 1) {
            zk_push(cigar, &len, 2);
            state = (b & ZK_E_EXTENDED) ? 1 : 0;
            j--;
        } else {
            zk_push(cigar, &len, 1);
            state = (b & ZK_F_EXTENDED) ? 2 : 0;
            i--;
        }
    }
#undef ROW
#undef TB
    out.score = best_score;
    out.query_start = (u32)i;
    out.query_end = (u32)best_i;
    out.target_start = (u32)j;
    out.target_end = (u32)best_j;
    out.cigar_len = len;
    outs[t] = out;
}
