//! The lanes of a run and their read groups: from positional FASTQs with `-R`, or from a
//! `--fastq-list`. One sample per run; duplicates are marked per library, across its lanes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::core::{Error, Result};
use crate::io::fastq::{FastqReader, Read};
use crate::io::fastq_list::{self, LaneEntry};
use crate::io::fragments::LaneFiles;
use crate::io::sam_header::ReadGroup;

/// The library of read groups that name none (Picard's name for it).
pub(crate) const UNKNOWN_LIBRARY: &str = "Unknown Library";

/// One lane: its files and, when the run has read groups, its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lane {
    pub files: LaneFiles,
    pub read_group: Option<ReadGroup>,
}

impl Lane {
    /// The lane of positional FASTQ files, with the `-R` read group if any.
    pub(crate) fn positional(reads: &[PathBuf], read_group: Option<ReadGroup>) -> Lane {
        Lane {
            files: LaneFiles {
                r1: reads[0].clone(),
                r2: reads.get(1).cloned(),
                interleaved: false,
                comments: false,
                read_group: None,
            },
            read_group,
        }
    }
}

/// The lanes of an unaligned BAM with several read groups: one per read group, each reading the
/// file's records of its group; exit 1 when they name several samples.
pub(crate) fn of_read_groups(path: &Path, groups: Vec<ReadGroup>) -> Result<Vec<Lane>> {
    let mut samples: Vec<&str> = groups.iter().filter_map(|g| g.field("SM")).collect();
    samples.sort_unstable();
    samples.dedup();
    if samples.len() > 1 {
        return Err(Error::input(
            path,
            format!(
                "read groups of {} samples ({}): a run takes one sample",
                samples.len(),
                samples.join(", ")
            ),
        ));
    }
    let ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    Ok(groups
        .into_iter()
        .map(|g| Lane {
            files: LaneFiles {
                r1: path.to_path_buf(),
                read_group: Some((g.id.clone(), ids.clone())),
                ..LaneFiles::default()
            },
            read_group: Some(g),
        })
        .collect())
}

/// The lanes of a `--fastq-list`, each with its `@RG` line (ID, SM, LB, PL:ILLUMINA, and PU:
/// the list's RGPU, else `flowcell.lane` when the first read's name says which); exit 1 when they name several samples.
pub(crate) fn from_fastq_list(list: &Path) -> Result<Vec<Lane>> {
    let entries = fastq_list::read(list)?;
    let samples: Vec<&str> = entries.iter().fold(Vec::new(), |mut v, e| {
        if !v.contains(&e.sample.as_str()) {
            v.push(e.sample.as_str());
        }
        v
    });
    if samples.len() > 1 {
        return Err(Error::input(
            list,
            format!(
                "{} samples ({}): a run takes one sample; split the list per RGSM",
                samples.len(),
                samples.join(", ")
            ),
        ));
    }
    entries
        .iter()
        .map(|e| {
            let pu = match &e.pu {
                Some(pu) => Some(pu.clone()),
                None => platform_unit(e)?,
            };
            let mut line = format!(
                "@RG\tID:{}\tSM:{}\tLB:{}\tPL:ILLUMINA",
                e.rgid, e.sample, e.library
            );
            if let Some(pu) = pu {
                line.push_str(&format!("\tPU:{pu}"));
            }
            Ok(Lane {
                files: LaneFiles {
                    r1: e.r1.clone(),
                    r2: e.r2.clone(),
                    interleaved: false,
                    comments: false,
                    read_group: None,
                },
                read_group: Some(ReadGroup {
                    id: e.rgid.clone(),
                    line,
                }),
            })
        })
        .collect()
}

/// `flowcell.lane` from an Illumina read name (`instrument:run:flowcell:lane:tile:x:y`) of the
/// lane's first read, the list's Lane column standing in for a name without one.
fn platform_unit(e: &LaneEntry) -> Result<Option<String>> {
    let mut reader = FastqReader::open(&e.r1)?;
    let mut read = Read::default();
    if !reader.next_into(&mut read)? {
        return Ok(None);
    }
    let name = String::from_utf8_lossy(&read.name).into_owned();
    let parts: Vec<&str> = name.split(':').collect();
    if parts.len() >= 7 && !parts[2].is_empty() && parts[3].parse::<u32>().is_ok() {
        return Ok(Some(format!("{}.{}", parts[2], parts[3])));
    }
    Ok(e.lane.map(|l| format!("{}.{l}", e.rgid)))
}

