//! Every tunable of the caller, with its default and its reason, in one place (GATK keeps an
//! argument collection per engine stage; so does this struct). `zenome call` exposes the common
//! ones as flags; the rest are fixed for now but live here, not in the code that uses them.

use super::ploidy::PloidyOpts;
use crate::backend::{GapModel, Scoring};
use crate::call::indel_errors::PcrIndelModel;
use crate::core::{Error, Result};

/// Which reads calling uses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadFilter {
    /// Reads under this mapping quality are not used (GATK's default is 20). `--min-mapq`.
    pub min_mapq: u8,
}

/// Where the reads disagree with the reference enough to deserve assembly.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ActiveOpts {
    /// Evidence at a position counts when at least this many reads show it...
    pub min_evidence: f32,
    /// ...and they are at least this fraction of the depth.
    pub min_fraction: f32,
    /// Active positions closer than this join one window.
    pub join: i64,
    /// Longest window; longer runs are cut.
    pub max_window: i64,
    /// Soft-clip edges this close count together (reads over one indel clip a few bases apart).
    pub clip_pool: usize,
    /// Bases under this quality are not evidence.
    pub min_base_qual: u8,
}

/// Local de Bruijn assembly of candidate haplotypes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssemblyOpts {
    /// Edges seen in fewer reads are dropped (unless on the reference path).
    pub min_edge_count: u32,
    /// Bases under this quality break k-mers.
    pub min_base_qual: u8,
    /// Path search stops after this many complete paths...
    pub max_paths: usize,
    /// ...or this many expansions.
    pub max_steps: usize,
    /// k values tried in turn (ascending, 11 to 63): the smallest whose graph is acyclic wins.
    pub ks: Vec<usize>,
}

/// Candidate events read straight from the alignments (for what assembly cannot spell).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PileupOpts {
    /// Reads that must show an indel for it to be a candidate.
    pub min_indel_reads: u32,
    /// Reads that must show a mismatching base of at least `min_snp_qual`.
    pub min_snp_reads: u32,
    pub min_snp_qual: u8,
    /// Indels longer than this need only one read (rare as errors, often clipped by aligners).
    pub long_indel: usize,
}

/// Windows, shards and haplotypes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WindowOpts {
    /// Shard length: the fixed grid every contig is cut on. Changing it changes nothing in the
    /// output as long as it is much longer than a window; it sets the unit of parallel work.
    pub shard: i64,
    /// Reference bases added on each side of an active window to assemble it: more than the
    /// largest k, so that events inside can rejoin the reference.
    pub pad: i64,
    /// Sites are genotyped in the window whose active part they touch, give or take this much
    /// (indels left-aligned in a repeat may start a little before it).
    pub site_slack: i64,
    /// Reads are fetched this far around a shard, and windows looked for half as far.
    pub margin: i64,
    /// Most haplotypes kept per window from assembly...
    pub max_haps: usize,
    /// ...and most extra ones made from events in the reads' alignments.
    pub max_pileup_haps: usize,
    /// Clipped reads shorter than this carry too little to place on a haplotype.
    pub min_clipped: usize,
    /// Haplotype-to-reference alignment scores (GATK's: match 200, mismatch -150, open -260,
    /// extend -11), clipping forbidden so that the whole haplotype aligns.
    pub haplotype_scoring: Scoring,
}

/// Genotypes, qualities and filters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GenotypeOpts {
    /// A read's likelihoods are never more than this far (log10) below its best haplotype: one
    /// mismapped or chimeric read cannot veto a genotype (GATK's global mismapping rate, Q45).
    pub mismapping_cap: f64,
    /// A read supports an allele in AD when it is this much (log10) likelier under it.
    pub informative: f64,
    /// Calls below this QUAL are not written...
    pub min_qual: f64,
    /// ...and below this one are filtered `LowQual`, where at least `low_qual_depth` reads
    /// span the site: with fewer, a true heterozygote's QUAL is low for want of reads (two
    /// alternate reads of eight make about 20), so only `min_qual` applies.
    pub low_qual: f64,
    pub low_qual_depth: u32,
    /// Heterozygosity priors (GATK's): SNPs and indels.
    pub snp_heterozygosity: f64,
    pub indel_heterozygosity: f64,
    /// FS above these filters a call `StrandBias` (SNPs, indels: GATK's hard-filter values).
    pub max_fs_snp: f64,
    pub max_fs_indel: f64,
    /// SOR above these, or the one-strand test below `min_one_strand_p`, filter heterozygous
    /// calls whose alternate fraction is under `low_fraction` (recurrent strand errors look so).
    pub max_sor_snp: f64,
    pub max_sor_indel: f64,
    pub min_one_strand_p: f64,
    pub low_fraction: f64,
}

/// Reference-confidence blocks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GvcfOpts {
    /// Lower edges of the GQ bands blocks are merged by (ascending, from 0).
    pub bands: Vec<u32>,
    /// Bases under this quality are not counted.
    pub min_base_qual: u8,
    /// Error probability given to a deletion over a position.
    pub deletion_error: f64,
}

