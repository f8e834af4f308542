//! SAM header text: `@HD`, `@SQ` (with `M5`), `@RG` and `@PG` lines (SAM specification 1.3).

use super::dict::RefSeq;
use crate::core::{Error, Result};

/// What the header says about order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortOrder {
    Coordinate,
    Unsorted,
}

/// A read group line from `-R`, and its ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadGroup {
    /// The whole `@RG` line with real tabs.
    pub line: String,
    pub id: String,
}

impl ReadGroup {
    /// A field of the line by its tag (`SM`, `LB`, ...), when present.
    pub(crate) fn field(&self, tag: &str) -> Option<&str> {
        self.line
            .split('\t')
            .skip(1)
            .find_map(|f| f.strip_prefix(tag)?.strip_prefix(':'))
    }
}

/// The header text.
pub(crate) fn header_text(
    dict: &[RefSeq],
    alt: &[String],
    order: SortOrder,
    read_groups: &[ReadGroup],
    command_line: &str,
) -> String {
    let so = match order {
        SortOrder::Coordinate => "coordinate",
        SortOrder::Unsorted => "unsorted",
    };
    let mut h = format!("@HD\tVN:1.6\tSO:{so}\n");
    for c in dict {
        h.push_str(&format!(
            "@SQ\tSN:{}\tLN:{}\tM5:{}",
            c.name,
            c.len,
            c.m5_hex()
        ));
        // bwa's mark of an ALT contig (from REF.alt).
        if alt.contains(&c.name) {
            h.push_str("\tAH:*");
        }
        h.push('\n');
    }
    for rg in read_groups {
        h.push_str(&rg.line);
        h.push('\n');
    }
    let version = env!("CARGO_PKG_VERSION");
    h.push_str(&format!(
        "@PG\tID:zenome\tPN:zenome\tVN:{version}\tCL:{}\n",
        escape_command_line(command_line)
    ));
    h
}

/// A command line fit for one header field: tabs and line breaks (a `-R` with real tabs) are
/// written as `\t`, `\n` and `\r`, as the user would have typed them.
pub(crate) fn escape_command_line(cl: &str) -> String {
    cl.replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

/// Checks a `-R` read-group line (literal `\t` allowed, as bwa takes it, or real tabs) and
/// returns it with real tabs, and its ID.
pub(crate) fn parse_read_group(arg: &str) -> Result<ReadGroup> {
    let line = arg.replace("\\t", "\t");
    let usage = |what: &str| Error::Usage(format!("-R {}: {what}", escape_command_line(arg)));
    if !line.starts_with("@RG\t") {
        return Err(usage("the read group line must start with '@RG\\t'"));
    }
    if line.contains(['\n', '\r']) {
        return Err(usage("the read group line holds a line break"));
    }
    let id = line.split('\t').find_map(|f| f.strip_prefix("ID:"));
    match id {
        Some(id) if !id.is_empty() => Ok(ReadGroup {
            id: id.to_string(),
            line,
        }),
        _ => Err(usage("the read group line has no ID field")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_groups_take_literal_or_real_tabs_and_the_command_line_is_escaped() {
        let a = parse_read_group("@RG\\tID:x\\tSM:y").unwrap();
        let b = parse_read_group("@RG\tID:x\tSM:y").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.id, "x");
        assert!(parse_read_group("ID:x").is_err());
        assert!(parse_read_group("@RG\tSM:y").is_err());
        assert_eq!(
            (a.field("SM"), a.field("LB"), a.field("I")),
            (Some("y"), None, None)
        );
        let h = header_text(
            &[],
            &[],
            SortOrder::Unsorted,
            std::slice::from_ref(&a),
            "zenome align -R @RG\tID:x",
        );
        let pg = h.lines().last().unwrap();
        assert_eq!(pg.split('\t').count(), 5, "{pg}");
        assert!(pg.ends_with("CL:zenome align -R @RG\\tID:x"), "{pg}");
    }
}
