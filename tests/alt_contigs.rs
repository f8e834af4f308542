//! bwa's ALT contigs (`REF.alt`) and references of thousands of contigs (GRCh38 with its ALT,
//! HLA and decoy contigs has some 3,400): the index, the headers and the caller.

mod common;

use std::path::Path;

use common::*;

/// A deterministic random sequence.
fn random_seq(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b"ACGT"[(x >> 33) as usize % 4]
        })
        .collect()
}

fn fasta(contigs: &[(String, Vec<u8>)]) -> String {
    contigs
        .iter()
        .map(|(n, s)| format!(">{n}\n{}\n", String::from_utf8_lossy(s)))
        .collect()
}

/// Single-end 150-base reads tiling `seq[from..to]` every `step` bases.
fn reads(seq: &[u8], from: usize, to: usize, step: usize, path: &Path) {
    let mut fq = String::new();
    for (i, p) in (from..to - 150).step_by(step).enumerate() {
        let s = String::from_utf8_lossy(&seq[p..p + 150]);
        fq.push_str(&format!("@r{i}_{p}\n{s}\n+\n{}\n", "I".repeat(150)));
    }
    std::fs::write(path, fq).unwrap();
}

fn records(sam: &str) -> Vec<Vec<String>> {
    sam.lines()
        .filter(|l| !l.starts_with('@'))
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

#[test]
fn an_alt_contig_listed_in_ref_alt_does_not_take_the_mapq_of_the_primary_hits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let primary = random_seq(30_000, 1);
    // An ALT contig copying 5 kb of the primary with a SNP every 500 bases.
    let mut alt = primary[10_000..15_000].to_vec();
    for p in (250..alt.len()).step_by(500) {
        alt[p] = if alt[p] == b'A' { b'C' } else { b'A' };
    }
    let reference = d.join("ref.fa");
    std::fs::write(
        &reference,
        fasta(&[("chr1".into(), primary.clone()), ("chr1_alt".into(), alt)]),
    )
    .unwrap();
    let fq = d.join("r.fq");
    reads(&primary, 10_000, 15_000, 50, &fq);
    let r = reference.display().to_string();
    let align = || -> String {
        String::from_utf8(ok(&["align", &r, fq.to_str().unwrap(), "-o", "-", "-q"]).stdout).unwrap()
    };
    // Without REF.alt the copy makes most placements ambiguous.
    let before = records(&align());
    let confident = |recs: &[Vec<String>]| {
        recs.iter()
            .filter(|f| f[2] == "chr1" && f[4].parse::<u8>().unwrap() >= 20)
            .count()
    };
    let n = before.len();
    assert!(confident(&before) * 2 < n, "{} of {n}", confident(&before));
    // With it, every read keeps its primary placement and MAPQ, the ALT hit in XA.
    std::fs::write(
        d.join("ref.fa.alt"),
        "chr1_alt\t0\tchr1\t10001\t60\t5000M\t*\t0\t0\t*\t*\n",
    )
    .unwrap();
    let sam = align();
    assert!(sam.contains("@SQ\tSN:chr1_alt\tLN:5000\tM5:"), "{sam}");
    assert!(
        sam.lines()
            .any(|l| l.starts_with("@SQ\tSN:chr1_alt") && l.ends_with("\tAH:*"))
    );
    assert!(
        !sam.lines()
            .any(|l| l.starts_with("@SQ\tSN:chr1\t") && l.contains("AH:*"))
    );
    let after = records(&sam);
    assert_eq!(confident(&after), n);
    assert!(
        after
            .iter()
            .all(|f| f.iter().any(|t| t.starts_with("XA:Z:chr1_alt,")))
    );
    // A read carrying the ALT contig's allele goes there, with bwa's pa:f against its
    // primary hit.
    let alt_read = d.join("alt.fq");
    let mut s = primary[10_200..10_350].to_vec();
    s[50] = if s[50] == b'A' { b'C' } else { b'A' };
    std::fs::write(
        &alt_read,
        format!(
            "@a\n{}\n+\n{}\n",
            String::from_utf8_lossy(&s),
            "I".repeat(150)
        ),
    )
    .unwrap();
    let on_alt = records(
        &String::from_utf8(ok(&["align", &r, alt_read.to_str().unwrap(), "-o", "-", "-q"]).stdout)
            .unwrap(),
    );
    assert_eq!(on_alt[0][2], "chr1_alt", "{on_alt:?}");
    assert!(
        on_alt[0].iter().any(|t| t.starts_with("pa:f:1.")),
        "{on_alt:?}"
    );
    assert!(
        on_alt[0].iter().any(|t| t.starts_with("XA:Z:chr1,+10201,")),
        "{on_alt:?}"
    );
}

#[test]
fn three_thousand_contigs_index_align_and_call() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let contigs: Vec<(String, Vec<u8>)> = (0..3000)
        .map(|i| (format!("chrUn_{i:04}"), random_seq(1000, 100 + i)))
        .collect();
    let reference = d.join("ref.fa");
    std::fs::write(&reference, fasta(&contigs)).unwrap();
    let r = reference.display().to_string();
    ok(&["index", &r]);
    // Reads of the last contig carrying a homozygous SNP at its base 500.
    let mut sample = contigs[2999].1.clone();
    sample[500] = if sample[500] == b'A' { b'G' } else { b'A' };
    let fq = d.join("r.fq");
    reads(&sample, 0, 1000, 10, &fq);
    let bam = d.join("out.bam");
    ok(&[
        "align",
        &r,
        fq.to_str().unwrap(),
        "-o",
        bam.to_str().unwrap(),
        "-q",
    ]);
    let header = bam_header_text(&bam);
    assert_eq!(
        header.lines().filter(|l| l.starts_with("@SQ")).count(),
        3000
    );
    let vcf = d.join("out.vcf");
    ok(&call_args(
        &r,
        bam.to_str().unwrap(),
        vcf.to_str().unwrap(),
        &["-q"],
    ));
    let text = std::fs::read_to_string(&vcf).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("##contig")).count(),
        3000
    );
    let calls: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(calls[0].starts_with("chrUn_2999\t501\t"), "{}", calls[0]);
    assert!(
        calls[0].ends_with("\t1/1") || calls[0].contains("\t1/1:"),
        "{}",
        calls[0]
    );
}
