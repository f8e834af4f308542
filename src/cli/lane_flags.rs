//! The inputs of `align` and `run`: positional FASTQs with `-R`, or `--fastq-list`.

use std::path::{Path, PathBuf};

use crate::core::{Error, Result};
use crate::io::sam_header::parse_read_group;
use crate::io::ubam;
use crate::pipeline::lanes::{self, Lane};

#[derive(Debug, clap::Args)]
pub(crate) struct LaneFlags {
    /// FASTQ file(s): one for single-end reads, two for pairs (plain, gzip or bgzip); or one
    /// unaligned BAM (.bam: pairs by flag and name, its read group and tags kept).
    #[arg(num_args = 1..=2, required_unless_present = "fastq_list")]
    pub reads: Vec<PathBuf>,
    /// Read group header line, e.g. '@RG\tID:x\tSM:y' (bwa's -R); its SM names the sample.
    #[arg(short = 'R', long = "read-group", help_heading = "bwa mem compatible")]
    pub read_group: Option<String>,
    /// A fastq_list.csv (bcl-convert, DRAGEN: RGID,RGSM,RGLB,Lane,Read1File,Read2File) naming
    /// the lanes of one sample, instead of FASTQ files; each lane gets its read group.
    #[arg(long, conflicts_with_all = ["reads", "read_group"])]
    pub fastq_list: Option<PathBuf>,
    /// The one FASTQ holds pairs interleaved, each read followed by its mate (bwa's -p).
    #[arg(
        short = 'p',
        long,
        conflicts_with = "fastq_list",
        help_heading = "bwa mem compatible"
    )]
    pub interleaved: bool,
}

impl LaneFlags {
    /// The lanes to read, in order.
    pub(crate) fn lanes(&self) -> Result<Vec<Lane>> {
        if let Some(list) = &self.fastq_list {
            return lanes::from_fastq_list(list);
        }
        if self.reads.is_empty() {
            return Err(Error::Usage(
                "no reads: give FASTQ files or --fastq-list".into(),
            ));
        }
        let mut rg = self
            .read_group
            .as_deref()
            .map(parse_read_group)
            .transpose()?;
        let ubam = self.reads.len() == 1 && ubam::is_bam(&self.reads[0]);
        if ubam && self.interleaved {
            return Err(Error::Usage(
                "-p (interleaved FASTQ) with an unaligned BAM: its pairs are known by their flags"
                    .into(),
            ));
        }
        let on_stdin = self.reads.len() == 1 && self.reads[0] == Path::new("-");
        if on_stdin && rg.is_none() && !self.interleaved {
            // An unaligned BAM on a pipe: its header is read before the run, its one read
            // group taken (several need the file, read once per read group).
            if let Some(groups) = ubam::stdin_read_groups()? {
                if groups.len() > 1 {
                    return Err(Error::Usage(format!(
                        "the unaligned BAM on standard input declares {} read groups; give it as a file (each becomes a lane) or name one with -R",
                        groups.len()
                    )));
                }
                rg = groups.first().map(|l| parse_read_group(l)).transpose()?;
            }
        }
        if ubam && rg.is_none() {
            // The unaligned BAM's own read groups, as MergeBamAlignment keeps them: one, the
            // run's; several, a lane each (the file read once per read group).
            let groups = ubam::read_groups(&self.reads[0])?
                .iter()
                .map(|l| parse_read_group(l))
                .collect::<Result<Vec<_>>>()?;
            if groups.len() > 1 {
                return lanes::of_read_groups(&self.reads[0], groups);
            }
            rg = groups.into_iter().next();
        }
        if self.interleaved && self.reads.len() != 1 {
            return Err(Error::Usage(
                "-p (interleaved pairs) takes one FASTQ, not two".into(),
            ));
        }
        let mut lane = Lane::positional(&self.reads, rg);
        lane.files.interleaved = self.interleaved;
        Ok(vec![lane])
    }
}
