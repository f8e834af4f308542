//! One alignment record, encoded either as BAM (SAM specification section 4.2) or as a SAM
//! text line (section 1.4). Auxiliary fields are kept in BAM's binary form.

use crate::core::base;
use crate::core::cigar::{self, CigarOp};

/// SAM flags (section 1.4.2).
pub mod flag {
    pub const PAIRED: u16 = 0x1;
    pub const PROPER: u16 = 0x2;
    pub const UNMAPPED: u16 = 0x4;
    pub const MATE_UNMAPPED: u16 = 0x8;
    pub const REVERSE: u16 = 0x10;
    pub const MATE_REVERSE: u16 = 0x20;
    pub const FIRST: u16 = 0x40;
    pub const LAST: u16 = 0x80;
    pub const SECONDARY: u16 = 0x100;
    pub const QC_FAIL: u16 = 0x200;
    pub const DUPLICATE: u16 = 0x400;
    pub const SUPPLEMENTARY: u16 = 0x800;
}

/// Offset of the flag field inside an encoded BAM record, counted from its block_size field.
pub(crate) const BAM_FLAG_OFFSET: usize = 18;

/// An alignment record. Positions are 0-based; -1 means none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamRecord {
    pub name: Vec<u8>,
    pub flag: u16,
    pub tid: i32,
    pub pos: i64,
    pub mapq: u8,
    pub cigar: Vec<CigarOp>,
    pub mate_tid: i32,
    pub mate_pos: i64,
    pub tlen: i64,
    /// Base codes (0-4).
    pub seq: Vec<u8>,
    /// Phred qualities.
    pub qual: Vec<u8>,
    /// Auxiliary fields in BAM encoding.
    pub aux: Vec<u8>,
}

impl SamRecord {
    /// Appends an integer tag (type `i`).
    pub(crate) fn push_int(&mut self, tag: &[u8; 2], v: i32) {
        self.aux.extend_from_slice(tag);
        self.aux.push(b'i');
        self.aux.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends a string tag (type `Z`).
    pub(crate) fn push_str(&mut self, tag: &[u8; 2], v: &[u8]) {
        self.aux.extend_from_slice(tag);
        self.aux.push(b'Z');
        self.aux.extend_from_slice(v);
        self.aux.push(0);
    }

    /// Appends one SAM-text tag (`XX:T:value`, types A, i, f, Z and H), as bwa's -C copies a
    /// FASTQ comment; false (nothing appended) for anything that is not such a tag.
    pub(crate) fn push_sam_tag(&mut self, text: &[u8]) -> bool {
        let (Some(tag), Some(&b':'), Some(&ty), Some(&b':')) =
            (text.get(..2), text.get(2), text.get(3), text.get(4))
        else {
            return false;
        };
        let value = &text[5..];
        let tag_ok = tag[0].is_ascii_alphabetic() && tag[1].is_ascii_alphanumeric();
        let printable = |v: &[u8]| v.iter().all(|&b| (b' '..=b'~').contains(&b));
        let encoded: Option<Vec<u8>> = match ty {
            b'A' if value.len() == 1 && printable(value) => Some(vec![b'A', value[0]]),
            b'i' => std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<i32>().ok())
                .map(|v| [&[b'i'][..], &v.to_le_bytes()].concat()),
            b'f' => std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse::<f32>().ok())
                .map(|v| [&[b'f'][..], &v.to_le_bytes()].concat()),
            b'Z' if printable(value) => Some([&[b'Z'][..], value, &[0]].concat()),
            b'H' if value.len().is_multiple_of(2) && value.iter().all(u8::is_ascii_hexdigit) => {
                Some([&[b'H'][..], value, &[0]].concat())
            }
            _ => None,
        };
        match encoded {
            Some(bytes) if tag_ok => {
                self.aux.extend_from_slice(tag);
                self.aux.extend_from_slice(&bytes);
                true
            }
            _ => false,
        }
    }

    /// End position (exclusive) on the reference.
    pub fn end(&self) -> i64 {
        self.pos + cigar::reference_span(&self.cigar).max(1)
    }

    /// Appends the BAM encoding, block_size included.
    pub fn encode_bam(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&self.tid.to_le_bytes());
        out.extend_from_slice(&(self.pos as i32).to_le_bytes());
        out.push((self.name.len() + 1) as u8);
        out.push(self.mapq);
        let bin = if self.flag & flag::UNMAPPED != 0 {
            reg2bin(self.pos, self.pos + 1)
        } else {
            reg2bin(self.pos, self.end())
        };
        out.extend_from_slice(&bin.to_le_bytes());
        out.extend_from_slice(&(self.cigar.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.flag.to_le_bytes());
        out.extend_from_slice(&(self.seq.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.mate_tid.to_le_bytes());
        out.extend_from_slice(&(self.mate_pos as i32).to_le_bytes());
        out.extend_from_slice(&(self.tlen as i32).to_le_bytes());
        out.extend_from_slice(&self.name);
        out.push(0);
        for op in &self.cigar {
            out.extend_from_slice(&op.to_bam().to_le_bytes());
        }
        const NIBBLE: [u8; 5] = [1, 2, 4, 8, 15];
        for pair in self.seq.chunks(2) {
            let hi = NIBBLE[usize::from(pair[0].min(4))] << 4;
            let lo = pair.get(1).map_or(0, |&c| NIBBLE[usize::from(c.min(4))]);
            out.push(hi | lo);
        }
        out.extend_from_slice(&self.qual);
        out.extend_from_slice(&self.aux);
        let size = (out.len() - start - 4) as u32;
        out[start..start + 4].copy_from_slice(&size.to_le_bytes());
    }

    /// Appends the SAM text line (with newline); `names` are the reference names.
    pub(crate) fn encode_sam(&self, names: &[String], out: &mut Vec<u8>) {
        use std::io::Write;
        let rname = |tid: i32| {
            usize::try_from(tid)
                .ok()
                .and_then(|t| names.get(t))
                .map_or("*", String::as_str)
        };
        out.extend_from_slice(&self.name);
        let rnext = if self.mate_tid < 0 {
            "*"
        } else if self.mate_tid == self.tid {
            "="
        } else {
            rname(self.mate_tid)
        };
        let _ = write!(
            out,
            "\t{}\t{}\t{}\t{}\t",
            self.flag,
            rname(self.tid),
            self.pos + 1,
            self.mapq
        );
        cigar::write_text(&self.cigar, out);
        let _ = write!(out, "\t{rnext}\t{}\t{}\t", self.mate_pos + 1, self.tlen);
        // A record without bases (a secondary one, as bwa writes them) has `*` for both.
        if self.seq.is_empty() {
            out.push(b'*');
        }
        out.extend(self.seq.iter().map(|&c| base::decode(c)));
        out.push(b'\t');
        if self.qual.is_empty() {
            out.push(b'*');
        }
        out.extend(self.qual.iter().map(|&q| q + 33));
        write_aux_text(&self.aux, out);
        out.push(b'\n');
    }
}

