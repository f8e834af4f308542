//! rANS 4x8, order 0 (CRAM 3.0 specification, section 14.1; J. Bonfield's interleaved
//! range asymmetric numeral systems): byte frequencies scaled to 4096, four states
//! interleaved over the positions, 8-bit renormalisation. htslib stores CRAM qualities so.

const TOTAL_BITS: u32 = 12;
const TOTAL: u32 = 1 << TOTAL_BITS;
/// The lower bound of a state; a state is renormalised to stay at or above it.
const LOWER: u32 = 1 << 23;

/// Byte counts scaled to sum to [`TOTAL`], every byte that occurs keeping at least 1.
fn frequencies(src: &[u8]) -> [u32; 256] {
    let mut count = [0u64; 256];
    for &b in src {
        count[usize::from(b)] += 1;
    }
    let n = src.len() as u64;
    let mut f = [0u32; 256];
    for (fi, &c) in f.iter_mut().zip(&count) {
        if c > 0 {
            *fi = ((c * u64::from(TOTAL)) / n).max(1) as u32;
        }
    }
    let largest = |f: &[u32; 256]| (0..256).max_by_key(|&i| f[i]).unwrap_or(0);
    let mut sum: u32 = f.iter().sum();
    while sum > TOTAL {
        // Many rare bytes rounded up to 1: take back from the most frequent.
        let m = largest(&f);
        let take = (sum - TOTAL).min(f[m] - 1).max(1);
        f[m] -= take;
        sum -= take;
    }
    let m = largest(&f);
    f[m] += TOTAL - sum;
    f
}

/// Entries for the bytes that occur, in byte order: each byte, then its entry; a run of
/// consecutive bytes gives the count of those after its first instead of their bytes; ended
/// by a 0. Both the frequency tables and order 1's list of contexts are written so.
fn write_runs(
    out: &mut Vec<u8>,
    present: impl Fn(usize) -> bool,
    mut entry: impl FnMut(&mut Vec<u8>, usize),
) {
    let mut run = 0;
    for j in 0..256 {
        if !present(j) {
            continue;
        }
        if run > 0 {
            run -= 1;
        } else {
            out.push(j as u8);
            if j > 0 && present(j - 1) {
                run = (j + 1..256).take_while(|&k| present(k)).count();
                out.push(run as u8);
            }
        }
        entry(out, j);
    }
    out.push(0);
}

/// A frequency table: each frequency in 1 byte below 128, else 2.
fn write_table(out: &mut Vec<u8>, f: &[u32; 256]) {
    write_runs(
        out,
        |j| f[j] != 0,
        |out, j| {
            if f[j] < 128 {
                out.push(f[j] as u8);
            } else {
                out.push(0x80 | (f[j] >> 8) as u8);
                out.push(f[j] as u8);
            }
        },
    );
}

/// Where each byte's frequencies start in the cumulative order.
fn starts(f: &[u32; 256]) -> [u32; 256] {
    let mut start = [0u32; 256];
    let mut acc = 0;
    for (s, &fi) in start.iter_mut().zip(f) {
        *s = acc;
        acc += fi;
    }
    start
}

/// Encodes byte `b` into state `x`, pushing renormalisation bytes onto `rev`.
fn put(x: &mut u32, rev: &mut Vec<u8>, freq: u32, cum: u32) {
    let x_max = u64::from((LOWER >> TOTAL_BITS) << 8) * u64::from(freq);
    while u64::from(*x) >= x_max {
        rev.push(*x as u8);
        *x >>= 8;
    }
    *x = ((*x / freq) << TOTAL_BITS) + (*x % freq) + cum;
}

/// The order byte, the sizes, the table and the four states with the stream (built
/// backwards in `rev`) as one block.
fn finish(order: u8, table: Vec<u8>, state: [u32; 4], mut rev: Vec<u8>, n: usize) -> Vec<u8> {
    for x in state.iter().rev() {
        rev.extend_from_slice(&x.to_be_bytes());
    }
    rev.reverse();
    let mut out = Vec::with_capacity(table.len() + rev.len() + 9);
    out.push(order);
    out.extend_from_slice(&((table.len() + rev.len()) as u32).to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&table);
    out.extend_from_slice(&rev);
    out
}

