//! zenome in the command lines pipelines run bwa with, checked by samtools (a second suite:
//! `.ci/run` installs samtools and runs it with `--ignored`; it fails when samtools is missing):
//! GATK's WARP (`bwa mem -K 100000000 -p -v 3 -t 16 -Y REF -`, interleaved pairs on a pipe)
//! and nf-core/sarek (`bwa mem -K 100000000 -Y -R RG REF R1 R2`), each into `samtools sort`.

mod common;

use std::io::{BufRead, Write};
use std::process::{Command, Stdio};

use common::*;

fn samtools(args: &[&str]) -> String {
    let out = Command::new("samtools")
        .args(args)
        .output()
        .expect("samtools is needed by this suite (apt-get install samtools)");
    assert!(
        out.status.success(),
        "samtools {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `zenome ARGS | samtools sort -o OUT`, feeding `stdin` to zenome.
fn into_samtools_sort(args: &[&str], stdin: Option<Vec<u8>>, out: &std::path::Path) {
    let mut z = Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let feeder = stdin.map(|bytes| {
        let mut pipe = z.stdin.take().unwrap();
        std::thread::spawn(move || pipe.write_all(&bytes))
    });
    let sort = Command::new("samtools")
        .args(["sort", "-o", out.to_str().unwrap(), "-"])
        .stdin(z.stdout.take().unwrap())
        .output()
        .expect("samtools is needed by this suite (apt-get install samtools)");
    if let Some(f) = feeder {
        f.join().unwrap().unwrap();
    }
    let z_out = z.wait_with_output().unwrap();
    assert!(
        z_out.status.success(),
        "{}",
        String::from_utf8_lossy(&z_out.stderr)
    );
    assert!(
        sort.status.success(),
        "{}",
        String::from_utf8_lossy(&sort.stderr)
    );
}

fn fastq_lines(p: &str) -> Vec<String> {
    let f = std::fs::File::open(p).unwrap();
    std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f))
        .lines()
        .map(Result::unwrap)
        .collect()
}

/// Primary records, and all records, of a BAM.
fn counts(bam: &std::path::Path) -> (u64, u64) {
    let b = bam.to_str().unwrap();
    let primary = samtools(&["view", "-c", "-F", "0x900", b])
        .trim()
        .parse()
        .unwrap();
    let all = samtools(&["view", "-c", b]).trim().parse().unwrap();
    (primary, all)
}

#[test]
#[ignore = "needs samtools; run by .ci/run"]
fn warp_and_sarek_command_lines_feed_samtools_sort() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let (a, b) = (fastq_lines(&r1), fastq_lines(&r2));
    let reads = (a.len() / 4 * 2) as u64;
    // Interleaved pairs, each read with a barcode comment for -C.
    let mut interleaved = Vec::new();
    for (x, y) in a.chunks(4).zip(b.chunks(4)) {
        for rec in [x, y] {
            writeln!(
                interleaved,
                "{}\tBC:Z:ACGTACGT",
                rec[0].split_whitespace().next().unwrap()
            )
            .unwrap();
            for l in &rec[1..] {
                writeln!(interleaved, "{l}").unwrap();
            }
        }
    }
    let warp = dir.path().join("warp.bam");
    into_samtools_sort(
        &warp_align_args(&reference, &["-C"]),
        Some(interleaved),
        &warp,
    );
    samtools(&["quickcheck", warp.to_str().unwrap()]);
    let (primary, all) = counts(&warp);
    assert_eq!(primary, reads);
    assert!(all >= primary);
    let sam = samtools(&["view", warp.to_str().unwrap()]);
    assert!(
        sam.lines().all(|l| l.contains("\tBC:Z:ACGTACGT")),
        "a record without its -C tag"
    );
    assert!(
        samtools(&["view", "-H", warp.to_str().unwrap()]).contains("@HD\tVN:1.6\tSO:coordinate")
    );

    let sarek = dir.path().join("sarek.bam");
    into_samtools_sort(
        &[
            "align",
            "-K",
            "100000000",
            "-Y",
            "-R",
            "@RG\\tID:lane1\\tSM:s1\\tLB:lib1\\tPL:ILLUMINA",
            "-t",
            "2",
            &reference,
            &r1,
            &r2,
            "-o",
            "-",
        ],
        None,
        &sarek,
    );
    samtools(&["quickcheck", sarek.to_str().unwrap()]);
    assert_eq!(counts(&sarek).0, reads);
    let header = samtools(&["view", "-H", sarek.to_str().unwrap()]);
    assert!(
        header.contains("@RG\tID:lane1\tSM:s1\tLB:lib1\tPL:ILLUMINA"),
        "{header}"
    );
    let flagstat = samtools(&["flagstat", sarek.to_str().unwrap()]);
    assert!(
        flagstat.contains(&format!("{reads} + 0 primary")),
        "{flagstat}"
    );
    // The same alignments as WARP's (the pipes differ, not the aligner), RG and BC aside.
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| {
                l.split('\t')
                    .filter(|f| !f.starts_with("RG:Z:") && !f.starts_with("BC:Z:"))
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect()
    };
    assert_eq!(
        strip(&sam),
        strip(&samtools(&["view", sarek.to_str().unwrap()]))
    );
}
