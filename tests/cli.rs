//! The binary as a user runs it, on test-data/ (see scripts/make-test-data.sh).

mod common;

use common::*;
use zenome::sim::placement;

fn sim_ref_copy(dir: &std::path::Path) -> String {
    let r = dir.join("ref.fa");
    std::fs::copy(test_data("sim-60k/ref.fa"), &r).unwrap();
    r.display().to_string()
}

#[test]
fn paired_alignment_is_sorted_indexed_marked_and_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let reference = sim_ref_copy(dir.path());
    ok(&["index", &reference]);
    assert!(dir.path().join("ref.fa.zmi").exists());
    let bam = dir.path().join("out.bam");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    ok(&[
        "align",
        &reference,
        &r1,
        &r2,
        "-o",
        bam.to_str().unwrap(),
        "-R",
        "@RG\\tID:g1\\tSM:s1",
        "-t",
        "2",
        "-q",
    ]);
    assert!(dir.path().join("out.bam.bai").exists());

    let header = bam_header_text(&bam);
    assert!(
        header.starts_with("@HD\tVN:1.6\tSO:coordinate\n"),
        "{header}"
    );
    assert!(header.contains("@SQ\tSN:sim1\tLN:60000\tM5:"), "{header}");
    assert!(header.contains("@RG\tID:g1\tSM:s1\n"), "{header}");
    assert!(
        header.contains("@PG\tID:zenome\tPN:zenome") && header.contains(" align "),
        "{header}"
    );

    let recs = bam_records(&bam);
    let keys: Vec<(usize, usize)> = recs
        .iter()
        .map(|r| {
            (
                r.reference_sequence_id().unwrap_or(usize::MAX),
                r.alignment_start().map_or(0, |p| p.get()),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "records are not coordinate-sorted"
    );
    assert!(
        recs.iter().any(|r| r.flags().is_duplicate()),
        "3% of fragments are duplicates, none marked"
    );
    let p = placement::evaluate(&bam, 20).unwrap();
    assert_eq!(p.reads, 2 * 2464);
    // Measured: every read mapped, correctly placed and properly paired.
    assert!(p.mapped as f64 >= 0.999 * p.reads as f64, "{p:?}");
    assert!(p.correct as f64 >= 0.999 * p.reads as f64, "{p:?}");
    assert!(p.proper as f64 >= 0.999 * p.reads as f64, "{p:?}");
    assert_eq!(p.wrong_mapq20, 0, "{p:?}");
}

#[test]
fn output_is_identical_across_threads_and_batch_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let mut outputs = Vec::new();
    // The last run sorts in 1 MiB: the BAM records and the duplicate keys spill to disk.
    for (t, batch, mem) in [
        ("1", "300", "1024"),
        ("2", "5000", "1024"),
        ("2", "77", "1"),
    ] {
        let bam = dir.path().join(format!("t{t}-b{batch}-m{mem}.bam"));
        ok(&[
            "align",
            &reference,
            &r1,
            &r2,
            "-o",
            bam.to_str().unwrap(),
            "-t",
            t,
            "--batch-size",
            batch,
            "--sort-mem",
            mem,
            "-q",
        ]);
        outputs.push(bam_records(&bam));
    }
    assert!(!outputs[0].is_empty());
    assert!(outputs[0] == outputs[1], "-t 1 and -t 2 differ");
    assert!(
        outputs[0] == outputs[2],
        "batch sizes 300 and 77 (sorting in 1 MiB) differ"
    );
}

#[test]
fn sam_on_stdout_keeps_input_order() {
    let out = ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "-o",
        "-",
        "-q",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("@HD\tVN:1.6\tSO:unsorted\n"));
    let records: Vec<&str> = text.lines().filter(|l| !l.starts_with('@')).collect();
    let primary: Vec<&str> = records
        .iter()
        .copied()
        .filter(|l| l.split('\t').nth(1).unwrap().parse::<u16>().unwrap() & 0x800 == 0)
        .collect();
    assert_eq!(primary.len(), 2 * 2464);
    assert!(
        primary[0].starts_with("s0:") && primary[1].starts_with("s0:"),
        "{}",
        primary[0]
    );
    assert!(records.iter().all(|l| l.split('\t').count() >= 11));
}

