//! The caller's model flags, shared by `call` and `run`: `--ploidy`, `--haploid-contigs`,
//! `--sex` and `--pcr-indel-model`.

use crate::call::CallOpts;
use crate::call::indel_errors::PcrIndelModel;
use crate::call::ploidy::{PloidyOpts, Sex};

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ModelFlags {
    /// Copies of each contig (1 to 8; 1 for haploid organisms or the mitochondrion alone).
    #[arg(long, default_value_t = PloidyOpts::default().ploidy)]
    pub ploidy: usize,
    /// Contigs called haploid whatever --ploidy says, comma-separated (e.g. chrM).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub haploid_contigs: Vec<String>,
    /// male: chrX outside the GRCh37/GRCh38 pseudo-autosomal regions and chrY haploid;
    /// female: chrY left out.
    #[arg(long, value_name = "male|female")]
    pub sex: Option<Sex>,
    /// How much more often reads gain or lose a unit in tandem repeats (GATK's PCR indel
    /// model): none (constant gap qualities, e.g. PCR-free libraries), hostile, aggressive or
    /// conservative.
    #[arg(long, value_name = "MODEL", default_value_t = CallOpts::default().pcr_indel)]
    pub pcr_indel_model: PcrIndelModel,
}

impl ModelFlags {
    /// Sets the ploidy and the indel error model of `opts`.
    pub(crate) fn apply(&self, opts: &mut CallOpts) {
        opts.ploidy = PloidyOpts {
            ploidy: self.ploidy,
            haploid: self.haploid_contigs.clone(),
            sex: self.sex,
        };
        opts.pcr_indel = self.pcr_indel_model;
    }
}
