//! Which records of a slice are stored as attached mates (CRAM 3.0 specification, section
//! 10.4): the upstream record of a pair points at its mate downstream, and the decoder rebuilds
//! both records' mate fields and template length. Only pairs whose fields the decoders (htslib
//! and noodles) rebuild exactly are attached; every other record is stored detached, with its
//! own mate fields.

use std::collections::HashMap;

use crate::core::cigar;
use crate::io::sam_record::{SamRecord, flag};

/// How a record's mate fields are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Link {
    /// Its own mate flags, mate position and template length.
    Detached,
    /// Its mate is the record this many records further on.
    Downstream(usize),
    /// Its mate points at it from upstream: nothing stored.
    Attached,
}

/// The end (0-based, exclusive) of a record's alignment, as the decoders compute it.
fn end(r: &SamRecord) -> i64 {
    r.pos + cigar::reference_span(&r.cigar)
}

/// Whether the decoders rebuild `a`'s and `b`'s (a upstream) mate fields as they are: both
/// primary, mapped on one contig at different starts, each naming the other's position and
/// strand, TLEN spanning both, positive on the leftmost.
fn rebuilt_exactly(a: &SamRecord, b: &SamRecord) -> bool {
    let names_other = |x: &SamRecord, y: &SamRecord| {
        x.mate_tid == y.tid
            && x.mate_pos == y.pos
            && (x.flag & flag::MATE_REVERSE != 0) == (y.flag & flag::REVERSE != 0)
            && x.flag & flag::MATE_UNMAPPED == 0
    };
    let mapped = |x: &SamRecord| x.flag & flag::UNMAPPED == 0;
    if !(mapped(a) && mapped(b) && a.tid == b.tid && a.tid >= 0 && a.pos != b.pos) {
        return false;
    }
    if !(names_other(a, b) && names_other(b, a)) {
        return false;
    }
    let tlen = end(a).max(end(b)) - a.pos.min(b.pos);
    let (left, right) = if a.pos < b.pos { (a, b) } else { (b, a) };
    left.tlen == tlen && right.tlen == -tlen
}

/// Each record's link: pairs of the only two primary records of a name in the slice, when
/// rebuilt exactly, attached; the rest detached.
pub(super) fn links(records: &[(SamRecord, Vec<u8>)]) -> Vec<Link> {
    let mut links = vec![Link::Detached; records.len()];
    let mut by_name: HashMap<&[u8], Vec<usize>> = HashMap::new();
    for (i, (r, _)) in records.iter().enumerate() {
        let primary = r.flag & (flag::SECONDARY | flag::SUPPLEMENTARY) == 0;
        if r.flag & flag::PAIRED != 0 && primary {
            by_name.entry(&r.name).or_default().push(i);
        }
    }
    for ix in by_name.values() {
        if let [i, j] = ix[..]
            && rebuilt_exactly(&records[i].0, &records[j].0)
        {
            links[i] = Link::Downstream(j - i - 1);
            links[j] = Link::Attached;
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cigar::{CigarOp, Kind};

    fn rec(name: &str, flag: u16, pos: i64, mate_pos: i64, tlen: i64) -> (SamRecord, Vec<u8>) {
        let r = SamRecord {
            name: name.as_bytes().to_vec(),
            flag,
            tid: 0,
            pos,
            cigar: vec![CigarOp::new(Kind::Match, 100)],
            mate_tid: 0,
            mate_pos,
            tlen,
            ..SamRecord::default()
        };
        (r, Vec::new())
    }

    #[test]
    fn only_pairs_rebuilt_exactly_are_attached() {
        let f = flag::PAIRED;
        let recs = vec![
            // A pair 50 apart: attached.
            rec("a", f | flag::FIRST | flag::MATE_REVERSE, 1000, 1050, 150),
            rec("a", f | flag::LAST | flag::REVERSE, 1050, 1000, -150),
            // Mates starting together: TLEN signs are the decoders' choice, so detached.
            rec("b", f | flag::FIRST | flag::MATE_REVERSE, 1100, 1100, 100),
            rec("b", f | flag::LAST | flag::REVERSE, 1100, 1100, -100),
            // A pair with a supplementary record: the primaries attach, the other not.
            rec("c", f | flag::FIRST | flag::MATE_REVERSE, 1200, 1300, 200),
            rec("c", f | flag::FIRST | flag::SUPPLEMENTARY, 1250, 1300, 0),
            rec("c", f | flag::LAST | flag::REVERSE, 1300, 1200, -200),
            // TLEN that is not the span (as a caller may write it): detached.
            rec("d", f | flag::FIRST | flag::MATE_REVERSE, 1400, 1450, 151),
            rec("d", f | flag::LAST | flag::REVERSE, 1450, 1400, -151),
            // Mate strand flag disagreeing with the mate: detached.
            rec("e", f | flag::FIRST, 1500, 1550, 150),
            rec("e", f | flag::LAST | flag::REVERSE, 1550, 1500, -150),
        ];
        use Link::*;
        assert_eq!(
            links(&recs),
            [
                Downstream(0),
                Attached,
                Detached,
                Detached,
                Downstream(1),
                Detached,
                Attached,
                Detached,
                Detached,
                Detached,
                Detached
            ]
        );
    }
}