/// The read groups of the lanes (distinct, in lane order) for the header.
pub(crate) fn read_groups(lanes: &[Lane]) -> Vec<ReadGroup> {
    let mut seen = HashSet::new();
    lanes
        .iter()
        .filter_map(|l| l.read_group.clone())
        .filter(|rg| seen.insert(rg.id.clone()))
        .collect()
}

/// The libraries of a run, in order of first appearance, and the library of each lane: a read
/// group's LB, else the unknown library.
pub(crate) fn libraries(lanes: &[Lane]) -> (Vec<String>, Vec<u16>) {
    let mut names: Vec<String> = Vec::new();
    let mut of_lane = Vec::with_capacity(lanes.len());
    for l in lanes {
        let name = l
            .read_group
            .as_ref()
            .and_then(|rg| rg.field("LB"))
            .unwrap_or(UNKNOWN_LIBRARY);
        let i = match names.iter().position(|n| n == name) {
            Some(i) => i,
            None => {
                names.push(name.to_string());
                names.len() - 1
            }
        };
        of_lane.push(i as u16);
    }
    (names, of_lane)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn lanes_of_a_list_carry_read_groups_libraries_and_platform_units() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "a1.fq",
            "@M1:7:FCX:1:1101:10:20 1:N:0:ACGT\nACGT\n+\nIIII\n",
        );
        write(
            d,
            "a2.fq",
            "@M1:7:FCX:1:1101:10:20 2:N:0:ACGT\nACGT\n+\nIIII\n",
        );
        write(d, "b1.fq", "@read1\nACGT\n+\nIIII\n");
        write(d, "b2.fq", "@read1\nACGT\n+\nIIII\n");
        let list = write(
            d,
            "fastq_list.csv",
            "RGID,RGSM,RGLB,Lane,Read1File,Read2File\nL1,S,libA,1,a1.fq,a2.fq\nL2,S,libA,2,b1.fq,b2.fq\nL3,S,,3,b1.fq,b2.fq\n",
        );
        let lanes = from_fastq_list(&list).unwrap();
        let rg = |i: usize| lanes[i].read_group.clone().unwrap();
        assert_eq!(
            rg(0).line,
            "@RG\tID:L1\tSM:S\tLB:libA\tPL:ILLUMINA\tPU:FCX.1"
        );
        assert_eq!(
            rg(1).field("PU"),
            Some("L2.2"),
            "the Lane column without a name"
        );
        assert_eq!(rg(2).field("LB"), Some("S"), "no RGLB: the sample");
        assert_eq!(lanes[1].files.r2, Some(d.join("b2.fq")));
        let (libs, of_lane) = libraries(&lanes);
        assert_eq!(
            (libs, of_lane),
            (vec!["libA".into(), "S".into()], vec![0, 0, 1])
        );
        assert_eq!(read_groups(&lanes).len(), 3);

        let two = write(
            d,
            "two.csv",
            "RGID,RGSM,RGLB,Lane,Read1File,Read2File\nL1,S,l,1,a1.fq,a2.fq\nL2,T,l,2,b1.fq,b2.fq\n",
        );
        let e = from_fastq_list(&two).unwrap_err().to_string();
        assert!(
            e.contains("2 samples (S, T)") && e.contains("two.csv"),
            "{e}"
        );
    }

    #[test]
    fn positional_lanes_have_the_unknown_library_without_lb() {
        let reads = [PathBuf::from("r1.fq"), PathBuf::from("r2.fq")];
        let rg = crate::io::sam_header::parse_read_group("@RG\\tID:x\\tSM:y").unwrap();
        let lanes = [Lane::positional(&reads, Some(rg))];
        assert_eq!(libraries(&lanes).0, vec![UNKNOWN_LIBRARY.to_string()]);
        assert_eq!(lanes[0].files.r2.as_deref(), Some(Path::new("r2.fq")));
        assert!(read_groups(&[Lane::positional(&reads[..1], None)]).is_empty());
    }
}
