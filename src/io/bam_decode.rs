//! BAM's binary layout, read by zenome itself (SAM specification section 4.2): the header
//! block and records, each length checked against limits and against the bytes that follow,
//! so that a corrupt length is an error and never a multi-gigabyte allocation.

use std::collections::HashMap;
use std::io::{self, Read};

use super::dict::RefSeq;
use super::sam_record::SamRecord;
use crate::core::base;
use crate::core::cigar::{self, CigarOp};

/// The largest record accepted: a 10 Mbp read with its qualities fits.
pub(crate) const MAX_RECORD: usize = 32 << 20;
/// The largest header text accepted.
const MAX_HEADER_TEXT: usize = 256 << 20;
/// The most reference sequences accepted.
const MAX_REFS: usize = 10_000_000;

/// What zenome needs of a BAM header: its contigs and the text fields it reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    pub dict: Vec<RefSeq>,
    /// `@HD SO`.
    pub sort_order: Option<String>,
    /// `SM` of each `@RG`, in order.
    pub samples: Vec<String>,
    /// Every `@RG` line, whole, in order.
    pub read_groups: Vec<String>,
    /// The header text, whole.
    pub text: String,
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// Reads `n` bytes, refusing more than `max` (a corrupt length).
fn read_vec(r: &mut impl Read, n: usize, max: usize, what: &str) -> io::Result<Vec<u8>> {
    if n > max {
        return Err(invalid(format!(
            "{what} of {n} bytes is larger than any real one"
        )));
    }
    let mut v = vec![0u8; n];
    r.read_exact(&mut v)?;
    Ok(v)
}

/// Reads the header block: magic, text, and the binary reference list.
pub(crate) fn read_header(r: &mut impl Read) -> io::Result<Header> {
    let mut magic = [0u8; 4];
    r.read_exact(&mut magic)?;
    if &magic != b"BAM\x01" {
        return Err(invalid("no BAM magic number (not a BAM file)"));
    }
    let l_text = read_u32(r)? as usize;
    let text = read_vec(r, l_text, MAX_HEADER_TEXT, "header text")?;
    let text = String::from_utf8_lossy(&text).into_owned();
    let n_ref = read_u32(r)? as usize;
    if n_ref > MAX_REFS {
        return Err(invalid(format!("{n_ref} reference sequences")));
    }
    let m5 = header_m5(&text);
    let mut dict = Vec::with_capacity(n_ref);
    for _ in 0..n_ref {
        let l_name = read_u32(r)? as usize;
        let name = read_vec(r, l_name, 1 << 16, "reference name")?;
        let name = String::from_utf8_lossy(name.strip_suffix(&[0]).unwrap_or(&name)).into_owned();
        let len = u64::from(read_u32(r)?);
        let m5 = m5.get(name.as_str()).copied().unwrap_or([0; 16]);
        dict.push(RefSeq { name, len, m5 });
    }
    let (sort_order, samples) = header_fields(&text);
    let read_groups = text
        .lines()
        .filter(|l| l.starts_with("@RG\t"))
        .map(String::from)
        .collect();
    Ok(Header {
        dict,
        sort_order,
        samples,
        read_groups,
        text,
    })
}

fn tag<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split('\t')
        .skip(1)
        .find_map(|f| f.strip_prefix(key)?.strip_prefix(':'))
}

/// `@HD SO` and the `SM` of each `@RG`.
fn header_fields(text: &str) -> (Option<String>, Vec<String>) {
    let mut so = None;
    let mut samples = Vec::new();
    for line in text.lines() {
        if line.starts_with("@HD\t") {
            so = tag(line, "SO").map(String::from);
        } else if line.starts_with("@RG\t")
            && let Some(sm) = tag(line, "SM")
        {
            samples.push(sm.to_string());
        }
    }
    (so, samples)
}

