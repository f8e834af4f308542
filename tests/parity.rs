//! The parity suite: the same extension and pair-HMM cases on every backend present, whose
//! results must be equal to the bit: scores, ends and CIGARs against the CPU oracle, and log10
//! likelihoods against the CPU's float kernel. `cpu` and `emu` run on every machine; `cuda` runs
//! in `cuda_backend_matches_the_cpu_bit_for_bit`, which is ignored by default and fails (never
//! skips) without a GPU: `scripts/gpu-check.sh` runs it with `--ignored` on a GPU machine.

use zenome::backend::cpu::{CpuBackend, CpuKernel};
use zenome::backend::{self, Backend, ExtendBatch, GapModel, PairHmmBatch, Scoring};
use zenome::core::rng::Rng;

/// Mutations of a sequence: substitutions, deletions, insertions and Ns.
fn mutate(src: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in src {
        match rng.below(40) {
            0 => out.push(rng.below(4) as u8),
            1 => {}
            2 => out.extend([b, rng.below(4) as u8]),
            3 => out.push(4),
            _ => out.push(b),
        }
    }
    out
}

fn random_seq(len: usize, rng: &mut Rng) -> Vec<u8> {
    (0..len).map(|_| rng.below(4) as u8).collect()
}

/// Extension jobs: random reads against windows with bands like the aligner's, and the edges
/// (empty and 1-base sequences, all N, bands off the matrix or reversed, bands and queries past
/// the kernel's limits, which run on the CPU).
fn extend_cases(scoring: Scoring, seed: u64) -> ExtendBatch {
    let mut rng = Rng::new(seed);
    let mut b = ExtendBatch::new(scoring);
    for _ in 0..600 {
        let tlen = rng.below(320);
        let t = random_seq(tlen, &mut rng);
        let start = if tlen > 0 { rng.below(tlen) } else { 0 };
        let end = (start + rng.below(220)).min(tlen);
        let q = mutate(&t[start..end], &mut rng);
        let lo = start as i32 - rng.below(40) as i32;
        let hi = start as i32 + rng.below(40) as i32;
        b.push(&q, &t, lo, hi);
    }
    let t = random_seq(400, &mut rng);
    let long_q = mutate(&random_seq(2100, &mut rng), &mut rng);
    let edges: Vec<(Vec<u8>, Vec<u8>, i32, i32)> = vec![
        (vec![], t.clone(), 0, 5),
        (t[..50].to_vec(), vec![], 0, 5),
        (vec![2], t.clone(), 0, 100),
        (vec![2], vec![2], 0, 0),
        (vec![4; 60], t.clone(), -10, 10),
        (t[10..70].to_vec(), vec![4; 100], -10, 30),
        (t[10..70].to_vec(), t.clone(), 500, 600),
        (t[10..70].to_vec(), t.clone(), 40, 10),
        (t[10..170].to_vec(), t.clone(), -160, 400),
        (long_q, t.clone(), -20, 20),
        (t[0..300].to_vec(), t.clone(), -5, 250),
        // Strips of rows: rows reaching the matrix only after whole strips without a cell,
        // bands at the ends of the i32 range, and every length around the strip size.
        (t[10..160].to_vec(), t[..60].to_vec(), -100, -90),
        (t[10..160].to_vec(), t[..60].to_vec(), -12, -3),
        (t[..40].to_vec(), t.clone(), i32::MAX - 5, i32::MAX),
        (t[..40].to_vec(), t.clone(), i32::MIN, i32::MIN + 10),
        (t[..40].to_vec(), t.clone(), 395, 420),
    ];
    for len in 1..=25 {
        let q = mutate(&t[100..100 + len], &mut rng);
        b.push(&q, &t, 95, 110);
        b.push(&q, &t[95..100 + len], -3, 3);
    }
    for (q, tt, lo, hi) in edges {
        b.push(&q, &tt, lo, hi);
    }
    b
}

