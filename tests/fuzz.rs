//! Randomised bad input: valid files, truncated and mutated in bounded, seeded loops, fed to
//! every parser. Each must return an error or a result, never panic, and never call its own
//! input an internal error (exit status 2). The counts of inputs tried are printed (run with
//! `--nocapture`) and asserted, so that a change cannot quietly shrink the loops.

mod common;

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use common::test_data;
use zenome::core::rng::Rng;
use zenome::core::{Error, Result};
use zenome::io::bam_reader::RecordSource;
use zenome::io::{bam_reader, bed, fasta, fastq, vcf_reader};

/// Mutations of one input per format, per kind (raw bytes; and decompressed, then recompressed).
const ROUNDS: usize = 1500;

/// One mutation of `data`: cut it short, flip, insert, delete or duplicate bytes, or replace
/// a byte with one that means something to text formats.
fn mutate(data: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut d = data.to_vec();
    let n = 1 + rng.below(4);
    for _ in 0..n {
        if d.is_empty() {
            d.push(b'@');
        }
        let at = rng.below(d.len());
        match rng.below(7) {
            0 => d.truncate(at),
            1 => d[at] ^= 1 << rng.below(8),
            2 => d[at] = rng.below(256) as u8,
            3 => {
                let special = b"\t\n\r@+>#:-,.=*0\xff\x00";
                d[at] = special[rng.below(special.len())];
            }
            4 => {
                let len = rng.below(64).min(d.len() - at);
                d.drain(at..at + len);
            }
            5 => {
                let len = rng.below(64).min(d.len() - at);
                let copy = d[at..at + len].to_vec();
                let to = rng.below(d.len());
                d.splice(to..to, copy);
            }
            _ => {
                let b = rng.below(256) as u8;
                d.insert(at, b);
            }
        }
    }
    d
}

/// Runs `f` on a mutated file; a panic or an internal error fails the test with the input kept.
fn check(name: &str, bytes: &[u8], dir: &Path, f: &dyn Fn(&Path) -> Result<()>) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write input");
    let outcome = catch_unwind(AssertUnwindSafe(|| f(&path)));
    let keep = || {
        let kept = std::env::temp_dir().join(format!("zenome-fuzz-{name}"));
        let _ = std::fs::write(&kept, bytes);
        kept.display().to_string()
    };
    match outcome {
        Err(_) => panic!("{name}: the parser panicked (input kept at {})", keep()),
        Ok(Err(e @ Error::Internal(_))) => {
            panic!(
                "{name}: {e} is not an input error (input kept at {})",
                keep()
            )
        }
        Ok(_) => {}
    }
}

fn gunzip(path: &str) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).expect("open"))
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn bgzip(data: &[u8]) -> Vec<u8> {
    let mut w = noodles_bgzf::io::Writer::new(Vec::new());
    w.write_all(data).expect("bgzf");
    w.finish().expect("bgzf finish")
}

/// The number of inputs tried, by format.
fn tried(format: &str, n: usize) {
    println!("{format}: {n} mutated inputs, none panicked or was called an internal error");
}

#[test]
fn mutated_fastq_and_fasta_are_input_errors_never_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng::new(1);
    let fq = gunzip(&test_data("sim-60k/reads_1.fq.gz"));
    let fq = &fq[..fq.len().min(20_000)];
    let read_all = |p: &Path| -> Result<()> {
        let mut r = fastq::FastqReader::open(p)?;
        let mut read = fastq::Read::default();
        while r.next_into(&mut read)? {}
        Ok(())
    };
    let fa = std::fs::read(test_data("sim-60k/ref.fa")).expect("read fasta");
    let fa = &fa[..fa.len().min(20_000)];
    let mut n = 0;
    for i in 0..ROUNDS {
        check(
            &format!("m{i}.fq"),
            &mutate(fq, &mut rng),
            dir.path(),
            &read_all,
        );
        check(
            &format!("z{i}.fq.gz"),
            &mutate(&bgzip(fq), &mut rng),
            dir.path(),
            &read_all,
        );
        check(
            &format!("m{i}.fa"),
            &mutate(fa, &mut rng),
            dir.path(),
            &|p| fasta::read(p).map(|_| ()),
        );
        n += 3;
    }
    tried("FASTQ and FASTA", n);
    assert_eq!(n, 3 * ROUNDS);
}

