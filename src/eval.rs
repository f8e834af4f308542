//! Truth comparison behind `zenome eval`: both call sets are split into biallelic records,
//! trimmed and left-aligned, matched exactly, then matched as haplotypes (nearby variants that
//! spell the same sequence), and counted per type (SNP, indel). It shares no code with the
//! caller beyond `core`'s allele normalisation, which its own tests check against a brute-force
//! search.

pub(crate) mod matching;
pub(crate) mod options;
pub(crate) mod records;
pub(crate) mod report;

use std::collections::{BTreeSet, HashMap};

pub(crate) use options::EvalOpts;
pub(crate) use report::Report;

use crate::core::{Error, Result};
use crate::index::reference;
use records::{Filter, Variant};

/// What a comparison found: the counts, and the variants each side has alone.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    pub report: Report,
    /// Truth variants the query misses (false negatives), in order.
    pub missed: Vec<Variant>,
    /// Query variants not in the truth (false positives), in order.
    pub extra: Vec<Variant>,
    /// Truth variants matched with the wrong zygosity, in order.
    pub wrong_genotype: Vec<Variant>,
}

/// Compares the query with the truth as `o` says.
pub(crate) fn evaluate(o: &EvalOpts) -> Result<Evaluation> {
    o.validate()?;
    let contigs: Option<HashMap<String, Vec<u8>>> = if o.reference_is_fai() {
        None
    } else {
        Some(
            reference::contigs(&o.reference)?
                .into_iter()
                .map(|c| (c.name, c.seq))
                .collect(),
        )
    };
    let truth_filter = Filter {
        pass_only: true,
        min_qual: 0.0,
        sample: None,
    };
    let query_filter = Filter {
        pass_only: o.pass_only,
        min_qual: o.min_qual,
        sample: o.sample.as_deref(),
    };
    let mut truth = records::read(&o.truth, contigs.as_ref(), truth_filter)?;
    let mut query = records::read(&o.query, contigs.as_ref(), query_filter)?;
    check_shared_contigs(o, &truth, &query)?;
    if let Some(bed) = &o.bed {
        let regions = records::read_bed(bed)?;
        truth.retain(|v| records::in_regions(v, &regions));
        query.retain(|v| records::in_regions(v, &regions));
    }
    let m = matching::compare(&truth, &query, contigs.as_ref());
    let report = Report::from(&truth, &query, &m);
    let alone = |vs: Vec<Variant>, hit: &[bool]| -> Vec<Variant> {
        vs.into_iter()
            .zip(hit)
            .filter(|x| !x.1)
            .map(|x| x.0)
            .collect()
    };
    let mut wrong: Vec<usize> = m.gt_wrong.clone();
    wrong.sort_unstable();
    let wrong_genotype = wrong.iter().map(|&i| truth[i].clone()).collect();
    Ok(Evaluation {
        report,
        wrong_genotype,
        missed: alone(truth, &m.truth),
        extra: alone(query, &m.query),
    })
}

/// Two call sets on differently named contigs (`chr20` against `20`) would score every variant
/// as an error: say so instead.
fn check_shared_contigs(o: &EvalOpts, truth: &[Variant], query: &[Variant]) -> Result<()> {
    let names =
        |vs: &[Variant]| -> BTreeSet<String> { vs.iter().map(|v| v.contig.clone()).collect() };
    let (t, q) = (names(truth), names(query));
    if t.is_empty() || q.is_empty() || !t.is_disjoint(&q) {
        return Ok(());
    }
    let list = |s: &BTreeSet<String>| s.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    Err(Error::input(
        &o.query,
        format!(
            "no contig in common with the truth {} (query: {}; truth: {}): are the contigs named differently?",
            o.truth.display(),
            list(&q),
            list(&t)
        ),
    ))
}
