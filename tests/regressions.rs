//! One test per bug fixed, named after the bug: the cases of the hostile probe (inputs that
//! destroyed data, misled silently, panicked, hung, left files behind or said too little), each
//! run through the binary as a user would.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use zenome::core::cigar::{CigarOp, Kind};
use zenome::io::bam_writer::BamWriter;
use zenome::io::dict::RefSeq;
use zenome::io::sam_record::SamRecord;

/// Runs zenome and expects exit status 1 with one line on standard error containing `what`.
fn fails_with(args: &[&str], what: &str) -> String {
    let out = zenome(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(what), "{args:?}: expected '{what}' in: {err}");
    err
}

fn copy_to(dir: &Path, rel: &str, name: &str) -> String {
    let p = dir.join(name);
    std::fs::copy(test_data(rel), &p).expect("copy test data");
    p.display().to_string()
}

fn sim_bam(dir: &Path) -> String {
    sim60k_bam(dir, "sim.bam", &[])
}

/// `call` of `bam` into `out` fails with `what`, and writes nothing.
fn call_fails(bam: &Path, out: &Path, what: &str) {
    let reference = test_data("sim-60k/ref.fa");
    let (bam, o) = (bam.display().to_string(), out.display().to_string());
    fails_with(&call_args(&reference, &bam, &o, &[]), what);
    assert!(!out.exists());
}

// ---- Data loss ----------------------------------------------------------------------------

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let reference = copy_to(d, "sim-60k/ref.fa", "ref.fa");
    let r1 = copy_to(d, "sim-60k/reads_1.fq.gz", "r1.fq.gz");
    let r2 = copy_to(d, "sim-60k/reads_2.fq.gz", "r2.fq.gz");
    ok(&["index", &reference]);
    let bam = sim_bam(d);
    let zmi = format!("{reference}.zmi");
    let before: Vec<Vec<u8>> = [&reference, &r1, &bam, &zmi]
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    for out in [&r1, &reference, &zmi] {
        fails_with(
            &["align", &reference, &r1, &r2, "-o", out],
            "that is an input",
        );
    }
    // Another spelling of the same file is the same file.
    let alias = d.join("alias.bam");
    std::os::unix::fs::symlink(&bam, &alias).expect("symlink");
    for out in [bam.as_str(), alias.to_str().expect("path")] {
        fails_with(&["call", &reference, &bam, "-o", out], "that is an input");
    }
    let after: Vec<Vec<u8>> = [&reference, &r1, &bam, &zmi]
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    assert!(before == after, "an input changed");
}

#[test]
fn an_output_link_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let target = d.join("real.sam");
    std::fs::write(&target, "old").expect("write");
    let link = d.join("link.sam");
    std::os::unix::fs::symlink("real.sam", &link).expect("symlink");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("bad/two_reads.fq"),
        "-o",
        link.to_str().expect("path"),
        "-q",
    ]);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("stat")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .starts_with("@HD")
    );
    // A link to a file descriptor, as /dev/stdout is: written in place, the link kept.
    let fd_link = d.join("stdout.sam");
    std::os::unix::fs::symlink("/proc/self/fd/1", &fd_link).expect("symlink");
    let captured = d.join("captured.sam");
    let status = Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args([
            "align",
            &test_data("sim-60k/ref.fa"),
            &test_data("bad/two_reads.fq"),
            "-o",
            fd_link.to_str().expect("path"),
            "-q",
        ])
        .stdout(std::fs::File::create(&captured).expect("create"))
        .status()
        .expect("run");
    assert!(status.success());
    assert!(
        std::fs::symlink_metadata(&fd_link)
            .expect("stat")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&captured)
            .expect("read")
            .starts_with("@HD")
    );
    assert!(
        std::fs::symlink_metadata("/dev/stdout")
            .expect("stat")
            .file_type()
            .is_symlink()
    );
}

// ---- Silent wrong output ------------------------------------------------------------------

#[test]
fn an_index_of_an_edited_fasta_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = copy_to(dir.path(), "sim-60k/ref.fa", "ref.fa");
    ok(&["index", &reference]);
    // A copy with a new time but the same bytes is still the same reference.
    std::thread::sleep(Duration::from_millis(20));
    let text = std::fs::read_to_string(&reference).expect("read");
    std::fs::write(&reference, &text).expect("rewrite");
    let reads = test_data("bad/two_reads.fq");
    ok(&["align", &reference, &reads, "-o", "-", "-q"]);
    // One base changed: same size, other contents.
    let edited = text.replacen("\nA", "\nC", 1);
    assert_ne!(edited, text);
    std::fs::write(&reference, edited).expect("edit");
    fails_with(
        &["align", &reference, &reads, "-o", "-"],
        "built from another version of",
    );
}

