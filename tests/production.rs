//! Production runs: `zenome run` gives the same files whatever the threads and batch sizes,
//! lanes from a `--fastq-list` get their read groups, and duplicates are marked per library
//! across lanes.

mod common;

use std::path::Path;

use common::{
    bam_header_text, bam_records, call_args, files_in, interrupt, many_reads, metrics_rows, ok,
    test_data, two_lanes, vcf_body, zenome,
};

/// Checks that a page is well-formed XML and returns the ids of its `figure` elements.
fn figure_ids(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut ids = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if e.name().as_ref() == b"figure" {
                    let id = e.try_get_attribute("id").unwrap().expect("a figure id");
                    ids.push(String::from_utf8(id.value.to_vec()).unwrap());
                }
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unclosed elements");
    ids
}

#[test]
fn run_writes_qc_metrics_and_a_self_contained_report() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("s1");
    let p = prefix.to_str().unwrap();
    let metrics = dir.path().join("m.json");
    ok(&[
        "run",
        &test_data("sim-60k/ref.fa"),
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "-o",
        p,
        "-q",
        "--metrics",
        metrics.to_str().unwrap(),
    ]);
    let ids = figure_ids(&dir.path().join("s1.report.html"));
    assert_eq!(
        ids,
        ["insert-size", "coverage", "base-quality", "step-time"]
    );
    let html = std::fs::read_to_string(dir.path().join("s1.report.html")).unwrap();
    assert!(
        !html.contains("src=") && !html.contains("href=") && !html.contains("<script"),
        "the page fetches nothing and runs nothing"
    );
    let json = std::fs::read_to_string(&metrics).unwrap();
    for key in [
        "\"cpu_seconds\"",
        "\"peak_memory_mb\"",
        "\"cpu_by_step\": {\"align\"",
        "\"mapping\": {\"reads\"",
        "\"duplication\": {\"rate\"",
        "\"insert_size\": {\"pairs\"",
        "\"coverage\": {\"bases\"",
        "\"at_least_30x\"",
        "\"base_quality\": {\"read1\"",
        "\"ti_tv\"",
        "\"het_hom\"",
    ] {
        assert!(json.contains(key), "{key} missing from {json}");
    }
}

#[test]
fn run_is_identical_across_threads_and_batch_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let mut outputs = Vec::new();
    for (t, batch, mem) in [
        ("1", "300", "1024"),
        ("2", "5000", "1024"),
        ("8", "77", "1"),
    ] {
        let prefix = dir.path().join(format!("t{t}-b{batch}"));
        let p = prefix.to_str().unwrap();
        ok(&[
            "run",
            &reference,
            &r1,
            &r2,
            "-o",
            p,
            "-t",
            t,
            "--batch-size",
            batch,
            "--sort-mem",
            mem,
            "-q",
        ]);
        outputs.push((
            bam_records(Path::new(&format!("{p}.bam"))),
            vcf_body(Path::new(&format!("{p}.vcf.gz"))),
            metrics_rows(Path::new(&format!("{p}.dup_metrics.txt"))),
        ));
    }
    assert!(!outputs[0].0.is_empty() && !outputs[0].1.is_empty());
    for (i, o) in outputs.iter().enumerate().skip(1) {
        assert!(o.0 == outputs[0].0, "run {i}: BAM records differ");
        assert_eq!(o.1, outputs[0].1, "run {i}: VCF bodies differ");
        assert_eq!(o.2, outputs[0].2, "run {i}: duplicate metrics differ");
    }
}

