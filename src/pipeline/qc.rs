//! Quality-control figures of a run, gathered on the way (no second pass over the data):
//! insert sizes and base qualities by cycle from the aligner's output, coverage from the sorted
//! records as they are written, Ti/Tv and het/hom from the calls. Each part gives a JSON object
//! for `--metrics` and the numbers the HTML report plots.

use super::markdup::LibraryCounts;
use crate::io::sam_record::{BAM_FLAG_OFFSET, SamRecord, flag};

/// What a run gathered, for `--metrics` and the HTML report.
#[derive(Debug, Clone, Default)]
pub(crate) struct QcData {
    /// Reads, mapped, properly paired (primary records).
    pub mapping: Option<(u64, u64, u64)>,
    /// Duplicate-marking counts by library name.
    pub libraries: Vec<(String, LibraryCounts)>,
    pub inserts: Option<InsertSizes>,
    pub quality: Option<CycleQuality>,
    /// Bases at each depth.
    pub coverage: Option<Vec<u64>>,
    pub variants: Option<VariantCounts>,
}

impl QcData {
    /// Takes what `other` has that this lacks (a run: alignment's figures, then calling's).
    pub(crate) fn absorb(&mut self, other: QcData) {
        self.mapping = self.mapping.or(other.mapping);
        if self.libraries.is_empty() {
            self.libraries = other.libraries;
        }
        self.inserts = self.inserts.take().or(other.inserts);
        self.quality = self.quality.take().or(other.quality);
        self.coverage = self.coverage.take().or(other.coverage);
        self.variants = self.variants.or(other.variants);
    }

    /// The duplication rate over all libraries (Picard's PERCENT_DUPLICATION of their sum).
    pub(crate) fn duplication(&self) -> Option<f64> {
        if self.libraries.is_empty() {
            return None;
        }
        let t = self
            .libraries
            .iter()
            .fold(LibraryCounts::default(), |mut t, (_, c)| {
                t.unpaired_reads_examined += c.unpaired_reads_examined;
                t.read_pairs_examined += c.read_pairs_examined;
                t.unpaired_read_duplicates += c.unpaired_read_duplicates;
                t.read_pair_duplicates += c.read_pair_duplicates;
                t
            });
        Some(super::dup_metrics::duplication(&t))
    }

    /// The figures as JSON object members (`"name": value`).
    pub(crate) fn json_members(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some((reads, mapped, proper)) = self.mapping {
            let r = reads.max(1) as f64;
            v.push(format!(
                "\"mapping\": {{\"reads\": {reads}, \"mapped_rate\": {:.5}, \"properly_paired_rate\": {:.5}}}",
                mapped as f64 / r,
                proper as f64 / r
            ));
        }
        if let Some(rate) = self.duplication() {
            v.push(format!(
                "\"duplication\": {{\"rate\": {rate:.5}, \"libraries\": {}}}",
                self.libraries.len()
            ));
        }
        if let Some(i) = &self.inserts {
            v.push(format!("\"insert_size\": {}", i.to_json()));
        }
        if let Some(q) = &self.quality {
            v.push(format!("\"base_quality\": {}", q.to_json()));
        }
        if let Some(c) = &self.coverage {
            v.push(format!("\"coverage\": {}", coverage_json(c)));
        }
        if let Some(x) = &self.variants {
            v.push(format!("\"variants\": {}", x.to_json()));
        }
        v
    }
}

/// Depths above this count as this (the histogram's last bin).
pub(crate) const MAX_DEPTH: usize = 1000;
/// Inserts above this are counted apart (chimeras, mate rescues far away).
pub(crate) const MAX_INSERT: usize = 2000;
/// Cycles kept for base qualities.
pub(crate) const MAX_CYCLE: usize = 500;

/// Insert sizes of properly paired fragments (first mates' TLEN, primary records).
#[derive(Debug, Clone)]
pub(crate) struct InsertSizes {
    pub counts: Vec<u64>,
    pub beyond: u64,
}

