//! A BAM index shared by every region query: noodles wants an owned index per reader, and
//! cloning the whole BAI for each 50 kb shard would copy it tens of thousands of times on a
//! human genome.

use std::io;
use std::sync::Arc;

use noodles_bam::bai;
use noodles_bgzf::VirtualPosition;
use noodles_core::region::Interval;
use noodles_csi::binning_index::index::Header;
use noodles_csi::binning_index::index::reference_sequence::bin::Chunk;
use noodles_csi::binning_index::{BinningIndex, ReferenceSequence};

/// A reference-counted BAI that answers as the index itself.
#[derive(Clone)]
pub(crate) struct SharedIndex(pub Arc<bai::Index>);

impl BinningIndex for SharedIndex {
    fn min_shift(&self) -> u8 {
        self.0.min_shift()
    }

    fn depth(&self) -> u8 {
        self.0.depth()
    }

    fn header(&self) -> Option<&Header> {
        self.0.header()
    }

    fn reference_sequences(&self) -> Box<dyn Iterator<Item = &dyn ReferenceSequence> + '_> {
        BinningIndex::reference_sequences(self.0.as_ref())
    }

    fn unplaced_unmapped_record_count(&self) -> Option<u64> {
        self.0.unplaced_unmapped_record_count()
    }

    fn query(&self, reference_sequence_id: usize, interval: Interval) -> io::Result<Vec<Chunk>> {
        self.0.query(reference_sequence_id, interval)
    }

    fn last_first_record_start_position(&self) -> Option<VirtualPosition> {
        self.0.last_first_record_start_position()
    }
}