/// `M5` of each `@SQ` line that has a well-formed one.
fn header_m5(text: &str) -> HashMap<&str, [u8; 16]> {
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| l.starts_with("@SQ\t")) {
        let (Some(name), Some(hex)) = (tag(line, "SN"), tag(line, "M5")) else {
            continue;
        };
        let mut m5 = [0u8; 16];
        let ok = hex.len() == 32
            && m5.iter_mut().enumerate().all(|(i, b)| {
                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                    .map(|v| *b = v)
                    .is_ok()
            });
        if ok {
            out.insert(name, m5);
        }
    }
    out
}

/// Reads the next record's bytes (after its length) into `buf`; false at the end of the stream.
pub(crate) fn read_record(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut size = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut size[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let n = u32::from_le_bytes(size) as usize;
    if !(32..=MAX_RECORD).contains(&n) {
        return Err(invalid(format!("a record of {n} bytes (corrupt length)")));
    }
    buf.resize(n, 0);
    r.read_exact(buf)?;
    Ok(true)
}

/// A cursor over a record's bytes whose reads fail instead of running past the end.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.0.len() {
            return Err("fields run past the end of the record".into());
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self) -> Result<i32, String> {
        self.u32().map(|v| v as i32)
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
}

/// A reference id: -1 for none, else an index into the dictionary.
fn ref_id(id: i32, dict: &[RefSeq]) -> Result<i32, String> {
    if id < -1 || (id >= 0 && id as usize >= dict.len()) {
        return Err(format!("reference id {id} is not in the header"));
    }
    Ok(id)
}

/// Decodes one record (the bytes after its length) into a [`SamRecord`] without its
/// auxiliary fields, checking its fields against each other and against `dict`.
pub(crate) fn decode(buf: &[u8], dict: &[RefSeq]) -> Result<SamRecord, String> {
    let mut f = Fields(buf);
    let tid = f.i32()?;
    let pos = i64::from(f.i32()?);
    let l_name = usize::from(f.u8()?);
    let mapq = f.u8()?;
    let _bin = f.u16()?;
    let n_cigar = usize::from(f.u16()?);
    let flag = f.u16()?;
    let l_seq = f.u32()? as usize;
    let mate_tid = f.i32()?;
    let mate_pos = i64::from(f.i32()?);
    let tlen = i64::from(f.i32()?);
    let raw_name = f.take(l_name)?;
    let name = raw_name.strip_suffix(&[0]).unwrap_or(raw_name);
    let at = |msg: String| format!("record '{}': {msg}", String::from_utf8_lossy(name));
    let tid = ref_id(tid, dict).map_err(at)?;
    let mate_tid = ref_id(mate_tid, dict).map_err(at)?;
    let mut ops = Vec::with_capacity(n_cigar);
    for _ in 0..n_cigar {
        let raw = f.u32().map_err(at)?;
        ops.push(
            CigarOp::from_bam(raw)
                .ok_or_else(|| at(format!("unknown CIGAR operation {}", raw & 0xf)))?,
        );
    }
    let packed = f.take(l_seq.div_ceil(2)).map_err(at)?;
    let seq: Vec<u8> = (0..l_seq)
        .map(|i| base::encode(letter(packed, i)))
        .collect();
    let qual = f.take(l_seq).map_err(at)?.to_vec();
    let record = SamRecord {
        name: name.to_vec(),
        flag,
        tid,
        pos,
        mapq,
        cigar: ops,
        mate_tid,
        mate_pos,
        tlen,
        seq,
        qual,
        aux: Vec::new(),
    };
    check(&record, dict).map_err(at)?;
    Ok(record)
}

/// The auxiliary fields of a record (the bytes after its length), which [`decode`] leaves out;
/// empty when the record is cut short.
pub(crate) fn aux_of(buf: &[u8]) -> &[u8] {
    let (seq_at, l_seq) = sequence_at(buf);
    buf.get(seq_at + l_seq.div_ceil(2) + l_seq..).unwrap_or(&[])
}

/// Where a record's packed bases start, and how many there are.
fn sequence_at(buf: &[u8]) -> (usize, usize) {
    let l_name = buf.get(8).map_or(0, |&b| usize::from(b));
    let n_cigar = buf
        .get(12..14)
        .map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])));
    let l_seq = buf
        .get(16..20)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    (32 + l_name + 4 * n_cigar, l_seq)
}