impl Default for InsertSizes {
    fn default() -> Self {
        InsertSizes {
            counts: vec![0; MAX_INSERT + 1],
            beyond: 0,
        }
    }
}

impl InsertSizes {
    pub(crate) fn add(&mut self, records: &[SamRecord]) {
        let skip = flag::SECONDARY | flag::SUPPLEMENTARY | flag::UNMAPPED;
        for r in records {
            if r.flag & (flag::PROPER | flag::FIRST) == flag::PROPER | flag::FIRST
                && r.flag & skip == 0
                && r.tlen != 0
            {
                match self.counts.get_mut(r.tlen.unsigned_abs() as usize) {
                    Some(c) => *c += 1,
                    None => self.beyond += 1,
                }
            }
        }
    }

    pub(crate) fn to_json(&self) -> String {
        let (n, mean, sd) = moments(&self.counts);
        format!(
            "{{\"pairs\": {n}, \"median\": {}, \"mean\": {mean:.2}, \"sd\": {sd:.2}, \"over_{MAX_INSERT}\": {}, \"histogram\": {}}}",
            median(&self.counts),
            self.beyond,
            sparse(&self.counts)
        )
    }
}

/// Mean base quality by cycle, for first and second reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct CycleQuality {
    /// [read][cycle]: sum of qualities.
    pub sums: [Vec<u64>; 2],
    /// [read][length]: reads of that length (cycles past MAX_CYCLE cut off).
    pub lengths: [Vec<u64>; 2],
}

impl CycleQuality {
    /// Adds a read's qualities (in sequencing order) as mate `mate` (0 or 1).
    pub(crate) fn add(&mut self, mate: usize, qual: &[u8]) {
        let m = mate.min(1);
        let n = qual.len().min(MAX_CYCLE);
        let s = &mut self.sums[m];
        if s.len() < n {
            s.resize(n, 0);
        }
        for (acc, &q) in s.iter_mut().zip(&qual[..n]) {
            *acc += u64::from(q);
        }
        let l = &mut self.lengths[m];
        if l.len() <= n {
            l.resize(n + 1, 0);
        }
        l[n] += 1;
    }

    /// Mean quality by cycle of mate `m`.
    pub(crate) fn means(&self, m: usize) -> Vec<f64> {
        // Reads reaching cycle c: those longer than c.
        let mut reaching: u64 = self.lengths[m].iter().sum();
        let mut out = Vec::with_capacity(self.sums[m].len());
        for (c, &sum) in self.sums[m].iter().enumerate() {
            reaching -= self.lengths[m].get(c).copied().unwrap_or(0);
            out.push(if reaching == 0 {
                0.0
            } else {
                sum as f64 / reaching as f64
            });
        }
        out
    }

    pub(crate) fn to_json(&self) -> String {
        let list = |m: usize| {
            let v: Vec<String> = self.means(m).iter().map(|x| format!("{x:.2}")).collect();
            format!("[{}]", v.join(", "))
        };
        format!("{{\"read1\": {}, \"read2\": {}}}", list(0), list(1))
    }
}

/// Depth of coverage over every reference base that is not N, counted from primary, non-
/// duplicate records of mapping quality 20 or more (aligned bases: M, = and X), as the sorted
/// records go by.
pub(crate) struct Coverage<'a> {
    contigs: Vec<&'a [u8]>,
    /// bases at each depth.
    pub histogram: Vec<u64>,
    /// The contig being swept and the first base not yet counted.
    tid: usize,
    at: i64,
    depth: i64,
    /// Depth changes ahead of `at`: (position, change).
    pending: std::collections::BinaryHeap<std::cmp::Reverse<(i64, i64)>>,
}

impl<'a> Coverage<'a> {
    pub(crate) fn new(contigs: Vec<&'a [u8]>) -> Self {
        Coverage {
            contigs,
            histogram: vec![0; MAX_DEPTH + 1],
            tid: 0,
            at: 0,
            depth: 0,
            pending: Default::default(),
        }
    }

