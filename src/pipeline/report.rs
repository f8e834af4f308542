//! `PREFIX.report.html`: one self-contained page (inline SVG and CSS, nothing fetched) with the
//! run's figures: insert sizes, coverage, base quality by cycle, time by step, and the tables
//! of mapping, duplication and calls. Written as well-formed XHTML so that any parser reads it.

use std::fmt::Write as _;
use std::path::Path;

use super::metrics::Metrics;
use super::qc::{self, QcData};
use crate::core::Result;
use crate::io::output;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
const MARGIN: f64 = 48.0;

/// Writes the report (complete or not at all).
pub(crate) fn write(path: &Path, title: &str, m: &Metrics, seconds: f64) -> Result<()> {
    output::write_text(path, &html(title, m, seconds))
}

/// The page.
pub(crate) fn html(title: &str, m: &Metrics, seconds: f64) -> String {
    let q = &m.qc;
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    let _ = writeln!(s, "<title>zenome: {}</title>", escape(title));
    s.push_str("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th{background:#f3f3f3}figure{margin:1.5em 0}figcaption{font-size:.9em;color:#555}svg text{font-size:11px}</style>\n</head>\n<body>\n");
    let _ = writeln!(
        s,
        "<h1>zenome {}: {}</h1>",
        escape(&m.command),
        escape(title)
    );
    let _ = writeln!(
        s,
        "<p>Device {}, {seconds:.1} s wall, {:.1} s CPU, {:.0} MB peak memory.</p>",
        escape(&m.device),
        super::metrics::cpu_seconds(),
        super::metrics::peak_memory_bytes() as f64 / f64::from(1 << 20)
    );
    tables(&mut s, q);
    figures(&mut s, m);
    s.push_str("</body>\n</html>\n");
    s
}

fn tables(s: &mut String, q: &QcData) {
    s.push_str("<h2>Summary</h2>\n<table>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(s, "<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&v));
    };
    if let Some((reads, mapped, proper)) = q.mapping {
        let r = reads.max(1) as f64;
        row("reads", reads.to_string());
        row("mapped", format!("{:.3}%", 100.0 * mapped as f64 / r));
        row(
            "properly paired",
            format!("{:.3}%", 100.0 * proper as f64 / r),
        );
    }
    if let Some(d) = q.duplication() {
        row("duplication", format!("{:.3}%", 100.0 * d));
    }
    if let Some(i) = &q.inserts {
        let (_, mean, sd) = qc::moments(&i.counts);
        row(
            "insert size",
            format!(
                "median {}, mean {mean:.1} +- {sd:.1}",
                qc::median(&i.counts)
            ),
        );
    }
    if let Some(c) = &q.coverage {
        let (_, mean, _) = qc::moments(c);
        let total: u64 = c.iter().sum();
        let share = |d: usize| 100.0 * c.iter().skip(d).sum::<u64>() as f64 / total.max(1) as f64;
        row(
            "coverage",
            format!(
                "mean {mean:.2}x, median {}x; {:.1}% at 10x, {:.1}% at 20x, {:.1}% at 30x",
                qc::median(c),
                share(10),
                share(20),
                share(30)
            ),
        );
    }
    if let Some(v) = &q.variants {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        row(
            "calls (PASS)",
            format!(
                "{} SNV and {} indel alleles; Ti/Tv {:.2}; het/hom {:.2}",
                v.snvs,
                v.indels,
                ratio(v.transitions, v.transversions),
                ratio(v.het, v.hom_alt)
            ),
        );
    }
    s.push_str("</table>\n");
    if !q.libraries.is_empty() {
        s.push_str("<h2>Duplicates by library</h2>\n<table>\n<tr><th>library</th><th>read pairs</th><th>unpaired reads</th><th>duplicate pairs</th><th>duplicate unpaired</th><th>duplication</th></tr>\n");
        for (name, c) in &q.libraries {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3}%</td></tr>",
                escape(name),
                c.read_pairs_examined,
                c.unpaired_reads_examined,
                c.read_pair_duplicates,
                c.unpaired_read_duplicates,
                100.0 * super::dup_metrics::duplication(c)
            );
        }
        s.push_str("</table>\n");
    }
}