#[test]
fn read_names_over_254_characters_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fq = dir.path().join("long_name.fq");
    std::fs::write(
        &fq,
        format!("@{}\nACGTACGTAC\n+\nIIIIIIIIII\n", "n".repeat(255)),
    )
    .expect("write");
    let out = dir.path().join("o.bam");
    fails_with(
        &[
            "align",
            &test_data("sim-60k/ref.fa"),
            fq.to_str().expect("path"),
            "-o",
            out.to_str().expect("path"),
        ],
        "line 1: read 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...': the name has 255 characters",
    );
    assert!(!out.exists());
}

#[test]
fn a_read_group_with_real_tabs_is_taken_and_the_pg_line_escaped() {
    let out = ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("bad/two_reads.fq"),
        "-o",
        "-",
        "-R",
        "@RG\tID:x\tSM:y",
        "-q",
    ]);
    let sam = String::from_utf8(out.stdout).expect("utf-8");
    assert!(sam.contains("@RG\tID:x\tSM:y\n"), "{sam}");
    let pg = sam.lines().find(|l| l.starts_with("@PG")).expect("@PG");
    assert_eq!(pg.split('\t').count(), 5, "{pg}");
    assert!(pg.contains("-R @RG\\tID:x\\tSM:y"), "{pg}");
}

#[test]
fn call_with_dash_writes_standard_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = sim_bam(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_zenome"))
        .current_dir(dir.path())
        .args(["call", &test_data("sim-60k/ref.fa"), &bam, "-o", "-", "-q"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("##fileformat=VCFv4.2\n"));
    assert!(text.lines().filter(|l| !l.starts_with('#')).count() > 40);
    assert!(!dir.path().join("-").exists());
}

#[test]
fn eval_with_no_contig_in_common_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("r.fa"), ">chr1\nACGTACGTAC\n>1\nACGTACGTAC\n").expect("write");
    let vcf = |c: &str| {
        format!(
            "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n{c}\t3\t.\tG\tA\t.\tPASS\t.\n"
        )
    };
    std::fs::write(p("t.vcf"), vcf("chr1")).expect("write");
    std::fs::write(p("q.vcf"), vcf("1")).expect("write");
    fails_with(
        &eval_args(&p("r.fa"), &p("t.vcf"), &p("q.vcf"), &[]),
        "no contig in common with the truth",
    );
}

fn write_bam(path: &Path, records: &[SamRecord]) {
    let dict = [RefSeq {
        name: "sim1".into(),
        len: 60_000,
        m5: [0; 16],
    }];
    let header = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:sim1\tLN:60000\n";
    let mut w = BamWriter::create(path, header, &dict, 1).expect("create bam");
    let mut bytes = Vec::new();
    for r in records {
        r.encode_bam(&mut bytes);
    }
    w.write(&bytes).expect("write records");
    w.finish(false).expect("finish bam");
}

/// A BAM of `records` under a header claiming coordinate order, on contig `sim1` of the
/// simulated reference, with the index of `indexed` (a well-formed BAM noodles can index: it
/// refuses to index the bad ones, as a stale or foreign index would have come about).
fn crafted_bam(path: &Path, indexed: &[SamRecord], records: &[SamRecord]) {
    write_bam(path, indexed);
    let index = noodles_bam::fs::index(path).expect("index the crafted bam");
    write_bam(path, records);
    let noodles_bam::index::Index::Bai(bai) = index else {
        panic!("expected a BAI")
    };
    noodles_bam::bai::fs::write(format!("{}.bai", path.display()), &bai).expect("write bai");
}

fn read_at(name: &str, pos: i64, cigar: Vec<CigarOp>, len: usize) -> SamRecord {
    SamRecord {
        name: name.as_bytes().to_vec(),
        tid: 0,
        pos,
        mapq: 60,
        cigar,
        mate_tid: -1,
        mate_pos: -1,
        seq: vec![0; len],
        qual: vec![30; len],
        ..SamRecord::default()
    }
}