/// Pair-HMM jobs: reads drawn from haplotypes with errors and varied qualities (0 to 93, and
/// varied gap models), each against several haplotypes, and the edges (empty read or
/// haplotype, one base, all N, an all-mismatch read that needs the double-precision rescue, a
/// haplotype past the kernel's limit).
fn pair_hmm_cases(seed: u64) -> PairHmmBatch {
    let mut rng = Rng::new(seed);
    let mut b = PairHmmBatch::default();
    let mut haps = Vec::new();
    for _ in 0..9 {
        let len = 1 + rng.below(420);
        let h = random_seq(len, &mut rng);
        haps.push((b.push_hap(&h), h));
    }
    for r in 0..60 {
        let (_, h) = &haps[rng.below(haps.len())];
        let len = 1 + rng.below(180);
        let start = rng.below(h.len());
        let read: Vec<u8> = (0..len)
            .map(|i| {
                if rng.chance(0.05) {
                    rng.below(5) as u8
                } else {
                    h[(start + i) % h.len()]
                }
            })
            .collect();
        let quals: Vec<u8> = (0..len).map(|_| rng.below(94) as u8).collect();
        let gap = if r % 3 == 0 {
            GapModel {
                ins_qual: 10 + rng.below(50) as u8,
                del_qual: 10 + rng.below(50) as u8,
                gcp: 5 + rng.below(20) as u8,
            }
        } else {
            GapModel::default()
        };
        let span = b.push_read(&read, &quals, gap);
        for (hap, _) in &haps {
            b.push_job(span, *hap);
        }
    }
    let g = GapModel::default();
    let empty = b.push_read(&[], &[], g);
    let one = b.push_read(&[2], &[30], g);
    let all_n = b.push_read(&[4; 80], &[20; 80], g);
    let bad = b.push_read(&[0; 300], &[40; 300], g);
    let ones = b.push_hap(&[1; 300]);
    let empty_hap = b.push_hap(&[]);
    let n_hap = b.push_hap(&[4; 120]);
    let huge = b.push_hap(&random_seq(4200, &mut rng));
    for r in [empty, one, all_n, bad] {
        for h in [haps[0].0, ones, empty_hap, n_hap, huge] {
            b.push_job(r, h);
        }
    }
    b
}

fn haplotype_scoring() -> Scoring {
    Scoring {
        match_score: 200,
        mismatch: 150,
        gap_open: 249,
        gap_extend: 11,
        clip: 1_000_000,
        n_penalty: 0,
    }
}

/// Every case on `backend`, against the CPU oracle (extension) and the CPU's float kernel
/// (pair-HMM).
fn assert_parity(backend: &dyn Backend) {
    let oracle = CpuBackend::new(CpuKernel::Oracle);
    for (scoring, seed) in [(Scoring::default(), 1), (haplotype_scoring(), 2)] {
        let b = extend_cases(scoring, seed);
        let want = oracle.extend(&b).expect("oracle");
        let got = backend.extend(&b).expect("backend");
        for (k, (w, g)) in want.results.iter().zip(&got.results).enumerate() {
            assert_eq!(
                (
                    w.score,
                    w.query_start,
                    w.query_end,
                    w.target_start,
                    w.target_end
                ),
                (
                    g.score,
                    g.query_start,
                    g.query_end,
                    g.target_start,
                    g.target_end
                ),
                "{}: extension job {k}",
                backend.name()
            );
            assert_eq!(
                want.cigar(w),
                got.cigar(g),
                "{}: CIGAR of job {k}",
                backend.name()
            );
        }
    }
    let fast = CpuBackend::new(CpuKernel::Fast);
    let b = pair_hmm_cases(3);
    let want = fast.pair_hmm(&b).expect("cpu");
    let got = backend.pair_hmm(&b).expect("backend");
    for (k, (w, g)) in want.log10.iter().zip(&got.log10).enumerate() {
        assert_eq!(
            w.to_bits(),
            g.to_bits(),
            "{}: pair-HMM job {k}: {w} vs {g}",
            backend.name()
        );
    }
}

#[test]
fn cpu_backend_matches_its_oracle() {
    assert_parity(backend::select("cpu").expect("cpu").as_ref());
}

#[test]
fn emu_backend_matches_the_cpu_bit_for_bit() {
    let emu = backend::select("emu").expect("emu");
    assert_parity(emu.as_ref());
    // The kernels ran, and the cases past their limits went to the CPU.
    let stats = emu.kernel_stats();
    let stat = |k: &str| {
        stats
            .iter()
            .find(|s| s.kernel == k)
            .expect("kernel counted")
    };
    for k in ["extend_banded", "pair_hmm_forward"] {
        assert!(stat(k).launches > 0 && stat(k).jobs > 0, "{stats:?}");
        assert!(stat(k).fallback_jobs > 0, "{stats:?}");
    }
}

#[test]
#[ignore = "needs a GPU: scripts/gpu-check.sh runs it"]
fn cuda_backend_matches_the_cpu_bit_for_bit() {
    let cuda = backend::select("cuda").expect("a usable GPU for the CUDA parity suite");
    assert_parity(cuda.as_ref());
}
