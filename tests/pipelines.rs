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

fn revcomp(s: &str) -> String {
    s.bytes()
        .rev()
        .map(|b| match b {
            b'A' => 'T',
            b'C' => 'G',
            b'G' => 'C',
            b'T' => 'A',
            _ => 'N',
        })
        .collect()
}

/// `-o X.cram` reads back through samtools as the very records of `-o X.bam`: pairs with
/// supplementary alignments (hard- and soft-clipped), secondary records without bases
/// (`-a`), unmapped reads placed and unplaced, two contigs, one with an IUPAC code.
#[test]
#[ignore = "needs samtools; run by .ci/run"]
fn cram_reads_back_through_samtools_as_the_bam() {
    let dir = tempfile::tempdir().unwrap();
    let fasta = std::fs::read_to_string(test_data("sim-60k/ref.fa")).unwrap();
    let seq: String = fasta.lines().skip(1).collect();
    // A second contig copying 2 kb of the first with two changes, one an IUPAC code.
    let mut copy = seq[10_000..12_000].to_string();
    copy.replace_range(500..501, "R");
    copy.replace_range(
        1500..1501,
        if &seq[11_500..11_501] == "A" {
            "C"
        } else {
            "A"
        },
    );
    let reference = dir.path().join("ref.fa");
    std::fs::write(
        &reference,
        format!("{}\n{seq}\n>copy\n{copy}\n", fasta.lines().next().unwrap()),
    )
    .unwrap();
    let reference = reference.to_str().unwrap();
    let (a, b) = (
        fastq_lines(&test_data("sim-60k/reads_1.fq.gz")),
        fastq_lines(&test_data("sim-60k/reads_2.fq.gz")),
    );
    let (mut r1, mut r2) = (String::new(), String::new());
    for (x, y) in a.chunks(4).zip(b.chunks(4)).take(3000) {
        r1.push_str(&x.join("\n"));
        r1.push('\n');
        r2.push_str(&y.join("\n"));
        r2.push('\n');
    }
    let q = "I".repeat(150);
    for i in 0..40 {
        // Split reads: 80 bases from one place and 70 from another, the mate beside the first.
        let (x, y) = (2_000 + i * 1_300, 30_000 + i * 700);
        let read = format!("{}{}", &seq[x..x + 80], &seq[y..y + 70]);
        let mate = revcomp(&seq[x + 200..x + 350]);
        r1.push_str(&format!("@chim{i}\n{read}\n+\n{q}\n"));
        r2.push_str(&format!("@chim{i}\n{mate}\n+\n{q}\n"));
    }
    // A pair that maps nowhere, and a pair with one mate that maps nowhere.
    let junk = "ACGT".repeat(10) + &"TTGCA".repeat(22);
    r1.push_str(&format!("@lost\n{junk}\n+\n{q}\n@half\n{junk}\n+\n{q}\n"));
    let placed = revcomp(&seq[50_000..50_150]);
    r2.push_str(&format!("@lost\n{junk}\n+\n{q}\n@half\n{placed}\n+\n{q}\n"));
    let (f1, f2) = (dir.path().join("r1.fq"), dir.path().join("r2.fq"));
    std::fs::write(&f1, r1).unwrap();
    std::fs::write(&f2, r2).unwrap();
    for (name, extra) in [
        ("plain", &[][..]),
        ("soft", &["-Y"][..]),
        ("all", &["-a"][..]),
    ] {
        let out = |ext: &str| dir.path().join(format!("{name}.{ext}"));
        for ext in ["bam", "cram"] {
            let mut args = vec![
                "align",
                reference,
                f1.to_str().unwrap(),
                f2.to_str().unwrap(),
                "-q",
            ];
            args.extend_from_slice(extra);
            let o = out(ext);
            args.extend_from_slice(&["-o", o.to_str().unwrap()]);
            ok(&args);
        }
        let (bam, cram) = (out("bam"), out("cram"));
        let view = |p: &std::path::Path, region: &[&str]| {
            let mut args = vec!["view", "--no-PG", "-T", reference, p.to_str().unwrap()];
            args.extend_from_slice(region);
            samtools(&args)
        };
        let records = view(&bam, &[]);
        let sup = records
            .lines()
            .filter(|l| l.split('\t').nth(1).unwrap().parse::<u16>().unwrap() & 0x800 != 0)
            .count();
        assert!(sup >= 30, "{name}: {sup} supplementary records");
        if name == "all" {
            assert!(records.lines().any(|l| l.split('\t').nth(9) == Some("*")));
        }
        assert!(records.lines().any(|l| l.starts_with("lost\t")));
        assert_eq!(view(&cram, &[]), records, "{name}");
        // Region queries through the .crai.
        for region in ["sim1:20001-30000", "copy"] {
            assert_eq!(
                view(&cram, &[region]),
                view(&bam, &[region]),
                "{name} {region}"
            );
        }
    }
}