#[test]
fn single_end_reads_align_without_pair_flags() {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("se.bam");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("sim-60k/reads_1.fq.gz"),
        "-o",
        bam.to_str().unwrap(),
        "-q",
    ]);
    let recs = bam_records(&bam);
    assert_eq!(
        recs.iter()
            .filter(|r| !r.flags().is_supplementary())
            .count(),
        2464
    );
    assert!(recs.iter().all(|r| !r.flags().is_segmented()));
    let (n, mapped, _) = flag_counts(&bam);
    assert!(mapped as f64 >= 0.999 * n as f64, "{mapped} of {n}");
}

#[test]
fn unsorted_bam_keeps_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("u.bam");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "-o",
        bam.to_str().unwrap(),
        "--unsorted",
        "-q",
    ]);
    assert!(bam_header_text(&bam).contains("SO:unsorted"));
    let recs = bam_records(&bam);
    assert_eq!(
        recs[0].name().map(|n| n.to_string()),
        recs[1].name().map(|n| n.to_string())
    );
    assert!(!dir.path().join("u.bam.bai").exists());
}

#[test]
fn empty_input_gives_a_header_only_bam_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("empty.bam");
    let empty = test_data("bad/empty.fq");
    let out = ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &empty,
        "-o",
        bam.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no reads"));
    assert!(bam_records(&bam).is_empty());
    assert!(bam_header_text(&bam).contains("@SQ\tSN:sim1"));
}

#[test]
fn writing_to_dev_null_leaves_the_device_alone() {
    // Benchmarks time `-o /dev/null`; renaming a finished temporary file over it (as root)
    // would replace the device with a regular file for every later program on the machine.
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join("x.bam");
    let reference = test_data("sim-60k/ref.fa");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let stamp = |p: &str| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let indexes_before = (stamp("/dev/null.bai"), stamp("/dev/null.tbi"));
    ok(&["align", &reference, &r1, &r2, "-o", "/dev/null"]);
    ok(&["align", &reference, &r1, &r2, "-o", bam.to_str().unwrap()]);
    ok(&["call", &reference, bam.to_str().unwrap(), "-o", "/dev/null"]);
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(
        !meta.file_type().is_file(),
        "/dev/null was replaced by a file"
    );
    let indexes_after = (stamp("/dev/null.bai"), stamp("/dev/null.tbi"));
    assert_eq!(
        indexes_before, indexes_after,
        "an index was written beside /dev/null"
    );
}