/// The caller's options.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallOpts {
    pub reads: ReadFilter,
    pub active: ActiveOpts,
    pub assembly: AssemblyOpts,
    pub pileup: PileupOpts,
    pub window: WindowOpts,
    pub genotype: GenotypeOpts,
    pub gvcf: GvcfOpts,
    /// The pair-HMM's gap model (GATK's constant indel qualities and gap continuation).
    pub gap: GapModel,
    /// How tandem repeats lower the gap-opening qualities (`--pcr-indel-model`).
    pub pcr_indel: PcrIndelModel,
    /// Copies of each contig.
    pub ploidy: PloidyOpts,
}

/// GATK HaplotypeCaller's default GQ bands as lower edges: one band per GQ from 0 to 59, then
/// 60-69, 70-79, 80-89, 90-98 and 99.
fn gatk_bands() -> Vec<u32> {
    (0..60).chain([60, 70, 80, 90, 99]).collect()
}

impl Default for CallOpts {
    fn default() -> Self {
        CallOpts {
            reads: ReadFilter { min_mapq: 20 },
            active: ActiveOpts {
                min_evidence: 2.0,
                min_fraction: 0.08,
                join: 20,
                max_window: 300,
                clip_pool: 3,
                min_base_qual: 10,
            },
            assembly: AssemblyOpts {
                min_edge_count: 2,
                min_base_qual: 10,
                max_paths: 256,
                max_steps: 200_000,
                ks: vec![25, 35, 45, 55, 63],
            },
            pileup: PileupOpts {
                min_indel_reads: 2,
                min_snp_reads: 2,
                min_snp_qual: 20,
                long_indel: 8,
            },
            window: WindowOpts {
                shard: 50_000,
                pad: 100,
                site_slack: 20,
                margin: 800,
                max_haps: 12,
                max_pileup_haps: 6,
                min_clipped: 20,
                haplotype_scoring: Scoring {
                    match_score: 200,
                    mismatch: 150,
                    gap_open: 249,
                    gap_extend: 11,
                    clip: 1_000_000,
                    n_penalty: 0,
                },
            },
            genotype: GenotypeOpts {
                mismapping_cap: 4.5,
                informative: 0.2,
                min_qual: 10.0,
                low_qual: 30.0,
                low_qual_depth: 20,
                snp_heterozygosity: 1e-3,
                indel_heterozygosity: 1.25e-4,
                max_fs_snp: 60.0,
                max_fs_indel: 200.0,
                max_sor_snp: 3.0,
                max_sor_indel: 10.0,
                min_one_strand_p: 1e-3,
                low_fraction: 0.35,
            },
            gvcf: GvcfOpts {
                bands: gatk_bands(),
                min_base_qual: 10,
                deletion_error: 1e-3,
            },
            gap: GapModel::default(),
            pcr_indel: PcrIndelModel::Conservative,
            ploidy: PloidyOpts::default(),
        }
    }
}

impl CallOpts {
    /// Refuses values the caller cannot work with, naming the flag or field.
    pub(crate) fn validate(&self) -> Result<()> {
        self.ploidy.validate()?;
        let bad = |what: String| Err(Error::Usage(what));
        let ks = &self.assembly.ks;
        if ks.is_empty()
            || ks.windows(2).any(|w| w[0] >= w[1])
            || ks.iter().any(|k| !(11..=63).contains(k))
        {
            return bad(format!(
                "assembly k values {ks:?}: ascending, each 11 to 63"
            ));
        }
        let w = &self.window;
        if w.shard < 1_000 || w.pad <= *ks.last().unwrap_or(&0) as i64 || w.margin < 2 * w.pad {
            return bad(format!(
                "window options (shard {}, pad {}, margin {}): a shard of at least 1000 bp, pad above the largest k, margin at least twice the pad",
                w.shard, w.pad, w.margin
            ));
        }
        if w.max_haps < 1 || self.active.max_window < 1 {
            return bad("at least one haplotype and a window of at least 1 bp".into());
        }
        let g = &self.genotype;
        if !(g.min_qual >= 0.0 && g.low_qual >= g.min_qual) {
            return bad(format!(
                "--min-qual {}: must be at least 0 and at most the LowQual threshold {}",
                g.min_qual, g.low_qual
            ));
        }
        let bands = &self.gvcf.bands;
        if bands.first() != Some(&0)
            || bands.windows(2).any(|b| b[0] >= b[1])
            || bands.iter().any(|&b| b > 99)
        {
            return bad(format!(
                "gVCF GQ bands {bands:?} (lower edges; --gvcf-gq-bands takes the upper ones): ascending from 0, at most 99"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_impossible_values_name_their_flag() {
        CallOpts::default().validate().unwrap();
        let mut o = CallOpts::default();
        o.genotype.min_qual = 50.0;
        assert!(
            o.validate()
                .unwrap_err()
                .to_string()
                .contains("--min-qual 50")
        );
        let mut o = CallOpts::default();
        o.gvcf.bands = vec![1, 10];
        assert!(o.validate().unwrap_err().to_string().contains("GQ bands"));
    }
}
