//! The second suite: real sequencing data from ../shared/data (see its README). These tests
//! are `#[ignore]`d so that a fresh clone's `cargo test` passes without the data; `.ci/run` runs
//! them with `-- --ignored`, and they fail, never skip, when the data is missing.

mod common;

use std::path::PathBuf;

use common::*;

fn shared(rel: &str) -> String {
    let p = root().join("../shared/data").join(rel);
    assert!(
        p.exists(),
        "missing real data {}: this suite needs ../shared/data (see README)",
        p.display()
    );
    p.display().to_string()
}

fn align(reference: &str, reads: &[&str], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join(name);
    let mut args = vec!["align", reference];
    args.extend_from_slice(reads);
    args.extend(["-o", bam.to_str().unwrap(), "-q"]);
    ok(&args);
    (dir, bam)
}

#[test]
#[ignore]
fn na12878_chr20_pairs_map_and_pair_like_bwa() {
    let (r1, r2) = (
        shared("na12878-chr20/reads_1.fq.gz"),
        shared("na12878-chr20/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(&shared("ref/chr20.window.fa.gz"), &[&r1, &r2], "chr20.bam");
    let (n, mapped, proper) = flag_counts(&bam);
    assert_eq!(n, 2 * 25_839);
    let (fm, fp) = (mapped as f64 / n as f64, proper as f64 / n as f64);
    assert!(fm >= 0.995, "mapped {fm:.4}");
    assert!(fp >= 0.985, "properly paired {fp:.4}");
}

#[test]
#[ignore]
fn chr22_slice_with_151bp_reads() {
    let (r1, r2) = (
        shared("na12878-chr22-tiny/reads_1.fq.gz"),
        shared("na12878-chr22-tiny/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(
        &shared("na12878-chr22-tiny/ref.fa"),
        &[&r1, &r2],
        "chr22.bam",
    );
    let (n, mapped, _) = flag_counts(&bam);
    assert_eq!(n, 2 * 1633);
    assert!(mapped as f64 >= 0.97 * n as f64, "mapped {mapped} of {n}");
}

#[test]
#[ignore]
fn mitochondrial_single_end_reads() {
    let (_dir, bam) = align(
        &shared("na12878-chrM/ref.fa"),
        &[&shared("na12878-chrM/reads.fq.gz")],
        "chrM.bam",
    );
    let (n, mapped, proper) = flag_counts(&bam);
    assert_eq!(n, 17_486);
    assert_eq!(proper, 0);
    assert!(mapped as f64 >= 0.95 * n as f64, "mapped {mapped} of {n}");
}

#[test]
#[ignore]
fn variable_length_old_chemistry_reads() {
    let (r1, r2) = (
        shared("ecoli-1k/reads_1.fq.gz"),
        shared("ecoli-1k/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(&shared("ecoli-1k/ref.fa"), &[&r1, &r2], "ecoli.bam");
    let (n, _, _) = flag_counts(&bam);
    assert_eq!(n, 2 * 2054);
}
