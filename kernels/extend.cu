// Banded affine-gap extension with traceback: the same recurrences, tie-breaking, best-cell
// choice and traceback as the CPU kernels (src/backend/cpu/cell.rs and banded.rs), so that every
// score, end and CIGAR is identical.
//
// Mapping: one thread per job; thread t of the launch takes job t (blocks of blockDim.x jobs).
// Jobs in one launch share a band width W (the widest band in it) and a row count M (the longest
// query); the host sorts jobs so that a launch holds jobs of similar size.
// Order of work: the query is cut into strips of ZK_XSTRIP rows; a strip is swept column by
// column with its rows' H and E in registers, so that memory holds one row per job: the last row
// of the strip before (the boundary), read and rewritten once per column. Every cell's operations
// are those of the row-by-row recurrence, and the best cell is chosen as a row-by-row scan would.
// Memory, all global, interleaved by job so that a warp's accesses are contiguous:
//   rows:  2 * W ints per job, the boundary row by diagonal: element (a, k) of job t at
//          (a * W + k) * n + t, a = H, F;
//   tb:    per job, one 8-byte word per strip and column it sweeps, the traceback bytes of the
//          strip's rows in that column (row r of the strip in byte r): the word of strip s,
//          column c (column js + c of the matrix, js the strip's first) at (s * C + c) * n + t,
//          C = W + ZK_XSTRIP - 1 the most columns a strip sweeps.
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
// Rows a thread sweeps together, column by column.
#define ZK_XSTRIP 8

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
                                         i32* rows, u64* tb, u32* cigars, ZkExtendOut* outs) {
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
    // The boundary: H and F of the row before the current strip, by diagonal (the cell of row i
    // in column j is diagonal j - i - lo); cells outside the matrix or the band hold ZK_NEG.
#define BH(k) rows[(u64)(k) * n + t]
#define BF(k) rows[((u64)W + (u64)(k)) * n + t]
    i32 w = (i32)width;
    for (i32 k = 0; k < w; k++) {
        BH(k) = ZK_NEG;  // row 0: H and F out of reach (its H as a diagonal is 0: see bdiag)
        BF(k) = ZK_NEG;
    }
    i32 best_score = ZK_I32_MIN;
    long long best_i = 0, best_j = 0;
    for (long long i0 = 1; i0 <= m; i0 += ZK_XSTRIP) {
        i32 strip = (i32)(m - i0 + 1 < ZK_XSTRIP ? m - i0 + 1 : ZK_XSTRIP);
        bool full = strip == ZK_XSTRIP;
        long long il = i0 + strip - 1;
        // The columns the strip's rows reach: js + c for c in [0, ncols).
        long long js = i0 + lo < 1 ? 1 : i0 + lo;
        long long je = il + hi > nt ? nt : il + hi;
        long long ncols = je >= js ? je - js + 1 : 0;
        // The diagonal of column js - 1 in the boundary row (small when ncols > 0).
        i32 kb = ncols > 0 ? (i32)(js - i0 - lo) : 0;
        // Per row: its query base's substitution scores (against the same base, against
        // another; the N penalty for both when it is N), its H and E in the column before, and
        // its best H and where.
        u32 qbit[ZK_XSTRIP];
        i32 hl[ZK_XSTRIP], el[ZK_XSTRIP];
        i32 rbest[ZK_XSTRIP], rcol[ZK_XSTRIP];
        ZK_UNROLL
        for (i32 r = 0; r < ZK_XSTRIP; r++) {
            u8 qb = q[i0 + (r < strip ? r : 0) - 1];
            qbit[r] = qb > 3 ? 16u : 1u << qb;
            hl[r] = ZK_NEG;
            el[r] = ZK_NEG;
            rbest[r] = ZK_I32_MIN;
            rcol[r] = 0;
        }
        // Every swept column lies in [1, nt]: cell (i0 + r, js + c) is valid when its diagonal
        // kb + c - r is in the band, [0, w).
        u32 tb_word = (u32)((i0 - 1) / ZK_XSTRIP) * (W + ZK_XSTRIP - 1) * n + t;
        i32 fresh0 = i0 == 1 ? 0 : -s.clip;
        // Row i0 - 1 in the column before (H only: the diagonal of the strip's first row).
        i32 bdiag = i0 == 1 ? 0 : (ncols > 0 && kb < w ? BH(kb) : ZK_NEG);
        for (i32 c = 0; c < (i32)ncols; c++, tb_word += n) {
            u8 tc = tg[js + c - 1];
            // Base bits: 1 << base for A, C, G, T, 16 for N.
            u32 tbit = tc > 3 ? 16u : 1u << tc;
            // The column's traceback bytes, rows 0-3 and 4-7 (out-of-band bytes are never read).
            u32 tb_lo = 0, tb_hi = 0;
            i32 kup = kb + c + 1;
            i32 bup_h = kup < w ? BH(kup) : ZK_NEG;
            i32 bup_f = kup < w ? BF(kup) : ZK_NEG;
            // The row above: its H in the column before (diagonal), H and F in this one (up).
            i32 dg = bdiag, uh = bup_h, uf = bup_f;
// Cell (i0 + r, js + c): as the row-by-row loop computes it, out-of-band cells ZK_NEG. The
// substitution score is zk_substitution's: N on either side, the N penalty; else match or not.
#define ZK_XCELL(r)                                                                            \
    {                                                                                          \
        i32 old = hl[r];                                                                       \
        bool valid = (u32)(kup - 1 - (r)) < (u32)w;                                            \
        i32 sub = ((qbit[r] | tbit) & 16u) != 0                                                \
                      ? -s.n_penalty                                                           \
                      : ((qbit[r] & tbit) != 0 ? s.match : -s.mismatch);                       \
        i32 hh, ee, ff;                                                                        \
        u8 b;                                                                                  \
        zk_update(&s, dg, uh, uf, old, el[r], sub, (r) == 0 ? fresh0 : -s.clip, &hh, &ee, &ff, \
                  &b);                                                                         \
        hh = valid ? hh : ZK_NEG;                                                              \
        ee = valid ? ee : ZK_NEG;                                                              \
        ff = valid ? ff : ZK_NEG;                                                              \
        if ((r) < 4)                                                                           \
            tb_lo |= (u32)b << (8 * (r));                                                      \
        else                                                                                   \
            tb_hi |= (u32)b << (8 * ((r) - 4));                                                \
        bool better = valid & (hh > rbest[r]);                                                 \
        rbest[r] = better ? hh : rbest[r];                                                     \
        rcol[r] = better ? c : rcol[r];                                                        \
        hl[r] = hh;                                                                            \
        el[r] = ee;                                                                            \
        dg = old;                                                                              \
        uh = hh;                                                                               \
        uf = ff;                                                                               \
    }
            // Full strips (all but perhaps the last) run without a test per row.
            if (full) {
                ZK_UNROLL
                for (i32 r = 0; r < ZK_XSTRIP; r++) ZK_XCELL(r)
            } else {
                ZK_UNROLL
                for (i32 r = 0; r < ZK_XSTRIP; r++) {
                    if (r < strip) ZK_XCELL(r)
                }
            }
#undef ZK_XCELL
            tb[tb_word] = (u64)tb_lo | ((u64)tb_hi << 32);
            // The strip's last row becomes the boundary, in place: its diagonal in this column
            // was read strip columns ago.
            i32 kw = kup - strip;
            if (kw >= 0 && kw < w) {
                BH(kw) = uh;
                BF(kw) = uf;
            }
            bdiag = i0 == 1 ? 0 : bup_h;
        }
        // Boundary cells of columns the sweep did not reach lie outside the matrix.
        for (i32 k = 0; k < w; k++) {
            long long c = ncols > 0 ? (long long)k - kb + strip - 1 : -1;
            if (c < 0 || c >= ncols) {
                BH(k) = ZK_NEG;
                BF(k) = ZK_NEG;
            }
        }
        // Best::offer in row order, net of the end clip except in the last row: a row's first
        // highest H gives what a cell-by-cell offer would.
        ZK_UNROLL
        for (i32 r = 0; r < ZK_XSTRIP; r++) {
            long long i = i0 + r;
            if (r >= strip || rbest[r] == ZK_I32_MIN) continue;
            i32 score = i == m ? rbest[r] : rbest[r] - s.clip;
            if (
                (score > best_score || (score == best_score && i == m && best_i != m))) {
                best_score = score;
                best_i = i;
                best_j = js + rcol[r];
            }
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
        // The traceback byte of cell (i, j): row r of strip sidx, in its column j - js.
        long long sidx = (i - 1) / ZK_XSTRIP, r = (i - 1) % ZK_XSTRIP;
        long long sjs = sidx * ZK_XSTRIP + 1 + lo < 1 ? 1 : sidx * ZK_XSTRIP + 1 + lo;
        u64 word = tb[((u64)sidx * (W + ZK_XSTRIP - 1) + (u64)(j - sjs)) * n + t];
        u8 b = (u8)(word >> (8 * r));
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
#undef BH
#undef BF
    out.score = best_score;
    out.query_start = (u32)i;
    out.query_end = (u32)best_i;
    out.target_start = (u32)j;
    out.target_end = (u32)best_j;
    out.cigar_len = len;
    outs[t] = out;
}