#[test]
fn mutated_vcf_and_bed_are_input_errors_never_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng::new(2);
    let vcf = gunzip(&test_data("sim-60k/truth.vcf.gz"));
    let read_vcf = |p: &Path| -> Result<()> {
        let mut r = vcf_reader::VcfReader::open(p)?;
        while r.next_record()?.is_some() {}
        Ok(())
    };
    let bed_text = b"track name=x\nsim1\t0\t60000\nsim1\t100\t200\tname\n# note\nsim1 5 9\n";
    let mut n = 0;
    for i in 0..ROUNDS {
        check(
            &format!("m{i}.vcf"),
            &mutate(&vcf, &mut rng),
            dir.path(),
            &read_vcf,
        );
        check(
            &format!("z{i}.vcf.gz"),
            &mutate(&bgzip(&vcf), &mut rng),
            dir.path(),
            &read_vcf,
        );
        check(
            &format!("m{i}.bed"),
            &mutate(bed_text, &mut rng),
            dir.path(),
            &|p| bed::read(p).map(|_| ()),
        );
        n += 3;
    }
    tried("VCF and BED", n);
    assert_eq!(n, 3 * ROUNDS);
}

/// A small sorted BAM of 60 simulated reads, made by zenome itself.
fn small_bam(dir: &Path) -> Vec<u8> {
    let bam = dir.join("small.bam");
    let reads = dir.join("r.fq");
    let fq = gunzip(&test_data("sim-60k/reads_1.fq.gz"));
    let head: Vec<&[u8]> = fq.split(|&b| b == b'\n').take(4 * 60).collect();
    let mut text = head.join(&b"\n"[..]);
    text.push(b'\n');
    std::fs::write(&reads, text).expect("write reads");
    common::ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        reads.to_str().expect("path"),
        "-o",
        bam.to_str().expect("path"),
        "-q",
    ]);
    std::fs::read(&bam).expect("read bam")
}

#[test]
fn mutated_bams_are_input_errors_never_panics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng::new(3);
    let bam = small_bam(dir.path());
    let mut raw = Vec::new();
    noodles_bgzf::io::Reader::new(&bam[..])
        .read_to_end(&mut raw)
        .expect("inflate bam");
    // A pass over every record, then, when noodles can index the file, region queries.
    let read_bam = |p: &Path| -> Result<()> {
        bam_reader::for_each(p, |_, _| Ok(()))?;
        let Ok(noodles_bam::index::Index::Bai(bai)) = noodles_bam::fs::index(p) else {
            return Ok(());
        };
        let bai_path = format!("{}.bai", p.display());
        noodles_bam::bai::fs::write(&bai_path, &bai).expect("write bai");
        let r = bam_reader::BamReader::open(p)?;
        for tid in 0..r.dict().len() {
            r.fetch_records(tid, 0, 60_000, &|_, _| true)?;
        }
        Ok(())
    };
    let mut n = 0;
    for i in 0..ROUNDS {
        check(
            &format!("m{i}.bam"),
            &mutate(&bam, &mut rng),
            dir.path(),
            &read_bam,
        );
        check(
            &format!("z{i}.bam"),
            &bgzip(&mutate(&raw, &mut rng)),
            dir.path(),
            &read_bam,
        );
        n += 2;
    }
    tried("BAM", n);
    assert_eq!(n, 2 * ROUNDS);
}

#[test]
fn mutated_indexes_are_refused_never_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng::new(4);
    let reference = dir.path().join("ref.fa");
    std::fs::copy(test_data("sim-60k/ref.fa"), &reference).expect("copy");
    common::ok(&["index", reference.to_str().expect("path")]);
    let zmi = std::fs::read(dir.path().join("ref.fa.zmi")).expect("read index");
    let load = |p: &Path| -> Result<()> {
        let idx = zenome::index::Index::load(p)?;
        let _ = idx.dict();
        for h in [0u64, 1, 12345, 1 << 37, u64::MAX >> 26] {
            let _ = idx.lookup(h);
        }
        Ok(())
    };
    let mut n = 0;
    for i in 0..ROUNDS {
        check(
            &format!("m{i}.zmi"),
            &mutate(&zmi, &mut rng),
            dir.path(),
            &load,
        );
        n += 1;
    }
    tried("index", n);
    assert_eq!(n, ROUNDS);
}
