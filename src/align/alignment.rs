//! One placement of a read on the reference.

use crate::core::cigar::CigarOp;

/// A local alignment of a read, on the strand given by `rev` (for `rev`, query coordinates are
/// on the reverse complement). `cigar` holds M/I/D only; clips follow from `qstart`/`qend`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alignment {
    pub contig: u32,
    /// 0-based start on the contig.
    pub pos: i64,
    /// 0-based exclusive end on the contig.
    pub end: i64,
    pub rev: bool,
    pub qstart: u32,
    pub qend: u32,
    pub cigar: Vec<CigarOp>,
    pub score: i32,
}

impl Alignment {
    /// Number of query bases this alignment shares with `other`'s query range.
    pub(crate) fn query_overlap(&self, other: &Alignment, len: u32) -> u32 {
        let (a0, a1) = self.forward_query_range(len);
        let (b0, b1) = other.forward_query_range(len);
        a1.min(b1).saturating_sub(a0.max(b0))
    }

    /// Whether the two place mostly the same part of the read: they share at least half of the
    /// shorter one's query bases (a competitor for MAPQ, an alternative for XA).
    pub(crate) fn shares_query(&self, other: &Alignment, len: u32) -> bool {
        let short = (self.qend - self.qstart).min(other.qend - other.qstart);
        2 * self.query_overlap(other, len) >= short
    }

    /// The aligned query range in the read's own (sequencing) orientation.
    pub(crate) fn forward_query_range(&self, len: u32) -> (u32, u32) {
        if self.rev {
            (len - self.qend, len - self.qstart)
        } else {
            (self.qstart, self.qend)
        }
    }

    /// True when both cover the same reference bases on the same strand (the same placement).
    pub(crate) fn same_place(&self, other: &Alignment) -> bool {
        self.contig == other.contig
            && self.rev == other.rev
            && self.pos < other.end
            && other.pos < self.end
            && (self.pos - other.pos).abs() < 32
    }

    /// The 5' end of the read on the reference, ignoring clips (as duplicate marking uses it).
    pub(crate) fn unclipped_five_prime(&self, len: u32) -> i64 {
        if self.rev {
            self.end + i64::from(len - self.qend) - 1
        } else {
            self.pos - i64::from(self.qstart)
        }
    }
}
