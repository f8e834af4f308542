//! `zenome call` and `zenome eval` as a user runs them, on test-data/sim-60k (12x, duplicates).

mod common;

use std::path::Path;

use common::*;

fn aligned(dir: &Path) -> String {
    // -Y: supplementary records keep their clipped bases, as GATK's and sarek's bwa command
    // lines ask; the caller reads large indels from them.
    sim60k_bam(dir, "a.bam", &["-Y", "-R", "@RG\\tID:a\\tSM:SIM1"])
}

fn records(path: &Path) -> Vec<String> {
    let mut text = String::new();
    use std::io::Read;
    let f = std::fs::File::open(path).unwrap();
    if path.extension().is_some_and(|e| e == "gz") {
        flate2::read::MultiGzDecoder::new(f)
            .read_to_string(&mut text)
            .unwrap();
    } else {
        std::io::BufReader::new(f)
            .read_to_string(&mut text)
            .unwrap();
    }
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn eval_json(query: &str) -> String {
    let (reference, truth) = (
        test_data("sim-60k/ref.fa"),
        test_data("sim-60k/truth.vcf.gz"),
    );
    let out = ok(&eval_args(&reference, &truth, query, &["--json"]));
    String::from_utf8(out.stdout).unwrap()
}

fn field(json: &str, kind: &str, name: &str) -> f64 {
    let part = &json[json.find(&format!("\"{kind}\"")).unwrap()..];
    let at = part.find(&format!("\"{name}\": ")).unwrap() + name.len() + 4;
    part[at..]
        .split([',', '}'])
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn calls_the_simulated_truth_with_a_valid_indexed_vcf() {
    let dir = tempfile::tempdir().unwrap();
    let bam = aligned(dir.path());
    let vcf = dir.path().join("c.vcf.gz");
    ok(&[
        "call",
        &test_data("sim-60k/ref.fa"),
        &bam,
        "-o",
        vcf.to_str().unwrap(),
        "-q",
    ]);
    assert!(dir.path().join("c.vcf.gz.tbi").exists());
    let mut header = String::new();
    use std::io::Read;
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&vcf).unwrap())
        .read_to_string(&mut header)
        .unwrap();
    assert!(header.starts_with("##fileformat=VCFv4.2\n"));
    assert!(header.contains("##contig=<ID=sim1,length=60000>"));
    assert!(header.contains("\tFORMAT\tSIM1\n"));
    assert!(header.contains("##zenome_command="));
    let recs = records(&vcf);
    assert!(
        recs.iter()
            .all(|r| r.split('\t').nth(8) == Some("GT:AD:DP:GQ:PL"))
    );
    let json = eval_json(vcf.to_str().unwrap());
    // Measured at 12x with 3% duplicates: SNPs 50 of 52, indels 8 of 9, no false call.
    assert!(field(&json, "snp", "precision") >= 0.999, "{json}");
    assert!(field(&json, "snp", "recall") >= 0.96, "{json}");
    assert!(field(&json, "indel", "precision") >= 0.999, "{json}");
    assert!(field(&json, "indel", "recall") >= 0.88, "{json}");
}

#[test]
fn vcf_is_identical_across_threads_and_regions_concatenate() {
    let dir = tempfile::tempdir().unwrap();
    let bam = aligned(dir.path());
    let reference = test_data("sim-60k/ref.fa");
    let path = |n: &str| dir.path().join(n).display().to_string();
    ok(&[
        "call",
        &reference,
        &bam,
        "-o",
        &path("t1.vcf"),
        "-q",
        "-t",
        "1",
    ]);
    ok(&[
        "call",
        &reference,
        &bam,
        "-o",
        &path("t2.vcf"),
        "-q",
        "-t",
        "2",
    ]);
    assert_eq!(
        records(Path::new(&path("t1.vcf"))),
        records(Path::new(&path("t2.vcf")))
    );
    ok(&[
        "call",
        &reference,
        &bam,
        "-o",
        &path("a.vcf"),
        "-q",
        "-r",
        "sim1:1-27000",
    ]);
    ok(&[
        "call",
        &reference,
        &bam,
        "-o",
        &path("b.vcf"),
        "-q",
        "-r",
        "sim1:27001-60000",
    ]);
    let mut parts = records(Path::new(&path("a.vcf")));
    parts.extend(records(Path::new(&path("b.vcf"))));
    assert_eq!(parts, records(Path::new(&path("t1.vcf"))));
    std::fs::write(path("r.bed"), "sim1\t0\t27000\nsim1\t27000\t60000\n").unwrap();
    ok(&[
        "call",
        &reference,
        &bam,
        "-o",
        &path("bed.vcf"),
        "-q",
        "-L",
        &path("r.bed"),
    ]);
    assert_eq!(
        records(Path::new(&path("bed.vcf"))),
        records(Path::new(&path("t1.vcf")))
    );
}

