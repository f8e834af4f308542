//! A scattered run (what workflow/Snakefile does: split, align chunks, concat, call parts,
//! concat) gives the BAM records, VCF records and duplicate metrics of one `zenome run`, and
//! `concat` refuses parts that do not make a whole.

mod common;

use std::path::{Path, PathBuf};

use common::{
    bam_header_text, bam_records, files_in, metrics_rows, ok, test_data, two_lanes, vcf_body,
    zenome,
};

/// What both ways of running give: records, the header without `@PG`, the VCF body and the
/// duplicate metrics rows.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: usize,
    record_text: Vec<String>,
    header: String,
    vcf: String,
    dups: Vec<Vec<String>>,
}

fn outcome(bam: &Path, vcf: &Path, dups: &Path) -> Outcome {
    let records: Vec<String> = bam_records(bam).iter().map(|r| format!("{r:?}")).collect();
    Outcome {
        records: records.len(),
        record_text: records,
        header: bam_header_text(bam)
            .lines()
            .filter(|l| !l.starts_with("@PG"))
            .collect::<Vec<_>>()
            .join("\n"),
        vcf: vcf_body(vcf),
        dups: metrics_rows(dups),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `zenome run` on the reads.
fn one_run(d: &Path, reads: &[String]) -> Outcome {
    let prefix = d.join("one");
    let mut args = vec!["run".to_string(), test_data("sim-60k/ref.fa")];
    args.extend(reads.iter().cloned());
    args.extend(["-o".into(), s(&prefix).into(), "-q".into()]);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    outcome(
        &d.join("one.bam"),
        &d.join("one.vcf.gz"),
        &d.join("one.dup_metrics.txt"),
    )
}

/// The workflow's steps, by hand: `chunks` read chunks, `parts` calling parts. `list` says
/// whether the reads are a `--fastq-list` (the chunks then are lists too).
fn scattered(d: &Path, reads: &[String], list: bool, chunks: usize, parts: usize) -> Outcome {
    let reference = test_data("sim-60k/ref.fa");
    let split = d.join("split");
    let mut args = vec!["split".to_string()];
    args.extend(reads.iter().cloned());
    args.extend([
        "--chunks".into(),
        chunks.to_string(),
        "-o".into(),
        s(&split).into(),
        "-q".into(),
    ]);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let table = std::fs::read_to_string(split.join("chunks.tsv")).unwrap();
    let offsets: Vec<String> = table
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(offsets.len(), chunks, "{table}");
    let model = d.join("insert_size.tsv");
    ok(&[
        "align",
        &reference,
        s(&split.join("head/reads_1.fq.gz")),
        s(&split.join("head/reads_2.fq.gz")),
        "-o",
        "/dev/null",
        "--unsorted",
        "--insert-size-out",
        s(&model),
        "-q",
    ]);
    let mut zchunks = Vec::new();
    for (i, offset) in offsets.iter().enumerate() {
        let c = split.join(format!("chunk_{}", i + 1));
        let out = d.join(format!("c{}.zchunk", i + 1));
        let list_path = c.join("fastq_list.csv");
        let (r1, r2) = (c.join("reads_1.fq.gz"), c.join("reads_2.fq.gz"));
        // -Y: supplementary records soft-clipped, as `run` writes them.
        let mut args = vec!["align", "-Y", &reference];
        if list {
            args.extend(["--fastq-list", s(&list_path)]);
        } else {
            args.extend([s(&r1), s(&r2)]);
        }
        args.extend([
            "--fragment-offset",
            offset,
            "--insert-size",
            s(&model),
            "-o",
            s(&out),
            "-q",
        ]);
        ok(&args);
        zchunks.push(out);
    }
    let (bam, dups) = (d.join("s.bam"), d.join("s.dup_metrics.txt"));
    let mut args = vec!["concat"];
    args.extend(zchunks.iter().map(|p| s(p)));
    args.extend(["-o", s(&bam), "--dup-metrics", s(&dups), "-q"]);
    ok(&args);
    let mut vcfs: Vec<PathBuf> = Vec::new();
    let mut nonempty = 0;
    for j in 1..=parts {
        let part = d.join(format!("p{j}.vcf.gz"));
        ok(&[
            "call",
            &reference,
            s(&bam),
            "--scatter",
            &format!("{j}/{parts}"),
            "-o",
            s(&part),
            "-q",
        ]);
        nonempty += usize::from(!vcf_body(&part).is_empty());
        vcfs.push(part);
    }
    assert!(
        nonempty >= 2,
        "the test wants records in at least two parts"
    );
    let vcf = d.join("s.vcf.gz");
    let mut args = vec!["concat"];
    args.extend(vcfs.iter().map(|p| s(p)));
    args.extend(["-o", s(&vcf), "-q"]);
    ok(&args);
    outcome(&bam, &vcf, &dups)
}

#[test]
fn a_scattered_run_gives_the_records_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let reads = vec![
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    ];
    let one = one_run(dir.path(), &reads);
    assert!(one.records > 1000 && !one.vcf.is_empty() && one.dups.len() == 1);
    for (chunks, parts) in [(3, 3), (1, 2), (7, 4)] {
        let d = dir.path().join(format!("s{chunks}x{parts}"));
        std::fs::create_dir(&d).unwrap();
        let got = scattered(&d, &reads, false, chunks, parts);
        assert!(
            got == one,
            "{chunks} chunks x {parts} parts differ from one run"
        );
    }
}

#[test]
fn a_scattered_run_of_lanes_keeps_their_read_groups_and_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [(a1, a2), (b1, b2)] = two_lanes(d);
    let list = d.join("fastq_list.csv");
    std::fs::write(
        &list,
        format!(
            "RGID,RGSM,RGLB,Lane,Read1File,Read2File\nA.1,S,lib,1,{},{}\nB.2,S,lib,2,{},{}\n",
            a1.display(),
            a2.display(),
            b1.display(),
            b2.display()
        ),
    )
    .unwrap();
    let reads = vec!["--fastq-list".to_string(), s(&list).to_string()];
    let one = one_run(d, &reads);
    assert_eq!(one.header.matches("@RG").count(), 2, "{}", one.header);
    // Four chunks of two lanes: some chunk holds reads of one lane only.
    let sd = d.join("scattered");
    std::fs::create_dir(&sd).unwrap();
    let got = scattered(&sd, &reads, true, 4, 2);
    assert!(got == one, "the scattered lanes differ from one run");
}

