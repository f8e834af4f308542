//! gVCF blocks on their way to the writer: the last one is held back so that it can be joined
//! with the next shard's first when a single pass would have made them one block.

use crate::call::gvcf::{self, Block};
use crate::call::options::GvcfOpts;
use crate::call::vcf_out;
use crate::core::Result;
use crate::io::fasta::Contig;
use crate::io::vcf_writer::VcfWriter;

/// The block held back (with its contig number), and how many were written.
pub(crate) struct BlockJoin<'o> {
    pending: Option<(usize, Block)>,
    opts: &'o GvcfOpts,
    pub written: u64,
}

impl<'o> BlockJoin<'o> {
    pub(crate) fn new(opts: &'o GvcfOpts) -> Self {
        BlockJoin {
            pending: None,
            opts,
            written: 0,
        }
    }

    /// Takes the next block of contig `ci`, or `None` before a variant record and at the end.
    pub(crate) fn put(
        &mut self,
        w: &mut VcfWriter,
        contigs: &[Contig],
        next: Option<(usize, Block)>,
    ) -> Result<()> {
        if let (Some((pc, a)), Some((nc, b))) = (self.pending.as_mut(), next.as_ref())
            && *pc == *nc
            && let Some(joined) = gvcf::join(a, b, self.opts)
        {
            *a = joined;
            return Ok(());
        }
        if let Some((pc, a)) = self.pending.take() {
            w.write(&vcf_out::block_record(&contigs[pc].name, &a))?;
            self.written += 1;
        }
        self.pending = next;
        Ok(())
    }
}