#[test]
fn bad_bams_and_regions_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let reference = test_data("sim-60k/ref.fa");
    let bam = aligned(dir.path());
    let out = dir.path().join("o.vcf.gz");
    let o = out.to_str().unwrap();
    let expect = |args: &[&str], what: &str| {
        let r = zenome(args);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(what) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
        assert!(!out.exists());
    };
    expect(
        &["call", &reference, &bam, "-o", o, "-r", "sim1:59000-70000"],
        "reaches past the end of contig 'sim1'",
    );
    expect(
        &["call", &reference, &bam, "-o", o, "-r", "chrX:1-10"],
        "no contig 'chrX'",
    );
    expect(
        &[
            "call",
            &test_data("bad/duplicate_contigs.fa"),
            &bam,
            "-o",
            o,
        ],
        "duplicate contig name",
    );
    let other = dir.path().join("other.fa");
    std::fs::write(&other, ">sim1\nACGTACGTACGT\n").unwrap();
    expect(
        &["call", other.to_str().unwrap(), &bam, "-o", o],
        "has length 60000 here but 12",
    );
    let same_length = dir.path().join("same_length.fa");
    std::fs::write(&same_length, format!(">sim1\n{}\n", "A".repeat(60_000))).unwrap();
    expect(
        &["call", same_length.to_str().unwrap(), &bam, "-o", o],
        "has M5",
    );
    let unsorted = dir.path().join("u.bam");
    ok(&[
        "align",
        &reference,
        &test_data("sim-60k/reads_1.fq.gz"),
        "-o",
        unsorted.to_str().unwrap(),
        "--unsorted",
        "-q",
    ]);
    expect(
        &["call", &reference, unsorted.to_str().unwrap(), "-o", o],
        "not coordinate-sorted",
    );
    let unindexed = dir.path().join("n.bam");
    std::fs::copy(&bam, &unindexed).unwrap();
    expect(
        &["call", &reference, unindexed.to_str().unwrap(), "-o", o],
        "has no index",
    );
    let empty = dir.path().join("empty.bam");
    std::fs::write(&empty, b"").unwrap();
    expect(
        &["call", &reference, empty.to_str().unwrap(), "-o", o],
        "empty.bam",
    );
}