#[test]
fn bench_prints_kernel_and_stage_throughput_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = ok(&[
        "bench",
        "--quick",
        "-t",
        "2",
        "--json",
        json.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    for row in ["extend", "pair_hmm", "index", "align", "call"] {
        assert!(table.contains(row), "no {row} row in:\n{table}");
    }
    let text = std::fs::read_to_string(&json).unwrap();
    assert!(text.starts_with("{\"device\": \"cpu\""), "{text}");
    // The fast extension kernel must equal the oracle on the benchmark batch.
    assert!(
        text.contains("\"kernel\": \"extend\", \"backend\": \"cpu\", \"jobs\": 2000"),
        "{text}"
    );
    assert_eq!(
        text.matches("\"parity\": \"identical\"").count(),
        3,
        "{text}"
    );
    let on_stdout = ok(&["bench", "--quick", "--json", "-"]);
    assert!(
        String::from_utf8_lossy(&on_stdout.stdout).contains("\"stages\": [{\"stage\": \"index\"")
    );
}

#[test]
fn cuda_device_without_a_gpu_backend_is_a_clear_error() {
    let out = zenome(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &test_data("bad/one_read.fq"),
        "-o",
        "-",
        "--device",
        "cuda",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--device cuda") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn corrupt_index_is_rejected_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let reference = sim_ref_copy(dir.path());
    ok(&["index", &reference]);
    let zmi = dir.path().join("ref.fa.zmi");
    let mut bytes = std::fs::read(&zmi).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xff;
    std::fs::write(&zmi, bytes).unwrap();
    let out = zenome(&[
        "align",
        &reference,
        &test_data("bad/one_read.fq"),
        "-o",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checksum mismatch"));
}

#[test]
fn a_chimeric_read_gets_a_supplementary_record_with_sa_tags() {
    let dir = tempfile::tempdir().unwrap();
    let fasta = std::fs::read_to_string(test_data("sim-60k/ref.fa")).unwrap();
    let seq: String = fasta.lines().skip(1).collect();
    // 80 bases from 10,001 joined to 70 bases from 40,001: a split read.
    let read = format!("{}{}", &seq[10_000..10_080], &seq[40_000..40_070]);
    let fq = dir.path().join("chimera.fq");
    std::fs::write(&fq, format!("@chimera\n{read}\n+\n{}\n", "I".repeat(150))).unwrap();
    let out = ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        fq.to_str().unwrap(),
        "-o",
        "-",
        "-q",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let recs: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('@'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(recs.len(), 2, "{text}");
    let flags: Vec<u16> = recs.iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(
        flags.iter().filter(|&&f| f & 0x800 != 0).count(),
        1,
        "{text}"
    );
    let mut positions: Vec<&str> = recs.iter().map(|r| r[3]).collect();
    positions.sort();
    assert_eq!(positions, ["10001", "40001"], "{text}");
    assert!(
        recs.iter()
            .all(|r| r.iter().any(|f| f.starts_with("SA:Z:sim1,"))),
        "{text}"
    );
    // bwa's -M: the split hit is flagged secondary instead, all else as it was (its SA tag,
    // its hard clips and bases).
    let m = ok(&[
        "align",
        "-M",
        &test_data("sim-60k/ref.fa"),
        fq.to_str().unwrap(),
        "-o",
        "-",
        "-q",
    ]);
    let m_text = String::from_utf8(m.stdout).unwrap();
    let m_recs: Vec<Vec<&str>> = m_text
        .lines()
        .filter(|l| !l.starts_with('@'))
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(m_recs.len(), 2, "{m_text}");
    for (a, b) in recs.iter().zip(&m_recs) {
        let (fa, fb): (u16, u16) = (a[1].parse().unwrap(), b[1].parse().unwrap());
        if fa & 0x800 != 0 {
            assert_eq!(fb, (fa & !0x800) | 0x100, "{m_text}");
        } else {
            assert_eq!(fa, fb);
        }
        assert_eq!(a[2..], b[2..], "{m_text}");
    }
}

#[test]
fn emu_device_gives_byte_identical_bam_and_vcf() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for device in ["cpu", "emu"] {
        let bam = sim60k_bam(dir.path(), &format!("{device}.bam"), &["--device", device]);
        let vcf = dir.path().join(format!("{device}.g.vcf"));
        let reference = test_data("sim-60k/ref.fa");
        let v = vcf.display().to_string();
        ok(&call_args(
            &reference,
            &bam,
            &v,
            &["--gvcf", "-q", "--device", device],
        ));
        let body: String = std::fs::read_to_string(&vcf)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        outputs.push((bam_records(std::path::Path::new(&bam)), body));
    }
    assert!(!outputs[0].0.is_empty() && !outputs[0].1.is_empty());
    assert!(
        outputs[0].0 == outputs[1].0,
        "BAM records differ between cpu and emu"
    );
    assert!(
        outputs[0].1 == outputs[1].1,
        "gVCF bodies differ between cpu and emu"
    );
}

/// bwa's command line as GATK's WARP pipeline writes it (`bwa mem -K 100000000 -p -v 3 -t 2 REF -`
/// reading interleaved pairs from a pipe, SAM to standard output): the same records as the two
/// mate files give.
#[test]
fn interleaved_pairs_from_standard_input_with_bwa_flags() {
    use std::io::{BufRead, Write};
    let reference = test_data("sim-60k/ref.fa");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    let lines = |p: &str| -> Vec<String> {
        let f = std::fs::File::open(p).unwrap();
        std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f))
            .lines()
            .map(Result::unwrap)
            .collect()
    };
    let (a, b) = (lines(&r1), lines(&r2));
    let mut interleaved = String::new();
    for (x, y) in a.chunks(4).zip(b.chunks(4)) {
        for l in x.iter().chain(y) {
            interleaved.push_str(l);
            interleaved.push('\n');
        }
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(warp_align_args(&reference, &[]))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(interleaved.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let two = ok(&[
        "align", "-Y", &reference, &r1, &r2, "-o", "-", "-t", "2", "-q",
    ]);
    let body = |o: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(o)
            .lines()
            .filter(|l| !l.starts_with('@'))
            .map(String::from)
            .collect()
    };
    let (piped, files) = (body(&out.stdout), body(&two.stdout));
    let primary = piped
        .iter()
        .filter(|l| l.split('\t').nth(1).unwrap().parse::<u16>().unwrap() & 0x900 == 0)
        .count();
    assert_eq!(primary, 2 * a.len() / 4);
    assert_eq!(piped, files);
    // Without -Y, supplementary records are hard-clipped, as bwa writes them; the others are
    // unchanged.
    let hard = body(&ok(&["align", &reference, &r1, &r2, "-o", "-", "-t", "2", "-q"]).stdout);
    let is_sup = |l: &&String| l.split('\t').nth(1).unwrap().parse::<u16>().unwrap() & 0x800 != 0;
    let cigar = |l: &String| l.split('\t').nth(5).unwrap().to_string();
    let (soft_sup, hard_sup): (Vec<&String>, Vec<&String>) = (
        files.iter().filter(is_sup).collect(),
        hard.iter().filter(is_sup).collect(),
    );
    assert!(!soft_sup.is_empty() && soft_sup.len() == hard_sup.len());
    assert!(
        soft_sup
            .iter()
            .all(|l| cigar(l).contains('S') && !cigar(l).contains('H'))
    );
    assert!(
        hard_sup
            .iter()
            .all(|l| cigar(l).contains('H') && !cigar(l).contains('S'))
    );
    let others =
        |v: &[String]| -> Vec<String> { v.iter().filter(|l| !is_sup(l)).cloned().collect() };
    assert_eq!(others(&files), others(&hard));
    // An odd number of records is an input error naming the read.
    let odd = std::process::Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(["align", "-p", &reference, &r1, "-o", "-", "-q"])
        .output()
        .unwrap();
    assert_eq!(odd.status.code(), Some(1));
}

/// bwa's -C: the SAM tags in each FASTQ comment go onto the read's records; what is not a tag
/// is left out; without -C nothing is added.
#[test]
fn comment_tags_are_appended_with_minus_c() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let mut paths = Vec::new();
    for r in ["reads_1", "reads_2"] {
        let f = std::fs::File::open(test_data(&format!("sim-60k/{r}.fq.gz"))).unwrap();
        let lines: Vec<String> = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f))
            .lines()
            .take(400)
            .map(Result::unwrap)
            .collect();
        let mut text = String::new();
        for (i, l) in lines.iter().enumerate() {
            text.push_str(l);
            if i % 4 == 0 {
                text.push_str(" BC:Z:ACGT-TTGA\tRX:Z:AAC not_a_tag\tXI:i:7");
            }
            text.push('\n');
        }
        let p = dir.path().join(format!("{r}.fq"));
        std::fs::write(&p, text).unwrap();
        paths.push(p.display().to_string());
    }
    let body = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["align", &reference, &paths[0], &paths[1], "-o", "-", "-q"];
        args.extend_from_slice(extra);
        String::from_utf8(ok(&args).stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('@'))
            .map(String::from)
            .collect()
    };
    let with = body(&["-C"]);
    assert!(with.len() >= 200);
    for l in &with {
        let tags: Vec<&str> = l.split('\t').skip(11).collect();
        for t in ["BC:Z:ACGT-TTGA", "RX:Z:AAC", "XI:i:7"] {
            assert!(tags.contains(&t), "{t} missing: {l}");
        }
        assert!(!l.contains("not_a_tag"), "{l}");
    }
    assert!(body(&[]).iter().all(|l| !l.contains("BC:Z")));
    // A bwa flag zenome does not support: exit 1, one line naming it.
    let out = zenome(&["align", &reference, &paths[0], "-x", "ont2d", "-o", "-"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("'-x'"), "{err}");
}

