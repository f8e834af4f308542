//! Counts and the printed table.

use super::matching::Matches;
use super::records::Variant;

/// TP/FP/FN of one variant type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub truth: usize,
    pub tp_truth: usize,
    pub query: usize,
    pub tp_query: usize,
    pub gt_agree: usize,
    pub gt_compared: usize,
}

impl Counts {
    pub(crate) fn recall(&self) -> f64 {
        ratio(self.tp_truth, self.truth)
    }
    pub(crate) fn precision(&self) -> f64 {
        ratio(self.tp_query, self.query)
    }
    pub(crate) fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub(crate) fn fp(&self) -> usize {
        self.query - self.tp_query
    }
    pub(crate) fn fn_(&self) -> usize {
        self.truth - self.tp_truth
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// SNP and indel counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub snp: Counts,
    pub indel: Counts,
}

impl Report {
    pub(crate) fn from(truth: &[Variant], query: &[Variant], m: &Matches) -> Report {
        let mut r = Report::default();
        for (v, &hit) in truth.iter().zip(&m.truth) {
            let c = if v.is_snp() { &mut r.snp } else { &mut r.indel };
            c.truth += 1;
            c.tp_truth += usize::from(hit);
        }
        for (v, &hit) in query.iter().zip(&m.query) {
            let c = if v.is_snp() { &mut r.snp } else { &mut r.indel };
            c.query += 1;
            c.tp_query += usize::from(hit);
        }
        // Genotype agreement is reported over all matches together.
        r.snp.gt_agree = m.gt_agree;
        r.snp.gt_compared = m.gt_compared;
        r
    }

    pub(crate) fn table(&self) -> String {
        let mut s = String::from(
            "type   truth  TP(truth)  TP(query)     FP     FN  precision  recall      F1\n",
        );
        for (name, c) in [("SNP", &self.snp), ("INDEL", &self.indel)] {
            s.push_str(&format!(
                "{name:<6} {:>5} {:>10} {:>10} {:>6} {:>6} {:>10.4} {:>7.4} {:>7.4}\n",
                c.truth,
                c.tp_truth,
                c.tp_query,
                c.fp(),
                c.fn_(),
                c.precision(),
                c.recall(),
                c.f1()
            ));
        }
        s.push_str(&format!(
            "genotype concordance of matched variants: {:.4} ({} of {})\n",
            ratio(self.snp.gt_agree, self.snp.gt_compared),
            self.snp.gt_agree,
            self.snp.gt_compared
        ));
        s
    }

    pub(crate) fn json(&self) -> String {
        let one = |c: &Counts| {
            format!(
                "{{\"truth\": {}, \"tp\": {}, \"tp_query\": {}, \"fp\": {}, \"fn\": {}, \"precision\": {:.5}, \"recall\": {:.5}, \"f1\": {:.5}}}",
                c.truth,
                c.tp_truth,
                c.tp_query,
                c.fp(),
                c.fn_(),
                c.precision(),
                c.recall(),
                c.f1()
            )
        };
        format!(
            "{{\"snp\": {}, \"indel\": {}, \"gt_concordance\": {:.5}}}",
            one(&self.snp),
            one(&self.indel),
            ratio(self.snp.gt_agree, self.snp.gt_compared)
        )
    }
}
