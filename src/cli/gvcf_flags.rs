//! `--gvcf` and `--gvcf-gq-bands`, shared by `call` and `run`.

use crate::call::options::GvcfOpts;

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GvcfFlags {
    /// Write a gVCF (reference blocks and the <NON_REF> allele).
    #[arg(long)]
    pub gvcf: bool,
    /// GQ band edges of the reference blocks, as GATK's -GQB: ascending exclusive upper bounds
    /// from 1 to 100, comma-separated (default GATK's: 1 to 60 by 1, 70, 80, 90, 99).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub gvcf_gq_bands: Vec<u32>,
}

impl GvcfFlags {
    /// Sets the bands (as lower edges from 0) when given; validation is `CallOpts::validate`'s.
    pub(crate) fn apply(&self, o: &mut GvcfOpts) {
        if !self.gvcf_gq_bands.is_empty() {
            o.bands = std::iter::once(0)
                .chain(self.gvcf_gq_bands.iter().copied().filter(|&b| b < 100))
                .collect();
        }
    }
}