/// A read from one copy of a repeat: the other copy in bwa's XA tag (`contig,{+|-}pos,CIGAR,NM`)
/// on the primary record; with -a a secondary record (MAPQ 0, no SEQ) instead; -h 0 drops XA.
#[test]
fn other_placements_go_to_xa_or_secondary_records() {
    let dir = tempfile::tempdir().unwrap();
    // Two copies of a 400-base segment, the second with two substitutions, in random sequence.
    let mut x: u64 = 12345;
    let mut base = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        b"ACGT"[(x >> 33) as usize % 4]
    };
    let filler = |n: usize, b: &mut dyn FnMut() -> u8| -> Vec<u8> { (0..n).map(|_| b()).collect() };
    let segment = filler(400, &mut base);
    let mut copy = segment.clone();
    for p in [100, 300] {
        copy[p] = if copy[p] == b'A' { b'C' } else { b'A' };
    }
    let mut genome = filler(3000, &mut base);
    genome.extend_from_slice(&segment);
    genome.extend(filler(3000, &mut base));
    genome.extend_from_slice(&copy);
    genome.extend(filler(3000, &mut base));
    let reference = dir.path().join("ref.fa");
    std::fs::write(
        &reference,
        format!(">r1\n{}\n", String::from_utf8(genome).unwrap()),
    )
    .unwrap();
    let read = String::from_utf8(segment[50..200].to_vec()).unwrap();
    let fq = dir.path().join("r.fq");
    std::fs::write(&fq, format!("@r\n{read}\n+\n{}\n", "I".repeat(150))).unwrap();
    let reference = reference.display().to_string();
    let sam = |extra: &[&str]| -> Vec<Vec<String>> {
        let mut args = vec!["align", &reference, fq.to_str().unwrap(), "-o", "-", "-q"];
        args.extend_from_slice(extra);
        String::from_utf8(ok(&args).stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('@'))
            .map(|l| l.split('\t').map(String::from).collect())
            .collect()
    };
    let recs = sam(&[]);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0][3], "3051");
    assert!(
        recs[0].contains(&"XA:Z:r1,+6451,150M,1;".to_string()),
        "{recs:?}"
    );
    let all = sam(&["-a"]);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[0][..10], recs[0][..10]);
    assert!(!all[0].iter().any(|t| t.starts_with("XA:Z")));
    assert_eq!(
        (all[1][1].as_str(), all[1][3].as_str(), all[1][4].as_str()),
        ("256", "6451", "0")
    );
    assert_eq!((all[1][9].as_str(), all[1][10].as_str()), ("*", "*"));
    let none = sam(&["-h", "0"]);
    assert!(!none[0].iter().any(|t| t.starts_with("XA:Z")), "{none:?}");
}

