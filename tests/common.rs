//! Helpers shared by the integration tests: run the real binary, read BAMs back.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