/// `src` (not empty) compressed with order 1: a frequency table per preceding byte, the input cut in
/// four quarters (the last taking the remainder), each coded by its own state.
pub(super) fn encode_order1(src: &[u8]) -> Vec<u8> {
    let n = src.len();
    let quarter = n / 4;
    // A quarter's first byte has the context 0, as the stream's first.
    let context = |i: usize| {
        let starts_quarter = quarter > 0 && i < 4 * quarter && i.is_multiple_of(quarter);
        if i == 0 || starts_quarter {
            0
        } else {
            src[i - 1]
        }
    };
    let mut by_ctx: Vec<Vec<u8>> = vec![Vec::new(); 256];
    for i in 0..n {
        by_ctx[usize::from(context(i))].push(src[i]);
    }
    let f: Vec<[u32; 256]> = by_ctx
        .iter()
        .map(|c| {
            if c.is_empty() {
                [0; 256]
            } else {
                frequencies(c)
            }
        })
        .collect();
    let start: Vec<[u32; 256]> = f.iter().map(starts).collect();
    let mut table = Vec::new();
    write_runs(
        &mut table,
        |c| !by_ctx[c].is_empty(),
        |out, c| write_table(out, &f[c]),
    );
    let mut rev = Vec::with_capacity(n / 2 + 16);
    let mut state = [LOWER; 4];
    let code = |i: usize, x: &mut u32, rev: &mut Vec<u8>| {
        let (c, b) = (usize::from(context(i)), usize::from(src[i]));
        put(x, rev, f[c][b], start[c][b]);
    };
    for i in (4 * quarter..n).rev() {
        code(i, &mut state[3], &mut rev);
    }
    for i in (0..quarter).rev() {
        for j in (0..4).rev() {
            code(j * quarter + i, &mut state[j], &mut rev);
        }
    }
    finish(1, table, state, rev, n)
}