#[test]
fn lanes_of_one_library_get_read_groups_and_the_one_lane_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reference = test_data("sim-60k/ref.fa");
    let [(a1, a2), (b1, b2)] = two_lanes(d);
    // The same reads as one lane: both lanes' files concatenated.
    let cat = |x: &Path, y: &Path, to: &str| {
        let mut t = std::fs::read_to_string(x).unwrap();
        t.push_str(&std::fs::read_to_string(y).unwrap());
        let p = d.join(to);
        std::fs::write(&p, t).unwrap();
        p
    };
    let (c1, c2) = (cat(&a1, &b1, "all_1.fq"), cat(&a2, &b2, "all_2.fq"));
    let one = d.join("one");
    ok(&[
        "run",
        &reference,
        c1.to_str().unwrap(),
        c2.to_str().unwrap(),
        "-R",
        "@RG\\tID:x\\tSM:S\\tLB:lib",
        "-o",
        one.to_str().unwrap(),
        "-q",
    ]);
    std::fs::write(
        d.join("fastq_list.csv"),
        "RGID,RGSM,RGLB,Lane,Read1File,Read2File\n\
         FC.1,S,lib,1,l0_1.fq,l0_2.fq\n\
         FC.2,S,lib,2,l1_1.fq,l1_2.fq\n",
    )
    .unwrap();
    let two = d.join("two");
    ok(&[
        "run",
        &reference,
        "--fastq-list",
        d.join("fastq_list.csv").to_str().unwrap(),
        "-o",
        two.to_str().unwrap(),
        "-q",
    ]);
    let header = bam_header_text(&d.join("two.bam"));
    let rgs: Vec<&str> = header.lines().filter(|l| l.starts_with("@RG")).collect();
    assert_eq!(rgs.len(), 2, "{header}");
    assert!(
        rgs[0].starts_with("@RG\tID:FC.1\tSM:S\tLB:lib\tPL:ILLUMINA\tPU:"),
        "{}",
        rgs[0]
    );
    let (ra, rb) = (
        bam_records(&d.join("one.bam")),
        bam_records(&d.join("two.bam")),
    );
    assert_eq!(ra.len(), rb.len());
    let dups = |rs: &[noodles_sam::alignment::RecordBuf]| {
        rs.iter().filter(|r| r.flags().is_duplicate()).count()
    };
    assert!(dups(&ra) > 0);
    assert_eq!(
        dups(&ra),
        dups(&rb),
        "one library over two lanes: the one-lane duplicates"
    );
    let (ma, mb) = (
        metrics_rows(&d.join("one.dup_metrics.txt")),
        metrics_rows(&d.join("two.dup_metrics.txt")),
    );
    assert_eq!(ma.len(), 1);
    assert_eq!(ma, mb);
    assert_eq!(ma[0][0], "lib");
    // The same sample's two lanes as two libraries: copies across them are not duplicates.
    std::fs::write(
        d.join("two_libs.csv"),
        "RGID,RGSM,RGLB,Lane,Read1File,Read2File\n\
         FC.1,S,libA,1,l0_1.fq,l0_2.fq\n\
         FC.2,S,libB,2,l1_1.fq,l1_2.fq\n",
    )
    .unwrap();
    let libs = d.join("libs");
    ok(&[
        "align",
        &reference,
        "--fastq-list",
        d.join("two_libs.csv").to_str().unwrap(),
        "-o",
        d.join("libs.bam").to_str().unwrap(),
        "--dup-metrics",
        libs.with_extension("txt").to_str().unwrap(),
        "-q",
    ]);
    let rows = metrics_rows(&libs.with_extension("txt"));
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0][0].as_str(), rows[1][0].as_str()), ("libA", "libB"));
    assert!(dups(&bam_records(&d.join("libs.bam"))) < dups(&ra));
}

#[test]
fn a_list_of_two_samples_or_with_reads_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let [(a1, a2), _] = two_lanes(d);
    std::fs::write(
        d.join("l.csv"),
        "RGID,RGSM,RGLB,Lane,Read1File,Read2File\nA,S1,l,1,l0_1.fq,l0_2.fq\nB,S2,l,2,l1_1.fq,l1_2.fq\n",
    )
    .unwrap();
    let list = d.join("l.csv");
    let out = d.join("o");
    let reference = test_data("sim-60k/ref.fa");
    let r = zenome(&[
        "run",
        &reference,
        "--fastq-list",
        list.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("l.csv") && err.contains("2 samples (S1, S2)"),
        "{err}"
    );
    let r = zenome(&[
        "align",
        &reference,
        a1.to_str().unwrap(),
        a2.to_str().unwrap(),
        "--fastq-list",
        list.to_str().unwrap(),
        "-o",
        d.join("x.bam").to_str().unwrap(),
    ]);
    assert_eq!(
        r.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!d.join("x.bam").exists() && !out.with_extension("bam").exists());
}