/// An unaligned BAM (pairs by flag and name, as Picard's FastqToSam writes them) in place of the
/// FASTQs: the same alignments, its read group in the header and on every record, its BC and
/// RX tags carried into the output as GATK's MergeBamAlignment carries them.
#[test]
fn an_unaligned_bam_aligns_as_its_fastqs_do_and_keeps_its_tags() {
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let read_fastq = |p: &str| -> Vec<(String, String, String)> {
        let f = std::fs::File::open(p).unwrap();
        let lines: Vec<String> = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(f))
            .lines()
            .map(Result::unwrap)
            .collect();
        lines
            .chunks(4)
            .take(300)
            .map(|c| {
                (
                    c[0][1..].split_whitespace().next().unwrap().to_string(),
                    c[1].clone(),
                    c[3].clone(),
                )
            })
            .collect()
    };
    let (a, b) = (
        read_fastq(&test_data("sim-60k/reads_1.fq.gz")),
        read_fastq(&test_data("sim-60k/reads_2.fq.gz")),
    );
    // The FASTQs of these 300 pairs, and the same reads as an unaligned BAM.
    let mut fq = [String::new(), String::new()];
    for (k, side) in [&a, &b].into_iter().enumerate() {
        for (n, s, q) in side {
            fq[k].push_str(&format!("@{n}\n{s}\n+\n{q}\n"));
        }
    }
    let fq_paths = [dir.path().join("r1.fq"), dir.path().join("r2.fq")];
    for k in 0..2 {
        std::fs::write(&fq_paths[k], &fq[k]).unwrap();
    }
    let ubam = dir.path().join("reads.unaligned.bam");
    let text = "@HD\tVN:1.6\tSO:queryname\n@RG\tID:u1\tSM:s1\tLB:l1\tPL:ILLUMINA\n";
    write_ubam(&ubam, text, &a, &b, |_| "u1");
    let sam = |args: &[&str]| -> String {
        let mut all = vec!["align", &reference];
        all.extend_from_slice(args);
        all.extend(["-o", "-", "-q", "--unsorted"]);
        String::from_utf8(ok(&all).stdout).unwrap()
    };
    let from_bam = sam(&[ubam.to_str().unwrap()]);
    let from_fastq = sam(&[
        fq_paths[0].to_str().unwrap(),
        fq_paths[1].to_str().unwrap(),
        "-R",
        "@RG\\tID:u1\\tSM:s1\\tLB:l1\\tPL:ILLUMINA",
    ]);
    assert!(
        from_bam.contains("@RG\tID:u1\tSM:s1\tLB:l1\tPL:ILLUMINA\n"),
        "{from_bam}"
    );
    let body = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with('@'))
            .map(String::from)
            .collect()
    };
    let (x, y) = (body(&from_bam), body(&from_fastq));
    assert_eq!(x.len(), y.len());
    assert!(x.len() >= 600);
    for (l, m) in x.iter().zip(&y) {
        assert_eq!(l, &format!("{m}\tBC:Z:ACGT\tRX:Z:AAC\tXI:i:7"));
    }
    // The same BAM on standard input, known by its content, with its read group from -R or
    // (read before the run) from its own header.
    let piped = |rg: &[&str]| -> String {
        let mut args = vec!["align", reference.as_str(), "-"];
        args.extend_from_slice(rg);
        args.extend(["-o", "-", "-q", "--unsorted"]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zenome"))
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let bytes = std::fs::read(&ubam).unwrap();
        let feeder = std::thread::spawn(move || stdin.write_all(&bytes));
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        body(&piped(&["-R", "@RG\\tID:u1\\tSM:s1\\tLB:l1\\tPL:ILLUMINA"])),
        x
    );
    let own = piped(&[]);
    assert!(
        own.contains("@RG\tID:u1\tSM:s1\tLB:l1\tPL:ILLUMINA\n"),
        "{own}"
    );
    assert_eq!(body(&own), x);
}

