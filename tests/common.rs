//! Helpers shared by the integration tests: run the real binary, read BAMs back.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use noodles_sam::alignment::RecordBuf;

pub fn zenome(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(args)
        .output()
        .expect("run zenome")
}

pub fn ok(args: &[&str]) -> Output {
    let out = zenome(args);
    assert!(
        out.status.success(),
        "zenome {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn test_data(rel: &str) -> String {
    root().join("test-data").join(rel).display().to_string()
}

/// The SAM header text of a BAM.
pub fn bam_header_text(path: &Path) -> String {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(&bytes[..4], b"BAM\x01");
    let n = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    String::from_utf8(bytes[8..8 + n].to_vec()).unwrap()
}

/// Every record of a BAM.
pub fn bam_records(path: &Path) -> Vec<RecordBuf> {
    let mut reader = noodles_bam::io::reader::Builder
        .build_from_path(path)
        .unwrap();
    let header = reader.read_header().unwrap();
    reader.record_bufs(&header).map(|r| r.unwrap()).collect()
}

/// (primary reads, mapped, properly paired) of a BAM.
pub fn flag_counts(path: &Path) -> (u64, u64, u64) {
    let (mut n, mut mapped, mut proper) = (0, 0, 0);
    for r in bam_records(path) {
        let f = r.flags();
        if f.is_secondary() || f.is_supplementary() {
            continue;
        }
        n += 1;
        mapped += u64::from(!f.is_unmapped());
        proper += u64::from(f.is_properly_segmented());
    }
    (n, mapped, proper)
}

/// Aligns the sim-60k pairs into a sorted BAM `dir/name`, with `extra` flags; returns its path.
pub fn sim60k_bam(dir: &Path, name: &str, extra: &[&str]) -> String {
    let bam = dir.join(name);
    let (reference, r1, r2) = (
        test_data("sim-60k/ref.fa"),
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let out = bam.display().to_string();
    let mut args = vec!["align", &reference, &r1, &r2, "-o", &out, "-q"];
    args.extend_from_slice(extra);
    ok(&args);
    out
}

/// `zenome eval --ref R --truth T --query Q` and `extra` flags, as arguments.
pub fn eval_args<'a>(
    reference: &'a str,
    truth: &'a str,
    query: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "eval", "--ref", reference, "--truth", truth, "--query", query,
    ];
    args.extend_from_slice(extra);
    args
}

/// `zenome call R BAM -o OUT` and `extra` flags, as arguments.
pub fn call_args<'a>(
    reference: &'a str,
    bam: &'a str,
    out: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["call", reference, bam, "-o", out];
    args.extend_from_slice(extra);
    args
}

/// The names in a folder, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Starts `args`, waits until a temporary file appears in `dir`, sends `signal`, and returns
/// the exit status.
pub fn interrupt(args: &[&str], dir: &Path, signal: &str) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(args)
        .stderr(Stdio::null())
        .spawn()
        .expect("start");
    let started = Instant::now();
    while !files_in(dir)
        .iter()
        .any(|f| f.contains(".tmp.") || f.starts_with(".zenome-sort"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no temporary file appeared"
        );
        if child.try_wait().expect("wait").is_some() {
            panic!("finished before it could be interrupted");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // The shell's own kill: no procps needed.
    let kill = format!("kill {signal} {}", child.id());
    Command::new("sh")
        .args(["-c", &kill])
        .status()
        .expect("kill");
    child.wait().expect("wait").code()
}

/// Enough reads that alignment takes a moment: sim-60k's reads, eight times over.
pub fn many_reads(dir: &Path) -> PathBuf {
    let p = dir.join("many.fq");
    let mut text = Vec::new();
    let one = {
        use std::io::Read;
        let mut s = Vec::new();
        flate2::read::MultiGzDecoder::new(
            std::fs::File::open(test_data("sim-60k/reads_1.fq.gz")).expect("open"),
        )
        .read_to_end(&mut s)
        .expect("gunzip");
        s
    };
    for _ in 0..8 {
        text.extend_from_slice(&one);
    }
    std::fs::write(&p, text).expect("write");
    p
}

/// The VCF body (records, no header) of a bgzipped VCF.
pub fn vcf_body(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The data rows of a Picard-style metrics file (the line after the class line onwards).
pub fn metrics_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip_while(|l| !l.starts_with("## METRICS CLASS"))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// Writes every `step`-th record of a gzipped FASTQ, from record `from`, to a plain FASTQ.
pub fn fastq_part(src: &str, dst: &Path, from: usize, step: usize) {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(src).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let out: String = lines
        .chunks(4)
        .skip(from)
        .step_by(step)
        .map(|r| r.join("\n") + "\n")
        .collect();
    std::fs::write(dst, out).unwrap();
}

/// Splits the simulated pairs into two lanes (even and odd records); returns their files.
pub fn two_lanes(dir: &Path) -> [(PathBuf, PathBuf); 2] {
    [0, 1].map(|k| {
        let (a, b) = (
            dir.join(format!("l{k}_1.fq")),
            dir.join(format!("l{k}_2.fq")),
        );
        fastq_part(&test_data("sim-60k/reads_1.fq.gz"), &a, k, 2);
        fastq_part(&test_data("sim-60k/reads_2.fq.gz"), &b, k, 2);
        (a, b)
    })
}

/// GATK WARP's bwa command line with zenome in bwa's place (`-K 100000000 -p -v 3 -t 2 -Y`,
/// then `extra`, REF, `-` for interleaved pairs on standard input, `-o -`).
pub fn warp_align_args<'a>(reference: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["align", "-K", "100000000", "-p", "-v", "3", "-t", "2", "-Y"];
    args.extend_from_slice(extra);
    args.extend([reference, "-", "-o", "-"]);
    args
}
