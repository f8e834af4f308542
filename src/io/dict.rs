//! The sequence dictionary of a reference: each contig's name, length and MD5, as SAM's `@SQ`
//! lines and VCF's `##contig` lines state them.

/// One reference sequence as headers describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSeq {
    pub name: String,
    pub len: u64,
    /// MD5 of the upper-cased sequence (SAM specification section 1.3, `M5`); zeros when unknown.
    pub m5: [u8; 16],
}

impl RefSeq {
    /// A reference contig's entry.
    pub(crate) fn of_contig(c: &super::fasta::Contig) -> RefSeq {
        RefSeq {
            name: c.name.clone(),
            len: c.seq.len() as u64,
            m5: c.m5,
        }
    }

    /// The MD5 as 32 lower-case hexadecimal digits.
    pub fn m5_hex(&self) -> String {
        self.m5.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The dictionary of a reference's contigs.
pub(crate) fn of_contigs(contigs: &[super::fasta::Contig]) -> Vec<RefSeq> {
    contigs.iter().map(RefSeq::of_contig).collect()
}
