//! `PREFIX.dup_metrics.txt`: duplicate-marking counts per library in the layout of Picard's
//! `DuplicationMetrics` file, which MultiQC and other QC tools read.

use std::path::Path;

use super::markdup::LibraryCounts;
use crate::core::Result;
use crate::io::output;

/// The metrics file text for libraries `names` with their counts.
pub(crate) fn text(names: &[String], counts: &[LibraryCounts], command_line: &str) -> String {
    let mut s = String::new();
    s.push_str("## htsjdk.samtools.metrics.StringHeader\n");
    s.push_str(&format!(
        "# MarkDuplicates (zenome {}) {}\n",
        env!("CARGO_PKG_VERSION"),
        command_line.replace(['\n', '\r'], " ")
    ));
    s.push_str("\n## METRICS CLASS\tpicard.sam.DuplicationMetrics\n");
    s.push_str(
        "LIBRARY\tUNPAIRED_READS_EXAMINED\tREAD_PAIRS_EXAMINED\tSECONDARY_OR_SUPPLEMENTARY_RDS\t\
         UNMAPPED_READS\tUNPAIRED_READ_DUPLICATES\tREAD_PAIR_DUPLICATES\t\
         READ_PAIR_OPTICAL_DUPLICATES\tPERCENT_DUPLICATION\tESTIMATED_LIBRARY_SIZE\n",
    );
    for (name, c) in names.iter().zip(counts) {
        let size = library_size(
            c.read_pairs_examined,
            c.read_pairs_examined - c.read_pair_duplicates,
        )
        .map_or(String::new(), |x| x.to_string());
        s.push_str(&format!(
            "{name}\t{}\t{}\t{}\t{}\t{}\t{}\t0\t{:.6}\t{size}\n",
            c.unpaired_reads_examined,
            c.read_pairs_examined,
            c.secondary_or_supplementary,
            c.unmapped_reads,
            c.unpaired_read_duplicates,
            c.read_pair_duplicates,
            duplication(c),
        ));
    }
    s.push('\n');
    s
}

/// Writes the file (complete or not at all).
pub(crate) fn write(
    path: &Path,
    names: &[String],
    counts: &[LibraryCounts],
    command_line: &str,
) -> Result<()> {
    output::write_text(path, &text(names, counts, command_line))
}

/// Share of mapped reads that are duplicates, a pair counting as two reads (Picard's
/// PERCENT_DUPLICATION, a fraction despite its name).
pub(crate) fn duplication(c: &LibraryCounts) -> f64 {
    let examined = c.unpaired_reads_examined + 2 * c.read_pairs_examined;
    if examined == 0 {
        return 0.0;
    }
    (c.unpaired_read_duplicates + 2 * c.read_pair_duplicates) as f64 / examined as f64
}

/// The number of distinct molecules in the library under the Lander-Waterman model: the size X
/// for which sampling `pairs` pairs gives `unique` distinct ones, unique = X (1 - e^(-pairs/X)),
/// found by bisection on X / unique. None when there is nothing to estimate from.
pub(crate) fn library_size(pairs: u64, unique: u64) -> Option<u64> {
    if pairs == 0 || unique == 0 || unique >= pairs {
        return None;
    }
    let (n, c) = (pairs as f64, unique as f64);
    // Positive while X is too small: c / X - 1 + e^(-n / X).
    let excess = |ratio: f64| {
        let x = ratio * c;
        c / x - 1.0 + (-n / x).exp()
    };
    let (mut lo, mut hi) = (1.0f64, 100.0f64);
    while excess(hi) > 0.0 {
        hi *= 10.0;
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        let u = excess(mid);
        if u == 0.0 {
            break;
        }
        if u > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((c * (lo + hi) / 2.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_size_inverts_the_expected_number_of_distinct_pairs() {
        for (size, pairs) in [(1_000_000f64, 300_000f64), (50_000.0, 200_000.0)] {
            let unique = size * (1.0 - (-pairs / size).exp());
            let est = library_size(pairs as u64, unique as u64).unwrap() as f64;
            assert!((est / size - 1.0).abs() < 1e-3, "{size}: {est}");
        }
        assert_eq!(library_size(10, 10), None, "no duplicates: no estimate");
        assert_eq!(library_size(0, 0), None);
    }

    #[test]
    fn the_file_has_picards_layout() {
        let c = LibraryCounts {
            unpaired_reads_examined: 10,
            read_pairs_examined: 100,
            secondary_or_supplementary: 3,
            unmapped_reads: 4,
            unpaired_read_duplicates: 2,
            read_pair_duplicates: 5,
        };
        let t = text(&["lib1".into()], &[c], "zenome run x");
        let lines: Vec<&str> = t.lines().collect();
        let class = lines
            .iter()
            .position(|l| *l == "## METRICS CLASS\tpicard.sam.DuplicationMetrics")
            .unwrap();
        let header: Vec<&str> = lines[class + 1].split('\t').collect();
        let row: Vec<&str> = lines[class + 2].split('\t').collect();
        assert_eq!(header.len(), 10);
        assert_eq!(row.len(), 10);
        assert_eq!(&row[..8], ["lib1", "10", "100", "3", "4", "2", "5", "0"]);
        assert_eq!(row[8], "0.057143", "(2 + 2*5) / (10 + 2*100)");
        let size: u64 = row[9].parse().unwrap();
        assert!(
            (900..1000).contains(&size),
            "{size}: 95 distinct of 100 pairs"
        );
        assert!(lines[1].starts_with("# MarkDuplicates"));
    }
}
