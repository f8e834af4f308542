//! The second suite: real sequencing data from ../shared/data (see its README). These tests
//! are `#[ignore]`d so that a fresh clone's `cargo test` passes without the data; `.ci/run` runs
//! them with `-- --ignored`, and they fail, never skip, when the data is missing.

mod common;

use std::path::PathBuf;

use common::*;

fn shared(rel: &str) -> String {
    let p = root().join("../shared/data").join(rel);
    assert!(
        p.exists(),
        "missing real data {}: this suite needs ../shared/data (see README)",
        p.display()
    );
    p.display().to_string()
}

fn align(reference: &str, reads: &[&str], name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let bam = dir.path().join(name);
    let mut args = vec!["align", reference];
    args.extend_from_slice(reads);
    args.extend(["-o", bam.to_str().unwrap(), "-q"]);
    ok(&args);
    (dir, bam)
}

#[test]
#[ignore]
fn na12878_chr20_pairs_map_and_pair_like_bwa() {
    let (r1, r2) = (
        shared("na12878-chr20/reads_1.fq.gz"),
        shared("na12878-chr20/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(&shared("ref/chr20.window.fa.gz"), &[&r1, &r2], "chr20.bam");
    let (n, mapped, proper) = flag_counts(&bam);
    assert_eq!(n, 2 * 25_839);
    let (fm, fp) = (mapped as f64 / n as f64, proper as f64 / n as f64);
    // Measured: 0.9968 mapped, 0.9906 properly paired.
    assert!(fm >= 0.9965, "mapped {fm:.4}");
    assert!(fp >= 0.9900, "properly paired {fp:.4}");
}

#[test]
#[ignore]
fn chr22_slice_with_151bp_reads() {
    let (r1, r2) = (
        shared("na12878-chr22-tiny/reads_1.fq.gz"),
        shared("na12878-chr22-tiny/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(
        &shared("na12878-chr22-tiny/ref.fa"),
        &[&r1, &r2],
        "chr22.bam",
    );
    let (n, mapped, _) = flag_counts(&bam);
    assert_eq!(n, 2 * 1633);
    // Measured: 3245 of 3266 (0.9936).
    assert!(mapped as f64 >= 0.993 * n as f64, "mapped {mapped} of {n}");
}

#[test]
#[ignore]
fn mitochondrial_single_end_reads() {
    let (_dir, bam) = align(
        &shared("na12878-chrM/ref.fa"),
        &[&shared("na12878-chrM/reads.fq.gz")],
        "chrM.bam",
    );
    let (n, mapped, proper) = flag_counts(&bam);
    assert_eq!(n, 17_486);
    assert_eq!(proper, 0);
    // Measured: 17,468 of 17,486 (0.9990).
    assert!(mapped as f64 >= 0.998 * n as f64, "mapped {mapped} of {n}");
}

#[test]
#[ignore]
fn mitochondrion_called_haploid_gives_the_diploid_hom_alt_sites() {
    let reference = shared("na12878-chrM/ref.fa");
    let (dir, bam) = align(
        &reference,
        &[&shared("na12878-chrM/reads.fq.gz")],
        "chrM.bam",
    );
    let call = |name: &str, extra: &[&str]| -> Vec<(String, String)> {
        let out = dir.path().join(name);
        let mut flags = vec!["-q"];
        flags.extend_from_slice(extra);
        ok(&call_args(
            &reference,
            bam.to_str().unwrap(),
            out.to_str().unwrap(),
            &flags,
        ));
        std::fs::read_to_string(&out)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                let gt = f[9].split(':').next().unwrap().to_string();
                (f[..5].join("\t"), gt)
            })
            .collect()
    };
    let diploid = call("d.vcf", &[]);
    let haploid = call("h.vcf", &["--ploidy", "1"]);
    let hom: Vec<&String> = diploid
        .iter()
        .filter(|(_, gt)| gt == "1/1")
        .map(|(s, _)| s)
        .collect();
    // Measured: 3 sites, all 1/1 in the diploid call, all 1 in the haploid one.
    assert!(!hom.is_empty());
    assert!(
        haploid.iter().all(|(_, gt)| !gt.contains('/')),
        "{haploid:?}"
    );
    assert_eq!(haploid.iter().map(|(s, _)| s).collect::<Vec<_>>(), hom);
}

#[test]
#[ignore]
fn variable_length_old_chemistry_reads() {
    let (r1, r2) = (
        shared("ecoli-1k/reads_1.fq.gz"),
        shared("ecoli-1k/reads_2.fq.gz"),
    );
    let (_dir, bam) = align(&shared("ecoli-1k/ref.fa"), &[&r1, &r2], "ecoli.bam");
    let (n, mapped, _) = flag_counts(&bam);
    assert_eq!(n, 2 * 2054);
    // Measured: every read maps to its 1 kb of E. coli.
    assert!(mapped as f64 >= 0.999 * n as f64, "mapped {mapped} of {n}");
}

#[test]
#[ignore]
fn na12878_chr20_calls_every_confident_variant_and_nothing_else() {
    let d = |f: &str| shared(&format!("na12878-chr20/{f}"));
    let reference = shared("ref/chr20.window.fa.gz");
    let (dir, bam) = align(
        &reference,
        &[&d("reads_1.fq.gz"), &d("reads_2.fq.gz")],
        "chr20.bam",
    );
    let vcf = dir.path().join("calls.vcf.gz");
    ok(&call_args(
        &reference,
        bam.to_str().unwrap(),
        vcf.to_str().unwrap(),
        &["-q", "-r", "chr20:10000000-10100000"],
    ));
    let eval = |bed: &str| -> String {
        let out = ok(&[
            "eval",
            "--ref",
            &reference,
            "--truth",
            &d("truth.vcf.gz"),
            "--query",
            vcf.to_str().unwrap(),
            "-L",
            &d(bed),
            "--json",
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    let json = eval("confident.bed");
    assert!(
        json.contains(
            "\"snp\": {\"truth\": 45, \"tp\": 45, \"tp_query\": 45, \"fp\": 0, \"fn\": 0"
        ),
        "{json}"
    );
    assert!(
        json.contains("\"indel\": {\"truth\": 4, \"tp\": 4, \"tp_query\": 4, \"fp\": 0, \"fn\": 0"),
        "{json}"
    );
    // Over the whole window every GIAB variant is found with its genotype: among them a
    // 7-base deletion in a run of 25 A (1/1, with stutter lengths on a few reads) and a
    // 12-base deletion in a TA repeat (1/1, not 1/2 with a 10-base stutter on two reads).
    let json = eval("window.bed");
    assert!(json.matches("\"fn\": 0").count() == 2, "{json}");
    assert!(json.contains("\"gt_concordance\": 1.00000"), "{json}");
}

#[test]
#[ignore]
fn eval_of_platinum_chr21_against_itself_and_a_perturbed_copy() {
    let p = |f: &str| shared(&format!("platinum-chr21-truth/{f}"));
    let (fai, truth, bed) = (
        p("chr21.fa.fai"),
        p("PG_NA12878_chr21.vcf.gz"),
        p("PG_Conf_chr21.bed.gz"),
    );
    let out = ok(&[
        "eval", "--ref", &fai, "--truth", &truth, "--query", &truth, "-L", &bed, "--json",
    ]);
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(
        json.contains("\"fp\": 0, \"fn\": 0, \"precision\": 1.00000, \"recall\": 1.00000"),
        "{json}"
    );
    assert!(
        !json.contains("\"fn\": 1") && json.contains("\"gt_concordance\": 1.00000"),
        "{json}"
    );
    // Drop every tenth record and move every twentieth one base: recall falls to about 0.85,
    // and the moved records become false positives.
    let mut text = String::new();
    use std::io::Read;
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&truth).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut perturbed = String::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            perturbed.push_str(line);
        } else if i % 10 == 0 {
            continue;
        } else if i % 20 == 5 {
            let mut f: Vec<String> = line.split('\t').map(String::from).collect();
            f[1] = (f[1].parse::<u64>().unwrap() + 1).to_string();
            perturbed.push_str(&f.join("\t"));
        } else {
            perturbed.push_str(line);
        }
        perturbed.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let q = dir.path().join("perturbed.vcf");
    std::fs::write(&q, perturbed).unwrap();
    let out = ok(&[
        "eval",
        "--ref",
        &fai,
        "--truth",
        &truth,
        "--query",
        q.to_str().unwrap(),
        "-L",
        &bed,
        "--json",
    ]);
    let json = String::from_utf8(out.stdout).unwrap();
    let recall: f64 = json
        .split("\"recall\": ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let precision: f64 = json
        .split("\"precision\": ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.83..0.87).contains(&recall), "{json}");
    assert!((0.93..0.96).contains(&precision), "{json}");
}

#[test]
#[ignore]
fn na12878_emu_device_gives_the_cpu_bam_and_vcf_byte_for_byte() {
    let d = |f: &str| shared(&format!("na12878-chr20/{f}"));
    let reference = shared("ref/chr20.window.fa.gz");
    let mut outputs = Vec::new();
    for device in ["cpu", "emu"] {
        let dir = tempfile::tempdir().unwrap();
        let bam = dir.path().join("x.bam");
        let vcf = dir.path().join("x.vcf");
        let (b, v) = (bam.display().to_string(), vcf.display().to_string());
        ok(&[
            "align",
            &reference,
            &d("reads_1.fq.gz"),
            &d("reads_2.fq.gz"),
            "-o",
            &b,
            "-q",
            "--device",
            device,
        ]);
        ok(&[
            "call",
            &reference,
            &b,
            "-o",
            &v,
            "-q",
            "-r",
            "chr20:10000000-10100000",
            "--device",
            device,
        ]);
        let body: Vec<String> = std::fs::read_to_string(&vcf)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(String::from)
            .collect();
        outputs.push((bam_records(&bam), body));
    }
    assert!(
        outputs[0].0 == outputs[1].0,
        "BAM records differ between cpu and emu"
    );
    assert!(
        outputs[0].1 == outputs[1].1,
        "VCF bodies differ between cpu and emu"
    );
}