// ---- Faults: nothing partial or temporary left behind --------------------------------------

#[test]
fn an_interrupted_run_leaves_no_partial_output_and_a_rerun_starts_clean() {
    let inputs = tempfile::tempdir().unwrap();
    let reads = many_reads(inputs.path());
    let reference = test_data("sim-60k/ref.fa");
    let out = tempfile::tempdir().unwrap();
    let prefix = out.path().join("x");
    let args = [
        "run",
        &reference,
        reads.to_str().unwrap(),
        "-o",
        prefix.to_str().unwrap(),
        "--sort-mem",
        "1",
        "-t",
        "1",
    ];
    // While aligning: nothing at all remains.
    for signal in ["-INT", "-TERM"] {
        let code = interrupt(&args, out.path(), signal);
        assert!(matches!(code, Some(130 | 143)), "{signal}: exit {code:?}");
        assert!(
            files_in(out.path()).is_empty(),
            "{:?}",
            files_in(out.path())
        );
    }
    // While calling: the complete BAM may stay, no VCF and no temporary file.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !out.path().join("x.bam.bai").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before calling"
        );
        assert!(started.elapsed().as_secs() < 60);
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    let code = child.wait().unwrap().code();
    let left = files_in(out.path());
    if code == Some(0) {
        return; // calling finished first: nothing to check
    }
    assert_eq!(code, Some(143));
    assert!(
        left.iter()
            .all(|f| ["x.bam", "x.bam.bai", "x.dup_metrics.txt"].contains(&f.as_str())),
        "{left:?}"
    );
    ok(&args[..args.len() - 2]);
    assert_eq!(
        files_in(out.path()),
        [
            "x.bam",
            "x.bam.bai",
            "x.dup_metrics.txt",
            "x.report.html",
            "x.vcf.gz",
            "x.vcf.gz.tbi"
        ]
    );
}

#[test]
fn a_full_disk_stops_a_run_with_one_line_and_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("x");
    // `ulimit -f 64`: writes past 64 KiB fail as a full disk would.
    let script = format!(
        "ulimit -f 64; exec {} run {} {} {} -o {} -q",
        env!("CARGO_BIN_EXE_zenome"),
        test_data("sim-60k/ref.fa"),
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
        prefix.display()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_lane_that_breaks_halfway_is_named_and_nothing_is_left() {
    let inputs = tempfile::tempdir().unwrap();
    let d = inputs.path();
    two_lanes(d);
    // The second lane's first file: gzip cut short.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &std::fs::read(d.join("l1_1.fq")).unwrap()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(d.join("cut_1.fq.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(
        d.join("l.csv"),
        "RGID,RGSM,RGLB,Lane,Read1File,Read2File\nA,S,l,1,l0_1.fq,l0_2.fq\nB,S,l,2,cut_1.fq.gz,l1_2.fq\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = zenome(&[
        "run",
        &test_data("sim-60k/ref.fa"),
        "--fastq-list",
        d.join("l.csv").to_str().unwrap(),
        "-o",
        out.path().join("x").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    let last = err.lines().last().unwrap_or("");
    assert!(last.contains("cut_1.fq.gz"), "{err}");
    assert!(
        files_in(out.path()).is_empty(),
        "{:?}",
        files_in(out.path())
    );
}

#[test]
fn run_calls_while_writing_the_vcf_that_call_writes_from_the_finished_bam() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("s");
    let reference = test_data("sim-60k/ref.fa");
    ok(&[
        "run",
        &reference,
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "-o",
        prefix.to_str().unwrap(),
        "-q",
        "--sort-mem",
        "4",
    ]);
    let bam = dir.path().join("s.bam");
    let vcf = dir.path().join("called.vcf.gz");
    ok(&call_args(
        &reference,
        bam.to_str().unwrap(),
        vcf.to_str().unwrap(),
        &["-q"],
    ));
    let streamed = vcf_body(&dir.path().join("s.vcf.gz"));
    assert!(streamed.lines().count() > 10, "{streamed}");
    assert_eq!(streamed, vcf_body(&vcf));
}
