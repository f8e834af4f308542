//! The layering of `src/`, checked: every module may use only the modules below it (see
//! `docs/architecture.md`), and file formats are read and written only in `io`. The check reads
//! the source as text: `crate::` paths (grouped `use` lists included), `super::` paths that climb
//! out of a top-level module, and the crates that parse formats.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What each top-level module may use (besides itself).
const RULES: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("backend", &["core"]),
    ("io", &["core"]),
    ("index", &["core", "io"]),
    ("align", &["core", "io", "index", "backend"]),
    ("call", &["core", "io", "index", "backend"]),
    ("eval", &["core", "io", "index"]),
    ("sim", &["core", "io", "index"]),
    (
        "pipeline",
        &["core", "io", "index", "backend", "align", "call"],
    ),
    ("joint", &["core", "io", "index", "call", "pipeline"]),
    (
        "demo",
        &[
            "core", "io", "index", "backend", "align", "call", "eval", "sim", "pipeline",
        ],
    ),
    (
        "bench",
        &[
            "core", "io", "index", "backend", "align", "call", "eval", "sim", "pipeline", "demo",
        ],
    ),
    (
        "cli",
        &[
            "core", "io", "index", "backend", "align", "call", "eval", "sim", "pipeline", "demo",
            "bench", "joint",
        ],
    ),
];

/// Crates that read or write file formats: only `io` may name them.
const FORMAT_CRATES: &[&str] = &[
    "noodles_bam",
    "noodles_bgzf",
    "noodles_core",
    "noodles_csi",
    "noodles_sam",
    "noodles_tabix",
    "noodles_vcf",
    "flate2",
    "md5",
];

/// The source with comments removed (doc links are not dependencies).
fn strip_comments(src: &str) -> String {
    src.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Module names a `use` tree or path after `crate::` starts with: `a` in `crate::a::b`, and
/// `a`, `c` in `crate::{a::b, c}`.
fn heads(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let (mut depth, mut out, mut start) = (0, Vec::new(), true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && !c.is_whitespace() => {
                out.push(ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    out
}

/// The top-level modules a file in `module` (at `depth` below `src/`) refers to.
fn references(src: &str, depth: usize) -> BTreeSet<String> {
    let src = strip_comments(src);
    let mut out = BTreeSet::new();
    for (i, _) in src.match_indices("crate::") {
        let before = src[..i].chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        out.extend(heads(&src[i + "crate::".len()..]));
    }
    // `super::` climbs one module per use; `depth` supers from a file reach the crate root.
    for (i, _) in src.match_indices("super::") {
        let before = src[..i].chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &src[i..];
        let mut n = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
            n += 1;
        }
        if n >= depth {
            out.extend(heads(rest));
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Every Rust file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The forbidden edges under `src`, as `file: module -> module` lines.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).expect("under src");
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        let module = parts[0].as_str();
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(allowed) = RULES.iter().find(|r| r.0 == module).map(|r| r.1) else {
            out.push(format!(
                "{}: module '{module}' has no place in the layering",
                rel.display()
            ));
            continue;
        };
        // Files of a module's folder sit one module deeper than the module's own file.
        let depth = parts.len();
        let text = std::fs::read_to_string(&f).expect("read source");
        for used in references(&text, depth) {
            let known = RULES.iter().any(|r| r.0 == used);
            if known && used != module && !allowed.contains(&used.as_str()) {
                out.push(format!("{}: {module} -> {used}", rel.display()));
            }
        }
        if module != "io" {
            let code = strip_comments(&text);
            for c in FORMAT_CRATES {
                if code.contains(&format!("{c}::")) {
                    out.push(format!(
                        "{}: {module} uses {c} (formats belong in io)",
                        rel.display()
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn layering_has_no_forbidden_edges() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let v = violations(&src);
    assert!(v.is_empty(), "forbidden module edges:\n{}", v.join("\n"));
}

/// The check itself: a tree with one forbidden edge of each kind is caught, edge by edge.
#[test]
fn layering_check_catches_added_forbidden_edges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("lib.rs", "pub mod core;\npub mod io;\n");
    write("core.rs", "pub mod base;\n");
    write(
        "core/base.rs",
        "// crate::io in a comment is no edge\npub fn f() {}\n",
    );
    write("io.rs", "use crate::core::base;\npub mod fasta;\n");
    write("io/fasta.rs", "use super::super::core::base;\n");
    write("call.rs", "use crate::{core::base, io::fasta};\n");
    assert!(violations(src).is_empty(), "{:?}", violations(src));

    write("io/vcf.rs", "use crate::{core, call::genotype::Call};\n");
    write("core/rng.rs", "fn g() { let _ = crate::sim::x(); }\n");
    write("call/region.rs", "use super::super::pipeline::Interval;\n");
    write("eval/records.rs", "use crate::call::events::normalise;\n");
    write(
        "sim.rs",
        "use noodles_bam as bam; fn h() { noodles_bam::io::x(); }\n",
    );
    write("extra.rs", "pub fn stray() {}\n");
    let v = violations(src);
    for edge in [
        "io/vcf.rs: io -> call",
        "core/rng.rs: core -> sim",
        "call/region.rs: call -> pipeline",
        "eval/records.rs: eval -> call",
        "sim.rs: sim uses noodles_bam",
        "extra.rs: module 'extra' has no place",
    ] {
        assert!(
            v.iter().any(|x| x.starts_with(edge)),
            "missed {edge} in {v:?}"
        );
    }
    assert_eq!(v.len(), 6, "{v:?}");
}