    /// Takes the next record in coordinate order: its contig, start, flag, MAPQ and CIGAR as
    /// (length, op) with BAM op codes; `duplicate` as marked.
    pub(crate) fn add(
        &mut self,
        tid: i32,
        pos: i64,
        flags: u16,
        mapq: u8,
        cigar: impl Iterator<Item = (u32, u8)>,
        duplicate: bool,
    ) {
        let skip = flag::UNMAPPED | flag::SECONDARY | flag::SUPPLEMENTARY | flag::QC_FAIL;
        if tid < 0 || flags & skip != 0 || duplicate || mapq < 20 {
            return;
        }
        let tid = tid as usize;
        if tid >= self.contigs.len() {
            return;
        }
        self.advance_to(tid, pos);
        let mut at = pos;
        for (len, op) in cigar {
            let len = i64::from(len);
            match op {
                0 | 7 | 8 => {
                    self.pending.push(std::cmp::Reverse((at, 1)));
                    self.pending.push(std::cmp::Reverse((at + len, -1)));
                    at += len;
                }
                2 | 3 => at += len,
                _ => {}
            }
        }
    }

    /// Takes the next record in coordinate order as the sorter holds it: BAM encoding, from
    /// its block_size field.
    pub(crate) fn add_bam(&mut self, rec: &[u8], duplicate: bool) {
        let u32_at = |o: usize| -> Option<u32> {
            Some(u32::from_le_bytes(rec.get(o..o + 4)?.try_into().ok()?))
        };
        let u16_at = |o: usize| -> Option<u16> {
            Some(u16::from_le_bytes(rec.get(o..o + 2)?.try_into().ok()?))
        };
        let (Some(tid), Some(pos), Some(&name_len), Some(&mapq), Some(n_cigar), Some(flags)) = (
            u32_at(4),
            u32_at(8),
            rec.get(12),
            rec.get(13),
            u16_at(16),
            u16_at(BAM_FLAG_OFFSET),
        ) else {
            return;
        };
        let start = 36 + usize::from(name_len);
        let cigar = (0..usize::from(n_cigar))
            .filter_map(|k| u32_at(start + 4 * k))
            .map(|c| (c >> 4, (c & 0xf) as u8));
        self.add(
            tid as i32,
            i64::from(pos as i32),
            flags,
            mapq,
            cigar,
            duplicate,
        );
    }

    /// Counts every base before (tid, pos).
    fn advance_to(&mut self, tid: usize, pos: i64) {
        while self.tid < tid {
            let end = self.contigs[self.tid].len() as i64;
            self.count_until(end);
            self.tid += 1;
            self.at = 0;
            self.depth = 0;
            self.pending.clear();
        }
        self.count_until(pos);
    }

    fn count_until(&mut self, to: i64) {
        let to = to.min(self.contigs[self.tid].len() as i64);
        while self.at < to {
            while let Some(&std::cmp::Reverse((p, d))) = self.pending.peek() {
                if p > self.at {
                    break;
                }
                self.depth += d;
                self.pending.pop();
            }
            let next = self
                .pending
                .peek()
                .map_or(to, |&std::cmp::Reverse((p, _))| p.min(to));
            let seq = &self.contigs[self.tid][self.at as usize..next as usize];
            let bases = seq
                .iter()
                .filter(|&&b| !matches!(b, b'N' | b'n' | 4))
                .count();
            self.histogram[(self.depth.max(0) as usize).min(MAX_DEPTH)] += bases as u64;
            self.at = next;
        }
    }

    /// Counts the rest of the genome; returns the histogram.
    pub(crate) fn finish(mut self) -> Vec<u64> {
        if !self.contigs.is_empty() {
            let last = self.contigs.len() - 1;
            self.advance_to(last, i64::MAX);
        }
        self.histogram
    }
}

