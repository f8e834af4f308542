//! `zenome joint` as a user runs it: gVCFs written the ways zenome and GATK HaplotypeCaller
//! write them, merged into one cohort VCF; a simulated trio through align, call --gvcf and joint
//! --pedigree; bad inputs.

mod common;

use std::path::Path;

use common::*;
use zenome::io::vcf_reader::VcfReader;
use zenome::io::vcf_record::VcfRecord;

/// A 200-base reference of ACGT repeats: position p (1-based) holds "ACGT"[(p - 1) % 4].
fn reference(dir: &Path) -> String {
    let p = dir.join("ref.fa");
    std::fs::write(&p, format!(">c1\n{}\n", "ACGT".repeat(50))).unwrap();
    p.display().to_string()
}

const HEADER: &str = "##fileformat=VCFv4.2\n##contig=<ID=c1,length=200>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t";

fn gvcf(dir: &Path, name: &str, sample: &str, lines: &[&str]) -> String {
    let p = dir.join(name);
    let mut text = format!("{HEADER}{sample}\n");
    for l in lines {
        text.push_str(&l.replace(' ', "\t"));
        text.push('\n');
    }
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Sample A as zenome writes it: a SNP, a deletion, and no data after position 140.
fn sample_a(dir: &Path) -> String {
    gvcf(
        dir,
        "a.g.vcf",
        "A",
        &[
            "c1 1 . A <NON_REF> . . END=49 GT:DP:GQ:MIN_DP:PL 0/0:20:60:18:0,60,900",
            "c1 50 . C T,<NON_REF> 200 PASS MQRankSum=0.500;RAW_MQandDP=72000,20;ReadPosRankSum=1.000 GT:AD:DP:GQ:PL:SB 0/1:10,10,0:20:99:230,0,250,260,280,540:5,5,5,5",
            "c1 51 . G <NON_REF> . . END=99 GT:DP:GQ:MIN_DP:PL 0/0:20:60:18:0,60,900",
            "c1 100 . TACG T,<NON_REF> 300 PASS RAW_MQandDP=72000,20 GT:AD:DP:GQ:PL:SB 0/1:9,11,0:20:99:330,0,280,360,320,700:4,5,6,5",
            "c1 104 . T <NON_REF> . . END=140 GT:DP:GQ:MIN_DP:PL 0/0:20:60:18:0,60,900",
        ],
    )
}

/// Sample B as GATK HaplotypeCaller writes it: blocks with MIN_DP, a homozygous SNP inside
/// A's deletion, and a SNP where A has no data.
fn sample_b(dir: &Path) -> String {
    gvcf(
        dir,
        "b.g.vcf",
        "B",
        &[
            "c1 1 . A <NON_REF> . . END=101 GT:DP:GQ:MIN_DP:PL 0/0:30:90:25:0,90,1000",
            "c1 102 . C A,<NON_REF> 150.6 . DP=25;MQRankSum=-1.000;RAW_MQandDP=90000,25 GT:AD:DP:GQ:PL:SB 1/1:0,25,0:25:75:900,75,0,910,80,920:0,0,12,13",
            "c1 103 . G <NON_REF> . . END=159 GT:DP:GQ:MIN_DP:PL 0/0:30:90:28:0,90,1000",
            "c1 160 . T G,<NON_REF> 120 . RAW_MQandDP=90000,25 GT:AD:DP:GQ:PL:SB 0/1:12,13,0:25:99:150,0,170,190,210,400:6,6,6,7",
            "c1 161 . A <NON_REF> . . END=200 GT:DP:GQ:MIN_DP:PL 0/0:30:90:28:0,90,1000",
        ],
    )
}

fn records(path: &Path) -> (Vec<String>, Vec<VcfRecord>) {
    let mut r = VcfReader::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(rec) = r.next_record().unwrap() {
        out.push(rec);
    }
    (r.samples.clone(), out)
}

fn gt(r: &VcfRecord, s: usize) -> String {
    let f = |k: &str| r.sample_value(s, k).unwrap_or("").to_string();
    format!("{}:{}:{}:{}", f("GT"), f("AD"), f("DP"), f("GQ"))
}

#[test]
fn gvcfs_of_zenome_and_gatk_merge_into_one_cohort_vcf() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference(dir.path());
    let (a, b) = (sample_a(dir.path()), sample_b(dir.path()));
    let list = dir.path().join("list.txt");
    std::fs::write(&list, format!("# the second sample\n{b}\n")).unwrap();
    let out = dir.path().join("cohort.vcf.gz");
    ok(&[
        "joint",
        &reference,
        &a,
        "--gvcf-list",
        list.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(dir.path().join("cohort.vcf.gz.tbi").exists());
    let (samples, recs) = records(&out);
    assert_eq!(samples, vec!["A", "B"]);
    let at = |pos: u64| recs.iter().find(|r| r.pos == pos).unwrap();
    assert_eq!(recs.len(), 4, "{recs:?}");

    // A's SNP: B is 0/0 with its block's GQ and depth (MIN_DP).
    let snp = at(50);
    assert_eq!(
        (snp.reference.as_str(), snp.alts.clone()),
        ("C", vec!["T".to_string()])
    );
    assert_eq!(gt(snp, 0), "0/1:10,10:20:99");
    assert_eq!(gt(snp, 1), "0/0:.:25:90");
    assert_eq!(snp.info_value("AC"), Some(Some("1")));
    assert_eq!(snp.info_value("AN"), Some(Some("4")));
    assert_eq!(snp.info_value("MQ"), Some(Some("60.00")));
    assert_eq!(snp.info_value("FS"), Some(Some("0.000")));
    assert_eq!(snp.filters, vec!["PASS"]);
    // One sample's QUAL, near what its own record said (the other is confidently 0/0).
    assert!((snp.qual.unwrap() - 200.0).abs() < 40.0, "{:?}", snp.qual);

    // A's deletion; B is covered by its first block.
    let del = at(100);
    assert_eq!(del.reference, "TACG");
    assert_eq!(gt(del, 1), "0/0:.:25:90");

    // B's SNP inside A's deletion: A's deleted copy is `*`.
    let star = at(102);
    assert_eq!(star.alts, vec!["A", "*"]);
    assert_eq!(gt(star, 0), "0/2:9,0,11:20:99");
    assert!(gt(star, 1).starts_with("1/1:0,25,0:25:"), "{}", gt(star, 1));
    assert_eq!(star.info_value("AC"), Some(Some("2,1")));

    // B's SNP where A has no record: no call.
    let nodata = at(160);
    assert_eq!(gt(nodata, 0), "./.:.:.:.");
    assert_eq!(nodata.info_value("AN"), Some(Some("2")));

    // One sample alone gives its own calls back.
    let solo = dir.path().join("solo.vcf");
    ok(&["joint", &reference, &a, "-o", solo.to_str().unwrap(), "-q"]);
    let (_, recs) = records(&solo);
    let pos: Vec<u64> = recs.iter().map(|r| r.pos).collect();
    assert_eq!(pos, vec![50, 100]);
    assert_eq!(gt(&recs[0], 0), "0/1:10,10:20:99");

    // -r limits the sites.
    let part = dir.path().join("part.vcf");
    ok(&[
        "joint",
        &reference,
        &a,
        &b,
        "-r",
        "c1:101-200",
        "-o",
        part.to_str().unwrap(),
        "-q",
    ]);
    let (_, recs) = records(&part);
    assert_eq!(
        recs.iter().map(|r| r.pos).collect::<Vec<_>>(),
        vec![102, 160]
    );
}

#[test]
fn bad_gvcfs_are_one_line_input_errors_and_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference(dir.path());
    let a = sample_a(dir.path());
    let out = dir.path().join("out.vcf.gz");
    let fails = |args: &[&str], want: &str| {
        let o = zenome(args);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!out.exists());
    };
    let o = out.to_str().unwrap();
    // The same sample twice.
    let a2 = gvcf(
        dir.path(),
        "a2.g.vcf",
        "A",
        &["c1 1 . A <NON_REF> . . END=200 GT:DP:GQ:MIN_DP:PL 0/0:20:60:18:0,60,900"],
    );
    fails(
        &["joint", &reference, &a, &a2, "-o", o],
        "sample 'A' is also",
    );
    // A REF that is not the reference's base.
    let wrong = gvcf(
        dir.path(),
        "w.g.vcf",
        "W",
        &["c1 50 . A T,<NON_REF> 200 . . GT:AD:DP:GQ:PL 0/1:10,10,0:20:99:230,0,250,260,280,540"],
    );
    fails(
        &["joint", &reference, &wrong, "-o", o],
        "not the reference sequence",
    );
    // A PL of the wrong length names the record.
    let bad_pl = gvcf(
        dir.path(),
        "p.g.vcf",
        "P",
        &["c1 50 . C T,<NON_REF> 200 . . GT:PL 0/1:1,2,3"],
    );
    fails(
        &["joint", &reference, &bad_pl, "-o", o],
        "c1:50: PL has 3 values",
    );
    // Two samples in one file.
    let two = dir.path().join("two.g.vcf");
    std::fs::write(&two, format!("{HEADER}X\tY\n")).unwrap();
    fails(
        &["joint", &reference, two.to_str().unwrap(), "-o", o],
        "2 samples",
    );
    // A contig the reference lacks.
    let other = dir.path().join("o.g.vcf");
    std::fs::write(
        &other,
        HEADER.replace("ID=c1,length=200", "ID=chrZ,length=5") + "Z\n",
    )
    .unwrap();
    fails(
        &["joint", &reference, other.to_str().unwrap(), "-o", o],
        "contig 'chrZ'",
    );
    // A pedigree of other people.
    let ped = dir.path().join("f.ped");
    std::fs::write(&ped, "F kid dad mum 1 1\n").unwrap();
    fails(
        &[
            "joint",
            &reference,
            &a,
            "--pedigree",
            ped.to_str().unwrap(),
            "-o",
            o,
        ],
        "no child with both parents",
    );
}