#[test]
fn eval_matches_two_representations_of_one_indel_and_counts_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    // Reference with a CA repeat at positions 5-12; deleting one CA can be written anywhere in it.
    std::fs::write(p("r.fa"), ">c\nGGGGTCACACACATTTTGGGGCCCCAAAATTTT\n").unwrap();
    let head = "##fileformat=VCFv4.2\n##contig=<ID=c,length=33>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n";
    std::fs::write(p("t.vcf"), format!("{head}c\t5\t.\tTCA\tT\t.\tPASS\t.\tGT\t0/1\nc\t20\t.\tG\tA\t.\tPASS\t.\tGT\t1/1\nc\t25\t.\tC\tA\t.\tPASS\t.\tGT\t0/1\n")).unwrap();
    // The same deletion written at the right end of the repeat, the SNP at 20 with the wrong
    // genotype, the SNP at 25 as in the truth, a false SNP at 30, and a filtered record at 31
    // that does not count.
    std::fs::write(p("q.vcf"), format!("{head}c\t11\t.\tACA\tA\t50\tPASS\t.\tGT\t0/1\nc\t20\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\nc\t25\t.\tC\tA\t50\tPASS\t.\tGT\t0/1\nc\t30\t.\tT\tG\t50\tPASS\t.\tGT\t0/1\nc\t31\t.\tT\tG\t5\tLowQual\t.\tGT\t0/1\n")).unwrap();
    let (r, t, q) = (p("r.fa"), p("t.vcf"), p("q.vcf"));
    let out = ok(&eval_args(&r, &t, &q, &["--json"]));
    let json = String::from_utf8(out.stdout).unwrap();
    assert_eq!(field(&json, "indel", "tp"), 1.0, "{json}");
    assert_eq!(field(&json, "indel", "fp"), 0.0, "{json}");
    assert_eq!(field(&json, "snp", "tp"), 2.0, "{json}");
    assert_eq!(field(&json, "snp", "fp"), 1.0, "{json}");
    assert!(
        (field(&json, "snp", "precision") - 2.0 / 3.0).abs() < 1e-4,
        "{json}"
    );
    assert!(json.contains("\"gt_concordance\": 0.66667"), "{json}");
}

#[test]
fn gvcf_blocks_tile_the_contig_between_variant_records() {
    let dir = tempfile::tempdir().unwrap();
    let bam = aligned(dir.path());
    let g = dir.path().join("g.vcf.gz");
    ok(&[
        "call",
        &test_data("sim-60k/ref.fa"),
        &bam,
        "-o",
        g.to_str().unwrap(),
        "--gvcf",
        "--gvcf-gq-bands",
        "1,10,20,30,40,50,60,99",
        "-q",
    ]);
    let recs = records(&g);
    let mut next = 1u64;
    let mut variants = 0;
    // The GQ band of the block just written, if the previous record was a block.
    let band = |gq: u32| {
        [0, 1, 10, 20, 30, 40, 50, 60, 99]
            .iter()
            .rposition(|&b| gq >= b)
    };
    let mut previous_band = None;
    for r in &recs {
        let f: Vec<&str> = r.split('\t').collect();
        let pos: u64 = f[1].parse().unwrap();
        assert_eq!(pos, next, "gap or overlap before {r}");
        if f[4] == "<NON_REF>" {
            assert!(f[9].starts_with("0/0:"), "{r}");
            // Blocks split only where the band changes, not at the 50 kb shard grid.
            let gq: u32 = f[9].split(':').nth(2).unwrap().parse().unwrap();
            assert_ne!(
                previous_band,
                Some(band(gq)),
                "block split without a band change: {r}"
            );
            previous_band = Some(band(gq));
            next = f[7].strip_prefix("END=").unwrap().parse::<u64>().unwrap() + 1;
        } else {
            assert!(f[4].ends_with(",<NON_REF>"), "{r}");
            previous_band = None;
            variants += 1;
            next = pos + f[3].len() as u64;
        }
    }
    assert_eq!(next, 60_001);
    assert!(variants > 40);
}