#[test]
fn bam_records_out_of_order_despite_the_header_are_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = dir.path().join("unsorted.bam");
    let m = |n| vec![CigarOp::new(Kind::Match, n)];
    let (early, late) = (
        read_at("early", 1_000, m(100), 100),
        read_at("late", 1_200, m(100), 100),
    );
    crafted_bam(&bam, &[early.clone(), late.clone()], &[late, early]);
    call_fails(
        &bam,
        &dir.path().join("o.vcf"),
        "record 'early' at sim1:1001 comes after one at sim1:1201: the BAM is not sorted",
    );
}

#[test]
fn a_bam_cigar_past_the_contig_end_or_unlike_its_sequence_is_an_input_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let m = |n| vec![CigarOp::new(Kind::Match, n)];
    let cases = [
        (
            "past_end",
            read_at("r", 59_950, m(100), 100),
            "outside the contig",
        ),
        (
            "long_cigar",
            read_at("r", 1_000, m(120), 100),
            "covers 120 bases but the sequence has 100",
        ),
    ];
    for (name, rec, what) in cases {
        let bam = dir.path().join(format!("{name}.bam"));
        let mut rec = rec;
        rec.name = b"bad".to_vec();
        crafted_bam(&bam, &[read_at("r", 1_000, m(100), 100)], &[rec]);
        call_fails(&bam, &dir.path().join(format!("{name}.vcf")), what);
    }
}

#[test]
fn cram_output_is_real_cram_and_upper_case_vcf_gz_is_bgzipped() {
    // Once a BAM was written under the .cram name; then CRAM was refused; now it is CRAM.
    let dir = tempfile::tempdir().expect("temp dir");
    let cram = dir.path().join("out.cram");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("bad/two_reads.fq"),
        "-o",
        cram.to_str().expect("path"),
        "-q",
    ]);
    let bytes = std::fs::read(&cram).expect("read");
    assert_eq!(&bytes[..4], b"CRAM");
    assert!(dir.path().join("out.cram.crai").exists());
    let bam = sim_bam(dir.path());
    let vcf = dir.path().join("OUT.VCF.GZ");
    ok(&[
        "call",
        &test_data("sim-60k/ref.fa"),
        &bam,
        "-o",
        vcf.to_str().expect("path"),
        "-q",
    ]);
    let bytes = std::fs::read(&vcf).expect("read");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "not compressed");
    assert!(dir.path().join("OUT.VCF.GZ.tbi").exists());
}

// ---- Panics and hangs ---------------------------------------------------------------------

#[test]
fn absurd_thread_counts_are_refused_at_once() {
    for t in ["10000", "99999999999"] {
        let started = Instant::now();
        fails_with(
            &[
                "align",
                &test_data("sim-60k/ref.fa"),
                &test_data("bad/two_reads.fq"),
                "-o",
                "-",
                "-t",
                t,
            ],
            "worker threads",
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "-t {t} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_zero_read_length_simulation_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    fails_with(
        &[
            "simulate",
            "-o",
            dir.path().to_str().expect("path"),
            "--read-length",
            "0",
        ],
        "--read-length 0:",
    );
}

#[test]
fn a_vcf_deletion_past_the_contig_end_is_an_input_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("r.fa"), ">c\nACGTACGTAC\n").expect("write");
    let head = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n";
    std::fs::write(p("t.vcf"), format!("{head}c\t3\t.\tG\tA\t.\tPASS\t.\n")).expect("write");
    std::fs::write(p("q.vcf"), format!("{head}c\t9\t.\tACGTA\tA\t.\tPASS\t.\n")).expect("write");
    fails_with(
        &eval_args(&p("r.fa"), &p("t.vcf"), &p("q.vcf"), &[]),
        "line 3: c:9 REF ACGTA reaches past the end of the contig (length 10)",
    );
}

// ---- Leftovers ----------------------------------------------------------------------------

