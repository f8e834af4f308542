//! Bad input: exit status 1, one line naming the file and the problem, no output left behind.

mod common;

use common::*;

fn expect_input_error(args: &[&str], file: &str, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("out.bam");
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["-o", bam.to_str().unwrap()]);
    let out = zenome(&full);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{args:?}: {err}");
    assert!(
        lines[0].contains(file) && lines[0].contains(what),
        "{args:?}: {err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{args:?} left files behind: {left:?}");
}

#[test]
fn fastq_problems_name_file_record_and_problem() {
    let reference = test_data("sim-60k/ref.fa");
    let bad = |f: &str| test_data(&format!("bad/{f}"));
    expect_input_error(
        &["align", &reference, &bad("qual_length.fq")],
        "qual_length.fq",
        "line 1: read 'r1': sequence has 10 bases but quality has 9",
    );
    expect_input_error(
        &["align", &reference, &bad("missing_plus.fq")],
        "missing_plus.fq",
        "missing '+' line",
    );
    expect_input_error(
        &["align", &reference, &bad("truncated.fq.gz")],
        "truncated.fq.gz",
        "truncated",
    );
    expect_input_error(
        &["align", &reference, &bad("long_read.fq")],
        "long_read.fq",
        "longer than the supported maximum",
    );
}

#[test]
fn mate_problems_are_caught() {
    let reference = test_data("sim-60k/ref.fa");
    let bad = |f: &str| test_data(&format!("bad/{f}"));
    expect_input_error(
        &[
            "align",
            &reference,
            &bad("two_reads.fq"),
            &bad("other_names.fq"),
        ],
        "other_names.fq",
        "record 2: mate names differ ('r2' in the first file, 'rX' here)",
    );
    expect_input_error(
        &[
            "align",
            &reference,
            &bad("two_reads.fq"),
            &bad("one_read.fq"),
        ],
        "one_read.fq",
        "ends after 1 records",
    );
    expect_input_error(
        &[
            "align",
            &reference,
            &bad("one_read.fq"),
            &bad("two_reads.fq"),
        ],
        "one_read.fq",
        "ends after 1 records",
    );
    expect_input_error(
        &["align", &reference, &bad("two_reads.fq"), &bad("empty.fq")],
        "empty.fq",
        "ends after 0 records",
    );
}

#[test]
fn reference_problems_are_caught() {
    let reads = test_data("bad/one_read.fq");
    expect_input_error(
        &["align", &test_data("bad/duplicate_contigs.fa"), &reads],
        "duplicate_contigs.fa",
        "duplicate contig name 'a'",
    );
    expect_input_error(
        &["align", &test_data("bad/no_sequence.fa"), &reads],
        "no_sequence.fa",
        "has no sequence",
    );
    expect_input_error(
        &["align", "/nonexistent/ref.fa", &reads],
        "/nonexistent/ref.fa",
        "No such file",
    );
}

#[test]
fn usage_errors_exit_with_one() {
    let out = zenome(&["align"]);
    assert_eq!(out.status.code(), Some(1));
    let out = zenome(&["align", "r.fa", "a.fq", "-o", "-", "-R", "ID:x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("must start with '@RG"));
}