/// The coverage summary of a depth histogram.
pub(crate) fn coverage_json(histogram: &[u64]) -> String {
    let (bases, mean, _) = moments(histogram);
    let at_least = |d: usize| {
        let n: u64 = histogram.iter().skip(d).sum();
        if bases == 0 {
            0.0
        } else {
            n as f64 / bases as f64
        }
    };
    format!(
        "{{\"bases\": {bases}, \"mean\": {mean:.3}, \"median\": {}, \"at_least_10x\": {:.5}, \"at_least_20x\": {:.5}, \"at_least_30x\": {:.5}, \"histogram\": {}}}",
        median(histogram),
        at_least(10),
        at_least(20),
        at_least(30),
        sparse(histogram)
    )
}

/// Transitions, transversions, heterozygous and homozygous-alternate calls (PASS records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct VariantCounts {
    pub snvs: u64,
    pub indels: u64,
    pub transitions: u64,
    pub transversions: u64,
    pub het: u64,
    pub hom_alt: u64,
}

impl VariantCounts {
    /// Adds a record: reference and alternate alleles (text), genotype allele indices (one per
    /// copy, ascending; a haploid non-reference call counts as homozygous).
    pub(crate) fn add(&mut self, reference: &[u8], alts: &[Vec<u8>], gt: &[usize]) {
        if gt.iter().all(|&a| a == 0) {
            return;
        }
        let hom = gt.windows(2).all(|w| w[0] == w[1]);
        if hom {
            self.hom_alt += 1;
        } else {
            self.het += 1;
        }
        let mut seen = Vec::new();
        for a in gt.iter().copied().filter(|&a| a > 0) {
            if seen.contains(&a) {
                continue;
            }
            seen.push(a);
            let Some(alt) = alts.get(a - 1) else { continue };
            if alt.len() == 1 && reference.len() == 1 {
                self.snvs += 1;
                // Base codes (0-3 for A, C, G, T) or letters.
                let purine = |b: u8| matches!(b, 0 | 2 | b'A' | b'G' | b'a' | b'g');
                if purine(reference[0]) == purine(alt[0]) {
                    self.transitions += 1;
                } else {
                    self.transversions += 1;
                }
            } else {
                self.indels += 1;
            }
        }
    }

    pub(crate) fn to_json(self) -> String {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        format!(
            "{{\"snv_alleles\": {}, \"indel_alleles\": {}, \"ti_tv\": {:.3}, \"het\": {}, \"hom_alt\": {}, \"het_hom\": {:.3}}}",
            self.snvs,
            self.indels,
            ratio(self.transitions, self.transversions),
            self.het,
            self.hom_alt,
            ratio(self.het, self.hom_alt)
        )
    }
}

/// (total count, mean, standard deviation) of a histogram whose bin i counts value i.
pub(crate) fn moments(h: &[u64]) -> (u64, f64, f64) {
    let n: u64 = h.iter().sum();
    if n == 0 {
        return (0, 0.0, 0.0);
    }
    let mean = h
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum::<f64>()
        / n as f64;
    let var = h
        .iter()
        .enumerate()
        .map(|(i, &c)| (i as f64 - mean).powi(2) * c as f64)
        .sum::<f64>()
        / n as f64;
    (n, mean, var.sqrt())
}

/// The lower median of a histogram (0 when empty).
pub(crate) fn median(h: &[u64]) -> usize {
    let n: u64 = h.iter().sum();
    let mut seen = 0;
    for (i, &c) in h.iter().enumerate() {
        seen += c;
        if 2 * seen >= n && n > 0 {
            return i;
        }
    }
    0
}