/// The length in bytes of the BAM aux field at the start of `aux` (tag, type and value), or
/// None when it is cut short or of an unknown type.
pub(crate) fn aux_field_len(aux: &[u8]) -> Option<usize> {
    let size = |ty: u8| match ty {
        b'A' | b'c' | b'C' => Some(1),
        b's' | b'S' => Some(2),
        b'i' | b'I' | b'f' => Some(4),
        _ => None,
    };
    let ty = *aux.get(2)?;
    let len = match ty {
        b'Z' | b'H' => 3 + aux[3..].iter().position(|&b| b == 0)? + 1,
        b'B' => {
            let sub = size(*aux.get(3)?)?;
            let n = u32::from_le_bytes(aux.get(4..8)?.try_into().ok()?) as usize;
            8 + n.checked_mul(sub)?
        }
        t => 3 + size(t)?,
    };
    (len <= aux.len()).then_some(len)
}

/// The aux fields as SAM text (`\tTG:T:value` each), every BAM type.
fn write_aux_text(mut aux: &[u8], out: &mut Vec<u8>) {
    use std::io::Write;
    let int = |ty: u8, b: &[u8]| -> i64 {
        match ty {
            b'c' => i64::from(b[0] as i8),
            b'C' => i64::from(b[0]),
            b's' => i64::from(i16::from_le_bytes([b[0], b[1]])),
            b'S' => i64::from(u16::from_le_bytes([b[0], b[1]])),
            b'i' => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => i64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        }
    };
    while let Some(len) = aux_field_len(aux) {
        let (tag, ty, v) = (&aux[..2], aux[2], &aux[3..len]);
        out.push(b'\t');
        out.extend_from_slice(tag);
        match ty {
            b'A' => {
                out.extend_from_slice(b":A:");
                out.push(v[0]);
            }
            b'c' | b'C' | b's' | b'S' | b'i' | b'I' => {
                let _ = write!(out, ":i:{}", int(ty, v));
            }
            b'f' => {
                let _ = write!(out, ":f:{}", f32::from_le_bytes([v[0], v[1], v[2], v[3]]));
            }
            b'Z' | b'H' => {
                let _ = write!(out, ":{}:", char::from(ty));
                out.extend_from_slice(&v[..v.len() - 1]);
            }
            _ => {
                // B: subtype, count, values.
                let sub = v[0];
                let _ = write!(out, ":B:{}", char::from(sub));
                let width = match sub {
                    b'c' | b'C' => 1,
                    b's' | b'S' => 2,
                    _ => 4,
                };
                for x in v[5..].chunks(width) {
                    if sub == b'f' {
                        let _ = write!(out, ",{}", f32::from_le_bytes([x[0], x[1], x[2], x[3]]));
                    } else {
                        let _ = write!(out, ",{}", int(sub, x));
                    }
                }
            }
        }
        aux = &aux[len..];
    }
}

/// The BAI bin of the 0-based half-open range [beg, end) (SAM specification section 5.3).
pub(crate) fn reg2bin(beg: i64, end: i64) -> u16 {
    let end = end - 1;
    for (shift, offset) in [(14, 4681), (17, 585), (20, 73), (23, 9), (26, 1)] {
        if beg >> shift == end >> shift {
            return (offset + (beg >> shift)) as u16;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_the_specification() {
        assert_eq!(reg2bin(0, 1), 4681);
        assert_eq!(reg2bin(-1, 0), 4680);
        assert_eq!(reg2bin(16383, 16385), 585);
    }

    #[test]
    fn sam_line_has_eleven_fields_and_tags() {
        let mut r = SamRecord {
            name: b"r1".to_vec(),
            tid: 0,
            pos: 9,
            mapq: 60,
            cigar: vec![
                CigarOp::new(cigar::Kind::SoftClip, 3),
                CigarOp::new(cigar::Kind::Match, 5),
            ],
            mate_tid: 0,
            mate_pos: 99,
            tlen: 150,
            seq: vec![0, 1, 2, 3, 4, 0, 0, 0],
            qual: vec![30; 8],
            ..Default::default()
        };
        r.push_int(b"NM", 1);
        r.push_str(b"MD", b"2A2");
        let mut out = Vec::new();
        r.encode_sam(&["chr1".to_string()], &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "r1\t0\tchr1\t10\t60\t3S5M\t=\t100\t150\tACGTNAAA\t????????\tNM:i:1\tMD:Z:2A2\n"
        );
    }
}