/// `src` (not empty) compressed with order 0: one frequency table, the four states taking the positions
/// in turn.
pub(super) fn encode_order0(src: &[u8]) -> Vec<u8> {
    let f = frequencies(src);
    let start = starts(&f);
    // Built backwards: the decoder reads what the encoder wrote last first.
    let mut rev = Vec::with_capacity(src.len() / 2 + 16);
    let mut state = [LOWER; 4];
    for (i, &b) in src.iter().enumerate().rev() {
        put(
            &mut state[i % 4],
            &mut rev,
            f[usize::from(b)],
            start[usize::from(b)],
        );
    }
    let mut table = Vec::new();
    write_table(&mut table, &f);
    finish(0, table, state, rev, src.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads entries in `write_runs`'s layout, calling `entry` for each byte listed.
    fn read_runs(src: &[u8], p: &mut usize, mut entry: impl FnMut(&[u8], &mut usize, usize)) {
        let mut sym = src[*p] as usize;
        *p += 1;
        let mut last = sym;
        let mut run = 0;
        loop {
            entry(src, p, sym);
            if run > 0 {
                run -= 1;
                sym += 1;
            } else {
                sym = src[*p] as usize;
                *p += 1;
                if sym == last + 1 {
                    run = src[*p] as usize;
                    *p += 1;
                }
            }
            last = sym;
            if sym == 0 {
                break;
            }
        }
    }

    fn read_table(src: &[u8], p: &mut usize) -> [u32; 256] {
        let mut f = [0u32; 256];
        read_runs(src, p, |src, p, sym| {
            let mut v = u32::from(src[*p]);
            *p += 1;
            if v >= 128 {
                v = ((v & 0x7f) << 8) | u32::from(src[*p]);
                *p += 1;
            }
            f[sym] = v;
        });
        f
    }

    /// Each slot's byte and each byte's cumulative start.
    fn slots(f: &[u32; 256]) -> (Vec<u8>, [u32; 256]) {
        let mut slot = vec![0u8; TOTAL as usize];
        let cum = starts(f);
        for s in 0..256 {
            for k in 0..f[s] {
                slot[(cum[s] + k) as usize] = s as u8;
            }
        }
        assert_eq!(f.iter().sum::<u32>(), TOTAL);
        (slot, cum)
    }

    /// Decodes one byte from state `x` and renormalises it.
    fn take(
        x: &mut u32,
        f: &[u32; 256],
        slot: &[u8],
        cum: &[u32; 256],
        src: &[u8],
        p: &mut usize,
    ) -> u8 {
        let s = slot[(*x & (TOTAL - 1)) as usize];
        *x = f[usize::from(s)] * (*x >> TOTAL_BITS) + (*x & (TOTAL - 1)) - cum[usize::from(s)];
        while *x < LOWER {
            *x = (*x << 8) | u32::from(src[*p]);
            *p += 1;
        }
        s
    }

    /// The specification's decoders, orders 0 and 1.
    fn decode(src: &[u8]) -> Vec<u8> {
        let n = u32::from_le_bytes(src[5..9].try_into().unwrap()) as usize;
        assert_eq!(
            u32::from_le_bytes(src[1..5].try_into().unwrap()) as usize,
            src.len() - 9
        );
        let mut p = 9;
        let mut out = vec![0u8; n];
        let states = |p: &mut usize| {
            let mut r = [0u32; 4];
            for x in r.iter_mut() {
                *x = u32::from_le_bytes(src[*p..*p + 4].try_into().unwrap());
                *p += 4;
            }
            r
        };
        if src[0] == 0 {
            let f = read_table(src, &mut p);
            let (slot, cum) = slots(&f);
            let mut r = states(&mut p);
            for i in 0..n {
                out[i] = take(&mut r[i % 4], &f, &slot, &cum, src, &mut p);
            }
        } else {
            let mut tables = vec![None; 256];
            read_runs(src, &mut p, |src, p, c| {
                let f = read_table(src, p);
                let (slot, cum) = slots(&f);
                tables[c] = Some((f, slot, cum));
            });
            let mut r = states(&mut p);
            let q = n / 4;
            let mut last = [0u8; 4];
            let mut one =
                |j: usize, i: usize, r: &mut [u32; 4], last: &mut [u8; 4], p: &mut usize| {
                    let (f, slot, cum) = tables[usize::from(last[j])].as_ref().unwrap();
                    let b = take(&mut r[j], f, slot, cum, src, p);
                    out[i] = b;
                    last[j] = b;
                };
            for i in 0..q {
                for j in 0..4 {
                    one(j, j * q + i, &mut r, &mut last, &mut p);
                }
            }
            for i in 4 * q..n {
                one(3, i, &mut r, &mut last, &mut p);
            }
        }
        assert_eq!(p, src.len());
        out
    }

    #[test]
    fn round_trips() {
        let mut rng = crate::core::rng::Rng::new(7);
        let skewed: Vec<u8> = (0..100_000)
            .map(|_| {
                let r = rng.next_u64();
                if r % 10 < 7 { 37 } else { (r % 41) as u8 }
            })
            .collect();
        let all: Vec<u8> = (0..5000).map(|i| (i * 7 % 256) as u8).collect();
        for src in [
            &skewed[..],
            &all,
            &[5u8; 1000],
            b"ACGT",
            b"x",
            &[0u8, 1, 2, 200],
        ] {
            assert_eq!(decode(&encode_order0(src)), src);
            assert_eq!(decode(&encode_order1(src)), src);
        }
        assert!(encode_order0(&skewed).len() < skewed.len() / 2);
        // Each byte following the one before it: order 1 knows.
        let chain: Vec<u8> = (0..40_000).map(|i| ((i / 3) % 7 * 5) as u8).collect();
        assert!(encode_order1(&chain).len() * 3 < encode_order0(&chain).len());
        for n in 1..9 {
            assert_eq!(decode(&encode_order1(&chain[..n])), &chain[..n]);
        }
    }
}