/// The non-empty bins as `[[value, count], ...]`.
fn sparse(h: &[u64]) -> String {
    let v: Vec<String> = h
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c > 0)
        .map(|(i, c)| format!("[{i}, {c}]"))
        .collect();
    format!("[{}]", v.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_counts_aligned_bases_outside_n_and_skips_what_picard_skips() {
        let c0 = b"ACGTNNACGT".as_slice();
        let c1 = b"AAAA".as_slice();
        let mut cov = Coverage::new(vec![c0, c1, b"CC"]);
        // 4M at 0, then 2M2D2M at 2 (covers 2,3 and 6,7), a duplicate and a MAPQ-5 read.
        cov.add(0, 0, 0, 60, [(4, 0)].into_iter(), false);
        cov.add(0, 2, 0, 60, [(2, 0), (2, 2), (2, 0)].into_iter(), false);
        cov.add(0, 3, 0, 60, [(4, 0)].into_iter(), true);
        cov.add(0, 3, 0, 5, [(4, 0)].into_iter(), false);
        cov.add(1, 1, flag::SECONDARY, 60, [(2, 0)].into_iter(), false);
        cov.add(1, 2, 0, 60, [(1, 4), (2, 0)].into_iter(), false);
        let mut rec = SamRecord {
            tid: 2,
            pos: 1,
            mapq: 60,
            cigar: vec![crate::core::cigar::CigarOp::new(
                crate::core::cigar::Kind::Match,
                1,
            )],
            seq: vec![0],
            qual: vec![30],
            ..SamRecord::default()
        };
        let mut bytes = Vec::new();
        rec.encode_bam(&mut bytes);
        cov.add_bam(&bytes, false);
        rec.flag = flag::UNMAPPED;
        bytes.clear();
        rec.encode_bam(&mut bytes);
        cov.add_bam(&bytes, false);
        let h = cov.finish();
        // contig 0: depth 1 at 0,1,6,7; depth 2 at 2,3; 4,5 are N; 8,9 depth 0.
        // contig 1: depth 1 at 2,3; 0,1 depth 0. contig 2: depth 0 at 0, 1 at 1 (a BAM record).
        assert_eq!(&h[..3], &[5, 7, 2]);
        assert_eq!(h.iter().sum::<u64>(), 14);
        let j = coverage_json(&h);
        assert!(j.contains("\"median\": 1"), "{j}");
        assert!(j.contains("\"histogram\": [[0, 5], [1, 7], [2, 2]]"), "{j}");
        assert!(j.contains("\"at_least_10x\": 0.00000"), "{j}");
    }

    #[test]
    fn insert_sizes_take_first_mates_of_proper_pairs() {
        let rec = |flag: u16, tlen: i64| SamRecord {
            flag,
            tlen,
            ..SamRecord::default()
        };
        let p = flag::PAIRED | flag::PROPER;
        let mut s = InsertSizes::default();
        s.add(&[
            rec(p | flag::FIRST, 300),
            rec(p | flag::LAST, -300),
            rec(p | flag::FIRST, -310),
            rec(flag::PAIRED | flag::FIRST, 5000),
            rec(p | flag::FIRST | flag::SUPPLEMENTARY, 300),
            rec(p | flag::FIRST, 9000),
        ]);
        assert_eq!((s.counts[300], s.counts[310], s.beyond), (1, 1, 1));
        let j = s.to_json();
        assert!(
            j.contains("\"pairs\": 2") && j.contains("\"median\": 300"),
            "{j}"
        );
    }

    #[test]
    fn variant_counts_split_transitions_and_genotypes() {
        let mut v = VariantCounts::default();
        v.add(b"A", &[b"G".to_vec()], &[0, 1]);
        v.add(b"C", &[b"A".to_vec()], &[1, 1]);
        v.add(b"C", &[b"T".to_vec(), b"CTT".to_vec()], &[1, 2]);
        v.add(b"C", &[b"T".to_vec()], &[0, 0]);
        v.add(&[1], &[vec![3]], &[0, 1]);
        assert_eq!(
            v,
            VariantCounts {
                snvs: 4,
                indels: 1,
                transitions: 3,
                transversions: 1,
                het: 3,
                hom_alt: 1,
            }
        );
        assert!(v.to_json().contains("\"ti_tv\": 3.000"));
    }

    #[test]
    fn cycle_qualities_average_by_position() {
        let mut q = CycleQuality::default();
        q.add(0, &[30, 20]);
        q.add(0, &[10]);
        q.add(1, &[40]);
        assert_eq!(q.means(0), vec![20.0, 20.0]);
        assert_eq!(q.means(1), vec![40.0]);
    }
}