fn figures(s: &mut String, m: &Metrics) {
    let q = &m.qc;
    let inserts: Vec<(f64, f64)> = q.inserts.as_ref().map_or(Vec::new(), |i| {
        let hi = last_nonzero(&i.counts);
        i.counts[..=hi]
            .iter()
            .enumerate()
            .map(|(x, &c)| (x as f64, c as f64))
            .collect()
    });
    figure(
        s,
        "insert-size",
        "Insert size of properly paired fragments",
        &chart(&[("pairs", &inserts)], "insert size (bp)", "fragments"),
    );
    let coverage: Vec<(f64, f64)> = q.coverage.as_ref().map_or(Vec::new(), |c| {
        let hi = (3 * qc::median(c)).max(10).min(last_nonzero(c));
        c[..=hi]
            .iter()
            .enumerate()
            .map(|(x, &n)| (x as f64, n as f64 / 1e6))
            .collect()
    });
    figure(
        s,
        "coverage",
        "Bases at each depth (non-N reference; primary, non-duplicate records of MAPQ 20 or more)",
        &chart(&[("bases", &coverage)], "depth", "Mb"),
    );
    let quality = |mate: usize| -> Vec<(f64, f64)> {
        q.quality.as_ref().map_or(Vec::new(), |c| {
            c.means(mate)
                .iter()
                .enumerate()
                .map(|(x, &v)| (x as f64 + 1.0, v))
                .collect()
        })
    };
    let (r1, r2) = (quality(0), quality(1));
    figure(
        s,
        "base-quality",
        "Mean base quality by cycle (read 1 dark, read 2 light)",
        &chart(&[("read 1", &r1), ("read 2", &r2)], "cycle", "quality"),
    );
    figure(
        s,
        "step-time",
        "Wall time of each stage (align stages summed over threads) and CPU time of each step",
        &step_bars(m),
    );
}

fn figure(s: &mut String, id: &str, caption: &str, svg: &str) {
    let _ = writeln!(
        s,
        "<figure id=\"{id}\">\n{svg}<figcaption>{}</figcaption>\n</figure>",
        escape(caption)
    );
}

fn last_nonzero(v: &[u64]) -> usize {
    v.iter().rposition(|&c| c > 0).unwrap_or(0)
}

/// A line chart of one or more series, axes from 0 to each maximum.
fn chart(series: &[(&str, &[(f64, f64)])], xlabel: &str, ylabel: &str) -> String {
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (xmax, ymax) = points.fold((1e-9f64, 1e-9f64), |(a, b), &(x, y)| (a.max(x), b.max(y)));
    let (pw, ph) = (WIDTH - 2.0 * MARGIN, HEIGHT - 2.0 * MARGIN);
    let px = |x: f64| MARGIN + pw * x / xmax;
    let py = |y: f64| HEIGHT - MARGIN - ph * y / ymax;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n"
    );
    let _ = writeln!(
        s,
        "<line x1=\"{MARGIN}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/><line x1=\"{MARGIN}\" y1=\"{MARGIN}\" x2=\"{MARGIN}\" y2=\"{b}\" stroke=\"#888\"/>",
        b = HEIGHT - MARGIN,
        r = WIDTH - MARGIN
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">{}</text>",
        WIDTH / 2.0,
        HEIGHT - 12.0,
        escape(xlabel),
        HEIGHT / 2.0,
        HEIGHT / 2.0,
        escape(ylabel)
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        WIDTH - MARGIN,
        HEIGHT - MARGIN + 14.0,
        number(xmax),
        MARGIN - 4.0,
        MARGIN + 4.0,
        number(ymax)
    );
    for (k, (name, p)) in series.iter().enumerate() {
        let colour = if k == 0 { "#1f4e9a" } else { "#7fa7e0" };
        let pts: Vec<String> = p
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            escape(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Horizontal bars: stage wall times, then step CPU times.
fn step_bars(m: &Metrics) -> String {
    let rows: Vec<(String, f64)> = m
        .stages
        .iter()
        .map(|(n, t)| (format!("{n} (wall)"), *t))
        .chain(m.cpu.iter().map(|(n, t)| (format!("{n} (CPU)"), *t)))
        .collect();
    let max = rows.iter().fold(1e-9f64, |a, r| a.max(r.1));
    let bar_h = 18.0;
    let height = MARGIN + bar_h * rows.len() as f64;
    let label_w = 160.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\">\n"
    );
    for (i, (name, t)) in rows.iter().enumerate() {
        let y = 10.0 + bar_h * i as f64;
        let w = (WIDTH - label_w - 70.0) * t / max;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{}\" fill=\"#1f4e9a\"/><text x=\"{:.1}\" y=\"{:.1}\">{t:.2} s</text>",
            label_w - 6.0,
            y + 12.0,
            escape(name),
            y + 2.0,
            bar_h - 4.0,
            label_w + w + 4.0,
            y + 12.0
        );
    }
    s.push_str("</svg>\n");
    s
}

fn number(x: f64) -> String {
    if x >= 100.0 || x == x.round() {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// Text made safe for XHTML content and attributes.
fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