#[test]
fn a_simulated_trio_shows_its_de_novo_mutations() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sim = d.join("trio");
    ok(&[
        "simulate",
        "--trio",
        "-o",
        sim.to_str().unwrap(),
        "--genome-size",
        "150000",
        "--depth",
        "25",
        "--de-novo",
        "10",
        "--seed",
        "3",
    ]);
    let reference = sim.join("ref.fa").display().to_string();
    ok(&["index", &reference]);
    let (mut gvcfs, mut aligned) = (Vec::new(), Vec::new());
    for m in ["father", "mother", "child"] {
        // The mother's alignments as CRAM.
        let ext = if m == "mother" { "cram" } else { "bam" };
        let bam = d.join(format!("{m}.{ext}")).display().to_string();
        let rg = format!("@RG\\tID:{m}\\tSM:{m}");
        let r1 = sim.join(m).join("reads_1.fq.gz").display().to_string();
        let r2 = sim.join(m).join("reads_2.fq.gz").display().to_string();
        ok(&[
            "align", &reference, &r1, &r2, "-R", &rg, "-Y", "-o", &bam, "-t", "2", "-q",
        ]);
        let g = d.join(format!("{m}.g.vcf.gz")).display().to_string();
        ok(&call_args(
            &reference,
            &bam,
            &g,
            &["--gvcf", "-t", "2", "-q"],
        ));
        gvcfs.push(g);
        aligned.push(bam);
    }
    let out = d.join("trio.vcf.gz");
    let metrics = d.join("m.json");
    let ped = sim.join("trio.ped").display().to_string();
    let mut args = vec!["joint", &reference];
    args.extend(gvcfs.iter().map(String::as_str));
    args.extend([
        "--pedigree",
        &ped,
        "-o",
        out.to_str().unwrap(),
        "--metrics",
        metrics.to_str().unwrap(),
        "-q",
    ]);
    ok(&args);
    let truth: Vec<u64> = records(&sim.join("denovo.vcf.gz"))
        .1
        .iter()
        .map(|r| r.pos)
        .collect();
    assert_eq!(truth.len(), 10);
    let (samples, recs) = records(&out);
    assert_eq!(samples, vec!["father", "mother", "child"]);
    let flagged: Vec<u64> = recs
        .iter()
        .filter(|r| r.info_value("hiConfDeNovo") == Some(Some("child")))
        .map(|r| r.pos)
        .collect();
    let found = truth.iter().filter(|p| flagged.contains(p)).count();
    let false_flags = flagged.iter().filter(|p| !truth.contains(p)).count();
    assert!(
        found >= 9,
        "{found} of 10 de novo mutations flagged: {flagged:?} vs {truth:?}"
    );
    assert!(false_flags <= 1, "{false_flags} false de novo flags");
    // Every site says how many trios break Mendel's rules there; the metrics give the rate.
    assert!(recs.iter().all(|r| r.info_value("MERR").is_some()));
    let m = std::fs::read_to_string(&metrics).unwrap();
    assert!(m.contains("\"mendelian_violation_rate\": "), "{m}");
    assert!(m.contains("\"trios\": 1"), "{m}");
    // Each member scored from the cohort VCF by name (eval --sample).
    for m in ["father", "child"] {
        let truth = sim.join(m).join("truth.vcf.gz").display().to_string();
        let json = String::from_utf8(
            ok(&[
                "eval",
                "--ref",
                &reference,
                "--truth",
                &truth,
                "--query",
                out.to_str().unwrap(),
                "--sample",
                m,
                "--json",
            ])
            .stdout,
        )
        .unwrap();
        let at = json.find("\"f1\": ").unwrap() + 6;
        let f1: f64 = json[at..]
            .split([',', '}'])
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(f1 > 0.95, "{m}: SNP F1 {f1}: {json}");
    }
    // Joint on the alignments (a BAM, a CRAM and a gVCF) calls them into gVCFs first and
    // writes the same cohort, leaving nothing behind.
    let joint_of_alignments = |name: &str, extra: &[&str]| {
        let out = d.join(name);
        let mut args = vec!["joint", &reference, &aligned[0], &aligned[1], &gvcfs[2]];
        args.extend(["--pedigree", &ped, "-o", out.to_str().unwrap(), "-q"]);
        args.extend_from_slice(extra);
        ok(&args);
        out
    };
    let from_alignments = joint_of_alignments("trio2.vcf.gz", &[]);
    assert_eq!(vcf_body(&from_alignments), vcf_body(&out));
    // The alignments' calls take the indel error model: without one, indels in repeats keep
    // Q45 gap penalties and some QUAL changes, while the sites and genotypes stay.
    let constant = joint_of_alignments("trio3.vcf.gz", &["--pcr-indel-model", "none"]);
    let sites = |path: &std::path::Path| {
        records(path)
            .1
            .iter()
            .map(|r| {
                let gts: Vec<_> = (0..3).map(|i| r.sample_value(i, "GT")).collect();
                format!("{} {} {:?} {:?}", r.pos, r.reference, r.alts, gts)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(sites(&constant), sites(&out));
    assert_ne!(vcf_body(&constant), vcf_body(&out));
    let files = files_in(d);
    assert!(
        !files.iter().any(|f| f.contains(".zenome-joint.")),
        "{files:?}"
    );
}

#[test]
fn haploid_and_diploid_samples_genotype_together() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference(dir.path());
    let a = sample_a(dir.path());
    // A haploid sample (a male's chrX, say): GT of one allele, PL of two genotypes.
    let h = gvcf(
        dir.path(),
        "h.g.vcf",
        "H",
        &[
            "c1 1 . A <NON_REF> . . END=49 GT:DP:GQ:MIN_DP:PL 0:20:60:18:0,60",
            "c1 50 . C T,<NON_REF> 300 . . GT:AD:DP:GQ:PL 1:0,20,0:20:99:600,0,650",
            "c1 51 . G <NON_REF> . . END=200 GT:DP:GQ:MIN_DP:PL 0:20:60:18:0,60",
        ],
    );
    let out = dir.path().join("mixed.vcf");
    ok(&[
        "joint",
        &reference,
        &a,
        &h,
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    let (_, recs) = records(&out);
    let snp = recs.iter().find(|r| r.pos == 50).unwrap();
    assert_eq!(gt(snp, 0), "0/1:10,10:20:99");
    assert_eq!(snp.sample_value(1, "GT"), Some("1"));
    assert_eq!(snp.sample_value(1, "PL"), Some("600,0"));
    assert_eq!(snp.info_value("AN"), Some(Some("3")));
    assert_eq!(snp.info_value("AC"), Some(Some("2")));
    // The deletion: the haploid sample's block gives it a haploid 0.
    let del = recs.iter().find(|r| r.pos == 100).unwrap();
    assert_eq!(del.sample_value(1, "GT"), Some("0"));
}

/// Mutated gVCFs (bytes flipped, cut, duplicated) are input errors or genotyped, never a panic
/// or an internal error.
#[test]
fn mutated_gvcfs_are_input_errors_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference(dir.path());
    let good = std::fs::read(sample_a(dir.path())).unwrap();
    let b = sample_b(dir.path());
    let mut x: u64 = 99;
    let mut below = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as usize % n.max(1)
    };
    let path = dir.path().join("m.g.vcf");
    let out = dir.path().join("m.vcf");
    for round in 0..400 {
        let mut d = good.clone();
        for _ in 0..1 + below(3) {
            let at = below(d.len());
            match below(4) {
                0 => d.truncate(at.max(HEADER.len())),
                1 => {
                    let special = b"\t\n:,;=.0123456789ACGT<>*/|-";
                    d[at] = special[below(special.len())];
                }
                2 => {
                    d.remove(at);
                }
                _ => {
                    let piece: Vec<u8> = d[at..(at + 1 + below(40)).min(d.len())].to_vec();
                    d.splice(at..at, piece);
                }
            }
        }
        std::fs::write(&path, &d).unwrap();
        let _ = std::fs::remove_file(&out);
        let o = zenome(&[
            "joint",
            &reference,
            path.to_str().unwrap(),
            &b,
            "-o",
            out.to_str().unwrap(),
            "-q",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "round {round}: status {:?}: {err}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&d)
        );
        if o.status.code() == Some(1) {
            assert_eq!(err.trim_end().lines().count(), 1, "round {round}: {err}");
            assert!(!out.exists(), "round {round}: output left behind");
        }
    }
}