#[test]
fn concat_refuses_parts_that_do_not_make_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reference = test_data("sim-60k/ref.fa");
    let split = d.join("split");
    ok(&[
        "split",
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "--chunks",
        "3",
        "-o",
        s(&split),
        "-q",
    ]);
    let table = std::fs::read_to_string(split.join("chunks.tsv")).unwrap();
    let offsets: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    let chunk = |i: usize| {
        let c = split.join(format!("chunk_{i}"));
        let out = d.join(format!("c{i}.zchunk"));
        ok(&[
            "align",
            "-Y",
            &reference,
            s(&c.join("reads_1.fq.gz")),
            s(&c.join("reads_2.fq.gz")),
            "--fragment-offset",
            offsets[i - 1],
            "-o",
            s(&out),
            "-q",
        ]);
        out
    };
    let (c1, c2, c3) = (chunk(1), chunk(2), chunk(3));
    let bam = d.join("x.bam");
    let refused = |args: &[&str], what: &str| {
        let out = zenome(args);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(what), "{args:?}: {err}");
        assert!(!bam.exists(), "{args:?} left {}", bam.display());
    };
    refused(&["concat", s(&c1), s(&c3), "-o", s(&bam)], "fragment");
    refused(
        &["concat", s(&c2), s(&c1), s(&c3), "-o", s(&bam)],
        "c2.zchunk",
    );
    // A chunk cut short (a job killed while writing would leave none, but a copy may break).
    let bytes = std::fs::read(&c2).unwrap();
    let cut = d.join("cut.zchunk");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &["concat", s(&c1), s(&cut), s(&c3), "-o", s(&bam)],
        "cut.zchunk",
    );
    refused(
        &[
            "concat",
            s(&c1),
            &test_data("sim-60k/ref.fa"),
            "-o",
            s(&bam),
        ],
        "mix",
    );
    refused(
        &["concat", s(&d.join("none.zchunk")), "-o", s(&bam)],
        "none.zchunk",
    );
    ok(&["concat", s(&c1), s(&c2), s(&c3), "-o", s(&bam), "-q"]);
    let left: Vec<String> = files_in(d)
        .into_iter()
        .filter(|f| f.contains("tmp") || f.contains(".zenome-"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let scatter = |v: &str| {
        let out = zenome(&[
            "call",
            &reference,
            s(&bam),
            "--scatter",
            v,
            "-o",
            s(&d.join("p.vcf.gz")),
        ]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    for bad in ["0/4", "5/4", "1/0", "x/4"] {
        let (code, err) = scatter(bad);
        assert_ne!(code, Some(0), "--scatter {bad}");
        assert!(err.contains(bad), "--scatter {bad}: {err}");
    }
}