#[test]
fn reads_without_qualities_are_an_input_error() {
    use noodles_sam::alignment::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let bam = aligned(dir.path());
    let mut reader = noodles_bam::io::reader::Builder
        .build_from_path(&bam)
        .unwrap();
    let header = reader.read_header().unwrap();
    let stripped = dir.path().join("noqual.bam");
    {
        let mut writer = noodles_bam::io::Writer::new(std::fs::File::create(&stripped).unwrap());
        writer.write_header(&header).unwrap();
        for rec in reader.record_bufs(&header) {
            let mut rec = rec.unwrap();
            *rec.quality_scores_mut() = Default::default();
            writer.write_alignment_record(&header, &rec).unwrap();
        }
        writer.try_finish().unwrap();
    }
    let index = noodles_bam::fs::index(&stripped).unwrap();
    let noodles_bam::index::Index::Bai(bai) = index else {
        panic!("expected a BAI")
    };
    noodles_bam::bai::fs::write(format!("{}.bai", stripped.display()), &bai).unwrap();
    let out = dir.path().join("o.vcf.gz");
    let r = zenome(&[
        "call",
        &test_data("sim-60k/ref.fa"),
        stripped.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(
        err.contains("noqual.bam") && err.contains("has no base qualities"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn run_turns_fastq_into_an_indexed_bam_and_vcf() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("s1");
    let (r1, r2) = (
        test_data("sim-60k/reads_1.fq.gz"),
        test_data("sim-60k/reads_2.fq.gz"),
    );
    ok(&[
        "run",
        &test_data("sim-60k/ref.fa"),
        &r1,
        &r2,
        "-o",
        prefix.to_str().unwrap(),
        "-R",
        "@RG\\tID:a\\tSM:S1",
        "-q",
    ]);
    for ext in ["bam", "bam.bai", "vcf.gz", "vcf.gz.tbi"] {
        assert!(dir.path().join(format!("s1.{ext}")).exists(), "no s1.{ext}");
    }
    let json = eval_json(dir.path().join("s1.vcf.gz").to_str().unwrap());
    assert!(field(&json, "snp", "recall") >= 0.96, "{json}");
    assert!(field(&json, "indel", "recall") >= 0.88, "{json}");
}

#[test]
fn ploidy_one_writes_haploid_genotypes_and_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let bam = aligned(dir.path());
    let reference = test_data("sim-60k/ref.fa");
    let gt = |line: &str| {
        line.split('\t')
            .nth(9)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .to_string()
    };
    let call = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name).display().to_string();
        let mut args = call_args(&reference, &bam, &out, &["-q"]);
        args.extend_from_slice(extra);
        ok(&args);
        records(Path::new(&out))
    };
    let diploid = call("d.vcf", &[]);
    let haploid = call("h.vcf", &["--ploidy", "1"]);
    let by_contig = call("c.vcf", &["--haploid-contigs", "sim1"]);
    assert!(diploid.iter().any(|l| gt(l) == "0/1") && diploid.iter().any(|l| gt(l) == "1/1"));
    assert!(!haploid.is_empty());
    assert!(haploid.iter().all(|l| !gt(l).contains('/')), "{haploid:?}");
    assert_eq!(haploid, by_contig);
    // Every diploid hom-alt site is called haploid with the same alleles.
    let site = |l: &str| l.split('\t').take(5).collect::<Vec<_>>().join("\t");
    for d in diploid.iter().filter(|l| gt(l) == "1/1") {
        assert!(
            haploid.iter().any(|h| site(h) == site(d) && gt(h) == "1"),
            "{d}"
        );
    }
    let gvcf = call("h.g.vcf", &["--ploidy", "1", "--gvcf"]);
    let blocks: Vec<&String> = gvcf
        .iter()
        .filter(|l| l.contains("\t<NON_REF>\t"))
        .collect();
    assert!(!blocks.is_empty());
    for b in blocks {
        let pl = b.split('\t').nth(9).unwrap().split(':').nth(4).unwrap();
        assert_eq!((gt(b).as_str(), pl.split(',').count()), ("0", 2), "{b}");
    }
    for flags in [["--ploidy", "0"], ["--haploid-contigs", "chrM"]] {
        let bad = zenome(&call_args(&reference, &bam, "-", &flags));
        assert_eq!(bad.status.code(), Some(1), "{flags:?}");
        let err = String::from_utf8_lossy(&bad.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

/// A reference of 3 kb with a run of 16 A at 1,500 (0-based) and no repeat around 1,450, and a
/// sorted, indexed BAM of 28 reads of 150 bp over `missing`, starting every 4 bp: one read in 5
/// lacks the base at `missing` (strands alternating), the rest match the reference.
fn one_in_five_lack_a_base(dir: &Path, missing: usize) -> (String, String) {
    use zenome::core::cigar::{CigarOp, Kind};
    use zenome::io::bam_writer::BamWriter;
    use zenome::io::dict::RefSeq;
    use zenome::io::sam_record::SamRecord;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut genome: Vec<u8> = (0..3_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            b"ACGT"[(state % 4) as usize]
        })
        .collect();
    genome[1_448..1_453].copy_from_slice(b"TACGT");
    genome[1_499] = b'C';
    genome[1_500..1_516].fill(b'A');
    genome[1_516] = b'G';
    let reference = dir.join("run.fa");
    let lines: Vec<String> = genome
        .chunks(60)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    std::fs::write(&reference, format!(">run\n{}\n", lines.join("\n"))).unwrap();
    let code = |b: &u8| match b {
        b'A' => 0,
        b'C' => 1,
        b'G' => 2,
        _ => 3,
    };
    let mut records = Vec::new();
    for (i, start) in (missing - 125..missing - 15).step_by(4).enumerate() {
        let (seq, cigar) = if i % 5 == 4 {
            let mut s = genome[start..missing].to_vec();
            s.extend_from_slice(&genome[missing + 1..start + 151]);
            let cigar = vec![
                CigarOp::new(Kind::Match, (missing - start) as u32),
                CigarOp::new(Kind::Del, 1),
                CigarOp::new(Kind::Match, (start + 150 - missing) as u32),
            ];
            (s, cigar)
        } else {
            (
                genome[start..start + 150].to_vec(),
                vec![CigarOp::new(Kind::Match, 150)],
            )
        };
        records.push(SamRecord {
            name: format!("r{i}").into_bytes(),
            flag: if i % 2 == 0 { 0 } else { 16 },
            tid: 0,
            pos: start as i64,
            mapq: 60,
            cigar,
            mate_tid: -1,
            mate_pos: -1,
            seq: seq.iter().map(code).collect(),
            qual: vec![35; 150],
            ..SamRecord::default()
        });
    }
    let bam = dir.join("run.bam");
    let dict = [RefSeq {
        name: "run".into(),
        len: 3_000,
        m5: [0; 16],
    }];
    let header = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:run\tLN:3000\n@RG\tID:s\tSM:S\n";
    let mut w = BamWriter::create(&bam, header, &dict, 1).unwrap();
    let mut bytes = Vec::new();
    for r in &records {
        r.encode_bam(&mut bytes);
    }
    w.write(&bytes).unwrap();
    w.finish(true).unwrap();
    (reference.display().to_string(), bam.display().to_string())
}

#[test]
fn slippage_in_a_homopolymer_is_weighed_as_an_error_but_the_same_deletion_elsewhere_is_called() {
    // 5 of 28 reads lack one base. In a run of 16 A that is what slippage does; outside any
    // repeat it is a heterozygous deletion.
    let dir = tempfile::tempdir().unwrap();
    let call = |missing: usize, model: Option<&str>| {
        let sub = dir
            .path()
            .join(format!("m{missing}{}", model.unwrap_or("")));
        std::fs::create_dir(&sub).unwrap();
        let (reference, bam) = one_in_five_lack_a_base(&sub, missing);
        let out = sub.join("c.vcf").display().to_string();
        let mut args = call_args(&reference, &bam, &out, &["-q"]);
        if let Some(m) = model {
            args.extend_from_slice(&["--pcr-indel-model", m]);
        }
        ok(&args);
        records(Path::new(&out))
            .iter()
            .map(|r| {
                let f: Vec<&str> = r.split('\t').collect();
                format!("{} {}>{} {} {}", f[1], f[3], f[4], f[6], &f[9][..3])
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(call(1_450, None), ["1450 AC>A PASS 0/1"]);
    assert_eq!(call(1_500, Some("none")), ["1500 CA>C PASS 0/1"]);
    assert!(call(1_500, None).is_empty());
    let bad = zenome(&[
        "call",
        "r.fa",
        "b.bam",
        "-o",
        "-",
        "--pcr-indel-model",
        "some",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(
        "'--pcr-indel-model <MODEL>': 'some': expected none, hostile, aggressive or conservative"
    ));
}
