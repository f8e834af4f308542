//! VCF header text (VCF 4.2, section 1.4): file format, the writer's meta-information lines
//! (FILTER, INFO, FORMAT, ALT definitions), contigs, source and command line, and the column
//! line with the sample names.

use super::dict::RefSeq;
use super::sam_header::escape_command_line;

/// The header text; each of `meta` is one line without its leading `##`.
pub(crate) fn text(
    meta: &[String],
    dict: &[RefSeq],
    command_line: &str,
    samples: &[String],
) -> String {
    let mut h = String::from("##fileformat=VCFv4.2\n");
    for m in meta {
        h.push_str("##");
        h.push_str(m);
        h.push('\n');
    }
    for c in dict {
        h.push_str(&format!("##contig=<ID={},length={}>\n", c.name, c.len));
    }
    h.push_str(&format!(
        "##source=zenome {}\n##zenome_command={}\n",
        env!("CARGO_PKG_VERSION"),
        escape_command_line(command_line)
    ));
    h.push_str("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO");
    if !samples.is_empty() {
        h.push_str("\tFORMAT");
        for s in samples {
            h.push('\t');
            h.push_str(s);
        }
    }
    h.push('\n');
    h
}