#[test]
fn an_interrupted_align_leaves_nothing_behind() {
    let inputs = tempfile::tempdir().expect("temp dir");
    let reads = many_reads(inputs.path());
    for signal in ["-INT", "-TERM"] {
        let out = tempfile::tempdir().expect("temp dir");
        let bam = out.path().join("x.bam");
        let code = interrupt(
            &[
                "align",
                &test_data("sim-60k/ref.fa"),
                reads.to_str().expect("path"),
                "-o",
                bam.to_str().expect("path"),
                "--sort-mem",
                "1",
                "-t",
                "1",
            ],
            out.path(),
            signal,
        );
        assert!(matches!(code, Some(130 | 143)), "{signal}: exit {code:?}");
        assert!(
            files_in(out.path()).is_empty(),
            "{signal} left {:?}",
            files_in(out.path())
        );
    }
}

#[test]
fn an_interrupted_index_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A 20 Mb reference takes the index a few seconds.
    let mut fa = b">big\n".to_vec();
    let mut x = 7u64;
    for i in 0..20_000_000u64 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        fa.push(b"ACGT"[(x >> 62) as usize]);
        if i % 80 == 79 {
            fa.push(b'\n');
        }
    }
    let reference = dir.path().join("big.fa");
    std::fs::write(&reference, fa).expect("write");
    let code = interrupt(
        &["index", reference.to_str().expect("path")],
        dir.path(),
        "-INT",
    );
    assert_eq!(code, Some(130));
    assert_eq!(files_in(dir.path()), ["big.fa"]);
}

#[test]
fn temporaries_of_dead_runs_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = dir.path().join("x.bam");
    // Process ids above the kernel's limit (2^22) are never alive.
    std::fs::write(dir.path().join("x.bam.tmp.99999999"), "partial").expect("write");
    std::fs::create_dir(dir.path().join(".zenome-sort.99999999.abc")).expect("mkdir");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("bad/two_reads.fq"),
        "-o",
        bam.to_str().expect("path"),
        "-q",
    ]);
    assert_eq!(files_in(dir.path()), ["x.bam", "x.bam.bai"]);
}

#[test]
fn a_file_size_limit_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = dir.path().join("x.bam");
    // `ulimit -f 64`: writes past 64 KiB raise SIGXFSZ, whose default action kills the process.
    let script = format!(
        "ulimit -f 64; exec {} align {} {} {} -o {} -q",
        env!("CARGO_BIN_EXE_zenome"),
        test_data("sim-60k/ref.fa"),
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
        bam.display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

// ---- Unclear or late messages -------------------------------------------------------------

#[test]
fn a_stale_bai_and_a_truncated_bam_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = PathBuf::from(sim_bam(dir.path()));
    let out = dir.path().join("o.vcf");
    // The BAM rewritten after its index: the index is stale.
    std::thread::sleep(Duration::from_millis(20));
    let bytes = std::fs::read(&bam).expect("read");
    std::fs::write(&bam, &bytes).expect("rewrite");
    call_fails(&bam, &out, "a stale index");
    std::fs::write(&bam, &bytes[..bytes.len() / 2]).expect("truncate");
    call_fails(&bam, &out, "truncated");
}

#[test]
fn a_reversed_region_says_the_start_is_after_the_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = sim_bam(dir.path());
    fails_with(
        &[
            "call",
            &test_data("sim-60k/ref.fa"),
            &bam,
            "-o",
            "-",
            "-r",
            "sim1:2000-1000",
        ],
        "-r sim1:2000-1000: the start (2000) is after the end (1000)",
    );
}

#[test]
fn a_metrics_file_in_a_missing_folder_fails_before_any_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bam = dir.path().join("x.bam");
    let metrics = dir.path().join("missing/m.json");
    fails_with(
        &[
            "align",
            &test_data("sim-60k/ref.fa"),
            &test_data("bad/two_reads.fq"),
            "-o",
            bam.to_str().expect("path"),
            "--metrics",
            metrics.to_str().expect("path"),
        ],
        "does not exist",
    );
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn run_with_a_folder_as_prefix_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = format!("{}/", dir.path().display());
    fails_with(
        &[
            "run",
            &test_data("sim-60k/ref.fa"),
            &test_data("bad/two_reads.fq"),
            "-o",
            &folder,
        ],
        "expected a file prefix",
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn a_fastq_header_of_just_at_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fq = dir.path().join("noname.fq");
    std::fs::write(&fq, "@\nACGT\n+\nIIII\n").expect("write");
    fails_with(
        &[
            "align",
            &test_data("sim-60k/ref.fa"),
            fq.to_str().expect("path"),
            "-o",
            "-",
        ],
        "noname.fq: line 1: the read has no name",
    );
}
