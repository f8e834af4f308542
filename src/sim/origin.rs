//! Simulated read names carry their true origin: `s<index>:<contig>:<pos1>:<strand1>:<pos2>:<strand2>`,
//! 1-based leftmost reference positions of the first and second read.

/// Formats a read name.
pub(crate) fn name(index: &str, contig: &str, first: (u64, bool), second: (u64, bool)) -> String {
    let s = |rev: bool| if rev { '-' } else { '+' };
    format!(
        "s{index}:{contig}:{}:{}:{}:{}",
        first.0,
        s(first.1),
        second.0,
        s(second.1)
    )
}

/// The true origin of a simulated read: contig, and (1-based position, reverse) per mate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    pub contig: String,
    pub mates: [(u64, bool); 2],
}

/// Parses a name made by [`name`]; None for any other name.
pub(crate) fn parse(name: &str) -> Option<Origin> {
    let mut parts = name.rsplitn(5, ':');
    let s2 = parts.next()?;
    let p2 = parts.next()?.parse().ok()?;
    let s1 = parts.next()?;
    let p1 = parts.next()?.parse().ok()?;
    let rest = parts.next()?;
    let (_, contig) = rest.split_once(':')?;
    Some(Origin {
        contig: contig.to_string(),
        mates: [(p1, s1 == "-"), (p2, s2 == "-")],
    })
}

/// Whether a placement of mate `mate` (contig, 1-based aligned start and end, inclusive) is
/// right: on the origin's contig and overlapping the read's true span `len` bases from its
/// origin, widened by `slack`. Overlap rather than equal starts, so that a read clipped at a
/// large indel (placed at the right locus, but starting past the clip) counts as right.
pub(crate) fn is_correct(
    o: &Origin,
    mate: usize,
    contig: &str,
    start: i64,
    end: i64,
    len: i64,
    slack: i64,
) -> bool {
    let t = o.mates[mate].0 as i64;
    o.contig == contig && start <= t + len + slack && end >= t - slack
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let n = name("12.d1", "chr20", (1000, false), (1251, true));
        assert_eq!(n, "s12.d1:chr20:1000:+:1251:-");
        let o = parse(&n).unwrap();
        assert_eq!(o.contig, "chr20");
        assert_eq!(o.mates, [(1000, false), (1251, true)]);
        assert!(is_correct(&o, 1, "chr20", 1260, 1409, 150, 20));
        assert!(!is_correct(&o, 1, "chr20", 1500, 1649, 150, 20));
        assert!(parse("SRR123.4").is_none());
    }
}