/// The `i`th base of BAM's packed sequence as its letter.
fn letter(packed: &[u8], i: usize) -> u8 {
    b"=ACMGRSVTWYHKDBN"[usize::from((packed[i / 2] >> (4 * (1 - i % 2))) & 0xf)]
}

/// The bases of a record (the bytes after its length) as BAM spells them (`=ACMGRSVTWYHKDBN`),
/// IUPAC codes kept, which [`decode`] turns into base codes; empty when cut short.
pub(crate) fn seq_letters(buf: &[u8]) -> Vec<u8> {
    let (start, l_seq) = sequence_at(buf);
    let Some(packed) = buf.get(start..start + l_seq.div_ceil(2)) else {
        return Vec::new();
    };
    (0..l_seq).map(|i| letter(packed, i)).collect()
}

/// A CIGAR as long as the sequence, and a mapped record within its contig.
fn check(r: &SamRecord, dict: &[RefSeq]) -> Result<(), String> {
    if !r.cigar.is_empty() && !r.seq.is_empty() && cigar::query_len(&r.cigar) != r.seq.len() as u64
    {
        return Err(format!(
            "CIGAR {} covers {} bases but the sequence has {}",
            String::from_utf8_lossy(&cigar::to_text(&r.cigar)),
            cigar::query_len(&r.cigar),
            r.seq.len()
        ));
    }
    let mapped = r.flag & super::sam_record::flag::UNMAPPED == 0;
    if let (true, Ok(t)) = (mapped, usize::try_from(r.tid)) {
        let end = r.pos + cigar::reference_span(&r.cigar);
        let len = dict[t].len as i64;
        if r.pos < 0 || end > len {
            return Err(format!(
                "aligned at {}:{}-{}, outside the contig (length {len})",
                dict[t].name,
                r.pos + 1,
                end
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cigar::Kind;

    fn dict() -> Vec<RefSeq> {
        vec![RefSeq {
            name: "c".into(),
            len: 100,
            m5: [0; 16],
        }]
    }

    fn record(pos: i64, cigar: Vec<CigarOp>, seq_len: usize) -> Vec<u8> {
        let r = SamRecord {
            name: b"r1".to_vec(),
            tid: 0,
            pos,
            cigar,
            mate_tid: -1,
            mate_pos: -1,
            seq: vec![1; seq_len],
            qual: vec![30; seq_len],
            ..Default::default()
        };
        let mut out = Vec::new();
        r.encode_bam(&mut out);
        out.split_off(4)
    }

    #[test]
    fn records_round_trip_and_inconsistent_ones_are_refused() {
        let ok = record(10, vec![CigarOp::new(Kind::Match, 5)], 5);
        let r = decode(&ok, &dict()).unwrap();
        assert_eq!((r.pos, r.seq.len(), r.name.as_slice()), (10, 5, &b"r1"[..]));
        let short = record(10, vec![CigarOp::new(Kind::Match, 6)], 5);
        assert!(
            decode(&short, &dict())
                .unwrap_err()
                .contains("covers 6 bases but the sequence has 5")
        );
        let past = record(98, vec![CigarOp::new(Kind::Match, 5)], 5);
        assert!(
            decode(&past, &dict())
                .unwrap_err()
                .contains("outside the contig")
        );
        assert!(
            decode(&ok[..20], &dict())
                .unwrap_err()
                .contains("past the end")
        );
        let mut bad_ref = ok.clone();
        bad_ref[0] = 7;
        assert!(
            decode(&bad_ref, &dict())
                .unwrap_err()
                .contains("reference id 7")
        );
    }

    #[test]
    fn a_corrupt_length_is_refused_before_any_allocation() {
        let mut data = (u32::MAX).to_le_bytes().to_vec();
        data.extend([0u8; 64]);
        let e = read_record(&mut &data[..], &mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("corrupt length"), "{e}");
        let header = [b"BAM\x01".as_slice(), &u32::MAX.to_le_bytes()].concat();
        let e = read_header(&mut &header[..]).unwrap_err();
        assert!(e.to_string().contains("larger than any real one"), "{e}");
    }
}