/// `-o X.cram`: CRAM 3.0 against the reference with `X.cram.crai`, smaller than the BAM, and
/// `call` on it writes the VCF the BAM gives.
#[test]
fn cram_output_is_indexed_smaller_and_calls_as_the_bam() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let bam = sim60k_bam(dir.path(), "x.bam", &[]);
    let cram = dir.path().join("x.cram");
    ok(&[
        "align",
        &reference,
        &test_data("sim-60k/reads_1.fq.gz"),
        &test_data("sim-60k/reads_2.fq.gz"),
        "-o",
        cram.to_str().unwrap(),
        "-q",
    ]);
    assert!(dir.path().join("x.cram.crai").exists());
    let head = std::fs::read(&cram).unwrap();
    assert_eq!(&head[..6], b"CRAM\x03\x00", "CRAM 3.0");
    let size = |p: &std::path::Path| std::fs::metadata(p).unwrap().len() as f64;
    assert!(
        size(&cram) <= 0.8 * size(std::path::Path::new(&bam)),
        "{} vs {}",
        size(&cram),
        size(std::path::Path::new(&bam))
    );
    let files = files_in(dir.path());
    assert!(!files.iter().any(|f| f.contains(".tmp.")), "{files:?}");
    let vcf = |input: &str, out: &str, extra: &[&str]| -> String {
        let o = dir.path().join(out);
        let mut args = vec!["-q"];
        args.extend_from_slice(extra);
        ok(&call_args(&reference, input, o.to_str().unwrap(), &args));
        vcf_body(&o)
    };
    let from_cram = vcf(cram.to_str().unwrap(), "c.vcf.gz", &[]);
    assert!(!from_cram.is_empty());
    assert_eq!(from_cram, vcf(&bam, "b.vcf.gz", &[]));
    // A region reads only its stretch of the CRAM, through the .crai, and calls alike.
    let region = ["-r", "sim1:20001-40000"];
    let part = vcf(cram.to_str().unwrap(), "cr.vcf.gz", &region);
    assert!(!part.is_empty() && part.len() < from_cram.len());
    assert_eq!(part, vcf(&bam, "br.vcf.gz", &region));
    // A CRAM here is coordinate-sorted.
    let o = zenome(&[
        "align",
        &reference,
        &test_data("sim-60k/reads_1.fq.gz"),
        "--unsorted",
        "-o",
        dir.path().join("u.cram").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
}

/// An unaligned BAM of mate pairs (flags 77 and 141) with BC, RX, RG (from `rg` of the pair's
/// number) and XI tags, under `text` as its header.
fn write_ubam(
    path: &std::path::Path,
    text: &str,
    a: &[(String, String, String)],
    b: &[(String, String, String)],
    rg: impl Fn(usize) -> &'static str,
) {
    use std::io::Write;
    let mut raw = Vec::new();
    raw.extend_from_slice(b"BAM\x01");
    raw.extend_from_slice(&(text.len() as u32).to_le_bytes());
    raw.extend_from_slice(text.as_bytes());
    raw.extend_from_slice(&0u32.to_le_bytes());
    let code = |c: u8| match c {
        b'A' => 1u8,
        b'C' => 2,
        b'G' => 4,
        b'T' => 8,
        _ => 15,
    };
    for (i, ((n, s1, q1), (_, s2, q2))) in a.iter().zip(b).enumerate() {
        for (flag, s, q) in [(77u16, s1, q1), (141, s2, q2)] {
            let mut rec = Vec::new();
            rec.extend_from_slice(&(-1i32).to_le_bytes());
            rec.extend_from_slice(&(-1i32).to_le_bytes());
            rec.push((n.len() + 1) as u8);
            rec.push(0);
            rec.extend_from_slice(&4680u16.to_le_bytes());
            rec.extend_from_slice(&0u16.to_le_bytes());
            rec.extend_from_slice(&flag.to_le_bytes());
            rec.extend_from_slice(&(s.len() as u32).to_le_bytes());
            rec.extend_from_slice(&(-1i32).to_le_bytes());
            rec.extend_from_slice(&(-1i32).to_le_bytes());
            rec.extend_from_slice(&0i32.to_le_bytes());
            rec.extend_from_slice(n.as_bytes());
            rec.push(0);
            for pair in s.as_bytes().chunks(2) {
                rec.push(code(pair[0]) << 4 | pair.get(1).map_or(0, |&c| code(c)));
            }
            rec.extend(q.bytes().map(|c| c - 33));
            rec.extend_from_slice(b"BCZACGT\0RXZAAC\0");
            if !rg(i).is_empty() {
                rec.extend_from_slice(format!("RGZ{}\0", rg(i)).as_bytes());
            }
            rec.extend_from_slice(b"XIc\x07");
            raw.extend_from_slice(&(rec.len() as u32).to_le_bytes());
            raw.extend_from_slice(&rec);
        }
    }
    let mut w = noodles_bgzf::io::Writer::new(std::fs::File::create(path).unwrap());
    w.write_all(&raw).unwrap();
    w.finish().unwrap();
}

/// An unaligned BAM with two read groups of one sample: a lane each, every record with its
/// own group's RG; a record without an RG tag there is named.
#[test]
fn an_unaligned_bam_of_two_read_groups_is_two_lanes() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let pairs: Vec<(String, String, String)> = (0..40)
        .map(|i| {
            let s: String = "ACGTTGCAAGGCTTAC".repeat(8)[..100].to_string();
            (format!("p{i}"), s, "I".repeat(100))
        })
        .collect();
    let text = "@HD\tVN:1.6\tSO:queryname\n@RG\tID:x1\tSM:s\tLB:l\n@RG\tID:x2\tSM:s\tLB:l\n";
    let ubam = dir.path().join("two.bam");
    write_ubam(&ubam, text, &pairs, &pairs, |i| {
        if i % 2 == 0 { "x1" } else { "x2" }
    });
    let out = String::from_utf8(
        ok(&[
            "align",
            &reference,
            ubam.to_str().unwrap(),
            "-o",
            "-",
            "-q",
            "--unsorted",
        ])
        .stdout,
    )
    .unwrap();
    assert!(out.contains("@RG\tID:x1\tSM:s\tLB:l\n") && out.contains("@RG\tID:x2\tSM:s\tLB:l\n"));
    let body: Vec<&str> = out.lines().filter(|l| !l.starts_with('@')).collect();
    assert_eq!(body.len(), 80);
    for l in &body {
        let name: usize = l.split('\t').next().unwrap()[1..].parse().unwrap();
        let want = if name.is_multiple_of(2) {
            "\tRG:Z:x1"
        } else {
            "\tRG:Z:x2"
        };
        assert!(l.contains(want) && l.contains("\tBC:Z:ACGT"), "{l}");
    }
    // A record without RG where the header declares two groups.
    write_ubam(
        &ubam,
        text,
        &pairs,
        &pairs,
        |i| if i == 3 { "" } else { "x1" },
    );
    let o = zenome(&["align", &reference, ubam.to_str().unwrap(), "-o", "-", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("'p3'") && err.contains("no RG tag"), "{err}");
    // On a pipe the file cannot be read once per group: one line says so.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_zenome"))
        .args(["align", &reference, "-", "-o", "-", "-q"])
        .stdin(std::fs::File::open(&ubam).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("2 read groups") && err.lines().count() == 1,
        "{err}"
    );
}
