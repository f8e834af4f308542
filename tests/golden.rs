//! Golden outputs: the binary run on `test-data/`, its SAM and VCF text compared line for line
//! with the expected files in `test-data/golden/`. Any change in what zenome writes shows here as
//! a diff to review. `ZENOME_UPDATE_GOLDEN=1 cargo test --release --test golden` rewrites the
//! files; `golden_update_switch_is_off` fails while the switch is set, so that no run with it on
//! can pass (CI runs every test).

mod common;

use std::path::Path;

use common::*;

const SWITCH: &str = "ZENOME_UPDATE_GOLDEN";

/// Lines that name the run rather than the result: the command line, paths and version.
fn is_run_specific(line: &str) -> bool {
    line.starts_with("@PG\t")
        || line.starts_with("##source=")
        || line.starts_with("##zenome_command=")
}

/// Compares `actual` with the golden file `name` (or writes it when the switch is on).
fn golden(name: &str, actual: &str) {
    let actual: String = actual
        .lines()
        .filter(|l| !is_run_specific(l))
        .flat_map(|l| [l, "\n"])
        .collect();
    let path = root().join("test-data/golden").join(name);
    if std::env::var_os(SWITCH).is_some() {
        std::fs::write(&path, &actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: create it with {SWITCH}=1",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    panic!(
        "{name} differs from its golden file at line {} ({} lines expected, {} written):\n  expected: {}\n  written:  {}\nreview the change, then {SWITCH}=1 to accept it",
        at + 1,
        e.len(),
        a.len(),
        e.get(at).unwrap_or(&"(end)"),
        a.get(at).unwrap_or(&"(end)")
    );
}

fn golden_reads() -> [String; 2] {
    [
        test_data("golden/reads_1.fq"),
        test_data("golden/reads_2.fq"),
    ]
}

/// A BAM as SAM text (header included), through noodles.
fn bam_as_sam(path: &Path) -> String {
    use noodles_sam::alignment::io::Write as _;
    let mut reader = noodles_bam::io::reader::Builder
        .build_from_path(path)
        .expect("open bam");
    let header = reader.read_header().expect("bam header");
    let mut writer = noodles_sam::io::Writer::new(Vec::new());
    writer.write_header(&header).expect("sam header");
    for rec in reader.record_bufs(&header) {
        writer
            .write_alignment_record(&header, &rec.expect("record"))
            .expect("sam record");
    }
    String::from_utf8(writer.into_inner()).expect("utf-8")
}

fn vcf_text(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read vcf")
}

/// The full sim-60k set aligned to a sorted BAM.
fn sim_bam(dir: &Path) -> String {
    // -Y, as pipelines align for calling (supplementary records keep their clipped bases).
    sim60k_bam(dir, "sim.bam", &["-Y", "-R", "@RG\\tID:sim\\tSM:SIM1"])
}

/// Calls the sim-60k BAM into `dir/name` with `extra` flags; returns the VCF text.
fn call_sim(dir: &Path, name: &str, extra: &[&str]) -> String {
    let bam = sim_bam(dir);
    let reference = test_data("sim-60k/ref.fa");
    let vcf = dir.join(name).display().to_string();
    let mut flags = vec!["-q"];
    flags.extend_from_slice(extra);
    ok(&call_args(&reference, &bam, &vcf, &flags));
    vcf_text(Path::new(&vcf))
}

#[test]
fn golden_sam_of_paired_reads_in_input_order() {
    let [r1, r2] = golden_reads();
    let out = ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &r1,
        &r2,
        "-o",
        "-",
        "-R",
        "@RG\\tID:g\\tSM:golden",
        "-q",
    ]);
    golden("align.sam", &String::from_utf8(out.stdout).expect("utf-8"));
}

#[test]
fn golden_sorted_duplicate_marked_bam() {
    let dir = tempfile::tempdir().expect("temp dir");
    let [r1, r2] = golden_reads();
    let bam = dir.path().join("g.bam");
    ok(&[
        "align",
        &test_data("sim-60k/ref.fa"),
        &r1,
        &r2,
        "-o",
        bam.to_str().expect("path"),
        "-q",
    ]);
    golden("align_sorted.sam", &bam_as_sam(&bam));
}

#[test]
fn golden_vcf_of_the_simulated_genome() {
    let dir = tempfile::tempdir().expect("temp dir");
    golden("call.vcf", &call_sim(dir.path(), "c.vcf", &[]));
    let (reference, truth) = (
        test_data("sim-60k/ref.fa"),
        test_data("sim-60k/truth.vcf.gz"),
    );
    let vcf = dir.path().join("c.vcf").display().to_string();
    let out = ok(&eval_args(&reference, &truth, &vcf, &[]));
    golden("eval.txt", &String::from_utf8(out.stdout).expect("utf-8"));
}

#[test]
fn golden_gvcf_of_a_region() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = call_sim(dir.path(), "g.vcf", &["--gvcf", "-r", "sim1:20001-26000"]);
    golden("call_region.g.vcf", &text);
}

#[test]
fn golden_update_switch_is_off() {
    assert!(
        std::env::var_os(SWITCH).is_none(),
        "{SWITCH} is set: golden files were rewritten, not checked; unset it and run the tests again"
    );
}
