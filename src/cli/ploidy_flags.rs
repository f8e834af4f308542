//! `--ploidy`, `--haploid-contigs` and `--sex`, shared by `call` and `run`.

use crate::call::ploidy::{PloidyOpts, Sex};

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PloidyFlags {
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
}

impl PloidyFlags {
    pub(crate) fn opts(&self) -> PloidyOpts {
        PloidyOpts {
            ploidy: self.ploidy,
            haploid: self.haploid_contigs.clone(),
            sex: self.sex,
        }
    }
}
