//! A slice's records as CRAM's data series (CRAM 3.0 specification, section 10): every
//! series in its own external block; mate fields stored with the record (detached) unless
//! `mates` found the pair rebuilt exactly from its attached mate; tags in BAM's binary form
//! per tag.

use std::collections::{BTreeMap, HashMap};

use super::block::Encoding;
use super::itf8::itf8;
use super::mates::Link;
use crate::core::cigar::{self, CigarOp, Kind};
use crate::io::sam_record::{SamRecord, aux_field_len, flag};

/// The data series written, with the external block each lives in.
#[derive(Clone, Copy)]
enum Id {
    Bf = 1,
    Cf,
    Rl,
    Ap,
    Rg,
    Rn,
    Mf,
    Ns,
    Np,
    Ts,
    Nf,
    Tl,
    Fn,
    Fc,
    Fp,
    Dl,
    Ba,
    Qs,
    Bs,
    In,
    Sc,
    Hc,
    Mq,
    Rs,
    Pd,
}

const SERIES: usize = Id::Pd as usize + 1;

/// Each series' key and how its values are stored.
const KEYS: [(&[u8; 2], Id); 25] = [
    (b"BF", Id::Bf),
    (b"CF", Id::Cf),
    (b"RL", Id::Rl),
    (b"AP", Id::Ap),
    (b"RG", Id::Rg),
    (b"RN", Id::Rn),
    (b"MF", Id::Mf),
    (b"NS", Id::Ns),
    (b"NP", Id::Np),
    (b"TS", Id::Ts),
    (b"NF", Id::Nf),
    (b"TL", Id::Tl),
    (b"FN", Id::Fn),
    (b"FC", Id::Fc),
    (b"FP", Id::Fp),
    (b"DL", Id::Dl),
    (b"BA", Id::Ba),
    (b"QS", Id::Qs),
    (b"BS", Id::Bs),
    (b"IN", Id::In),
    (b"SC", Id::Sc),
    (b"HC", Id::Hc),
    (b"MQ", Id::Mq),
    (b"RS", Id::Rs),
    (b"PD", Id::Pd),
];

/// CRAM flags (section 10.1, `CF`).
const QUALITIES_STORED: i32 = 0x1;
const DETACHED: i32 = 0x2;
const MATE_DOWNSTREAM: i32 = 0x4;
const NO_SEQUENCE: i32 = 0x8;

/// The substitution matrix: for each reference base (A, C, G, T, N) the codes 0 to 3 of the
/// other four in that order.
pub(super) const SUBSTITUTIONS: [u8; 5] = [0x1b; 5];

/// An aux field: its tag and type, and its value's bytes in BAM form.
type AuxField<'a> = ([u8; 3], &'a [u8]);

/// A record's aux fields.
fn aux_fields(aux: &[u8]) -> Result<Vec<AuxField<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = aux;
    while !rest.is_empty() {
        let len = aux_field_len(rest).ok_or("a malformed auxiliary field")?;
        let (field, tail) = rest.split_at(len);
        out.push(([field[0], field[1], field[2]], &field[3..]));
        rest = tail;
    }
    Ok(out)
}

/// A record to add: its fields, its bases as BAM spells them, its tags in BAM form, and its
/// contig's upper-case bases (empty for unplaced reads).
#[derive(Clone, Copy)]
pub(super) struct Input<'a> {
    pub rec: &'a SamRecord,
    pub letters: &'a [u8],
    pub aux: &'a [u8],
    pub reference: &'a [u8],
}

/// The series of one slice as they fill.
#[derive(Default)]
pub(super) struct Series {
    blocks: Vec<Vec<u8>>,
    /// Each tag's values, by its CRAM key (tag and type as one integer).
    tags: BTreeMap<i32, Vec<u8>>,
    /// The distinct tag lists (`TD`) and their indices.
    tag_lines: Vec<Vec<u8>>,
    tag_line_index: HashMap<Vec<u8>, usize>,
    /// The position (`AP`) of the previous record, or the slice's start.
    prev_ap: i64,
}

impl Series {
    /// Empty series for a slice starting at `start` (1-based; 0 for unplaced reads).
    pub(super) fn new(start: i64) -> Self {
        Series {
            blocks: vec![Vec::new(); SERIES],
            prev_ap: start,
            ..Series::default()
        }
    }

    fn int(&mut self, id: Id, v: i32) {
        itf8(&mut self.blocks[id as usize], v);
    }

    fn byte(&mut self, id: Id, v: u8) {
        self.blocks[id as usize].push(v);
    }

    fn bytes(&mut self, id: Id, v: &[u8]) {
        let block = &mut self.blocks[id as usize];
        block.extend_from_slice(v);
        block.push(0);
    }

    /// Adds one record, its mate fields stored as `link` says.
    pub(super) fn push(&mut self, x: &Input<'_>, link: Link) -> Result<(), String> {
        let Input {
            rec: r,
            letters,
            aux,
            reference,
        } = *x;
        let mapped = r.flag & 0x4 == 0;
        if mapped && r.tid < 0 {
            return Err("mapped (flag 0x4 unset) but on no contig".into());
        }
        let has_seq = !letters.is_empty();
        // Qualities are stored whenever there are bases, missing ones as BAM's 0xff bytes (as
        // htslib writes them): without the flag, htslib's decoder makes up qualities around
        // a `B` feature's.
        let has_qual = has_seq && r.qual.len() == letters.len();
        let read_len = if has_seq {
            letters.len()
        } else if mapped {
            cigar::query_len(&r.cigar) as usize
        } else {
            0
        };
        let mut cf = match link {
            Link::Detached => DETACHED,
            Link::Downstream(_) => MATE_DOWNSTREAM,
            Link::Attached => 0,
        };
        if has_qual {
            cf |= QUALITIES_STORED;
        }
        if !has_seq {
            cf |= NO_SEQUENCE;
        }
        self.int(
            Id::Bf,
            i32::from(r.flag & !(flag::MATE_REVERSE | flag::MATE_UNMAPPED)),
        );
        self.int(Id::Cf, cf);
        self.int(Id::Rl, read_len as i32);
        let ap = r.pos + 1;
        self.int(Id::Ap, (ap - self.prev_ap) as i32);
        self.prev_ap = ap;
        self.int(Id::Rg, -1);
        self.bytes(Id::Rn, &r.name);
        match link {
            Link::Detached => {
                let mf = i32::from(r.flag & flag::MATE_REVERSE != 0)
                    | (i32::from(r.flag & flag::MATE_UNMAPPED != 0) << 1);
                self.int(Id::Mf, mf);
                self.int(Id::Ns, r.mate_tid);
                self.int(Id::Np, (r.mate_pos + 1) as i32);
                self.int(Id::Ts, r.tlen as i32);
            }
            Link::Downstream(n) => self.int(Id::Nf, n as i32),
            Link::Attached => {}
        }
        self.push_tags(aux)?;
        if mapped {
            self.push_features(r, letters, reference, read_len)?;
            self.int(Id::Mq, i32::from(r.mapq));
        } else if has_seq {
            self.blocks[Id::Ba as usize].extend_from_slice(letters);
        }
        if has_qual {
            self.blocks[Id::Qs as usize].extend_from_slice(&r.qual);
        }
        Ok(())
    }

    fn push_tags(&mut self, aux: &[u8]) -> Result<(), String> {
        let fields = aux_fields(aux)?;
        let line: Vec<u8> = fields.iter().flat_map(|(k, _)| *k).collect();
        let next = self.tag_lines.len();
        let index = *self.tag_line_index.entry(line.clone()).or_insert(next);
        if index == next {
            self.tag_lines.push(line);
        }
        self.int(Id::Tl, index as i32);
        for (key, value) in fields {
            let out = self.tags.entry(tag_key(key)).or_default();
            itf8(out, value.len() as i32);
            out.extend_from_slice(value);
        }
        Ok(())
    }

    /// The read's differences from the reference (section 10.6), from its CIGAR: positions
    /// are 1-based in the read, each given as the distance from the previous one.
    fn push_features(
        &mut self,
        r: &SamRecord,
        letters: &[u8],
        reference: &[u8],
        read_len: usize,
    ) -> Result<(), String> {
        let mut features: Vec<(u8, usize, Feature)> = Vec::new();
        let (mut q, mut t) = (0usize, r.pos.max(0) as usize);
        let bases = |q: usize, n: usize| -> Vec<u8> {
            if letters.is_empty() {
                vec![b'N'; n]
            } else {
                letters[q..q + n].to_vec()
            }
        };
        for &CigarOp { kind, len } in &r.cigar {
            let n = len as usize;
            match kind {
                Kind::Match | Kind::Equal | Kind::Diff => {
                    let on_ref = reference
                        .get(t..t + n)
                        .ok_or_else(|| "an alignment past the end of its contig".to_string())?;
                    if !letters.is_empty() {
                        for (i, (&b, &rb)) in letters[q..q + n].iter().zip(on_ref).enumerate() {
                            if b == rb {
                                continue;
                            }
                            let f = match (code(rb), code(b)) {
                                (Some(x), Some(y)) => {
                                    // The read base's rank among the four others.
                                    Feature::Substitution(if y > x { y - 1 } else { y })
                                }
                                _ => {
                                    Feature::ReadBase(b, r.qual.get(q + i).copied().unwrap_or(0xff))
                                }
                            };
                            features.push((f.code(), q + i + 1, f));
                        }
                    }
                    q += n;
                    t += n;
                }
                Kind::Ins => {
                    features.push((b'I', q + 1, Feature::Bases(bases(q, n))));
                    q += n;
                }
                Kind::SoftClip => {
                    features.push((b'S', q + 1, Feature::Bases(bases(q, n))));
                    q += n;
                }
                Kind::Del => {
                    features.push((b'D', q + 1, Feature::Len(n)));
                    t += n;
                }
                Kind::Skip => {
                    features.push((b'N', q + 1, Feature::Len(n)));
                    t += n;
                }
                Kind::HardClip => features.push((b'H', q + 1, Feature::Len(n))),
                Kind::Pad => features.push((b'P', q + 1, Feature::Len(n))),
            }
        }
        if q != read_len {
            return Err(format!("its CIGAR covers {q} bases of {read_len}"));
        }
        self.int(Id::Fn, features.len() as i32);
        let mut prev = 0;
        for (fc, pos, f) in features {
            self.byte(Id::Fc, fc);
            self.int(Id::Fp, (pos - prev) as i32);
            prev = pos;
            match (fc, f) {
                (_, Feature::Substitution(c)) => self.byte(Id::Bs, c),
                (_, Feature::ReadBase(b, qual)) => {
                    self.byte(Id::Ba, b);
                    self.byte(Id::Qs, qual);
                }
                (b'I', Feature::Bases(b)) => self.bytes(Id::In, &b),
                (_, Feature::Bases(b)) => self.bytes(Id::Sc, &b),
                (b'D', Feature::Len(n)) => self.int(Id::Dl, n as i32),
                (b'N', Feature::Len(n)) => self.int(Id::Rs, n as i32),
                (b'H', Feature::Len(n)) => self.int(Id::Hc, n as i32),
                (_, Feature::Len(n)) => self.int(Id::Pd, n as i32),
            }
        }
        Ok(())
    }

    /// The compression header's three maps (section 8.4): the preservation map (names kept,
    /// positions as deltas, the reference required, the substitution matrix, the tag lists),
    /// every data series' encoding, and every tag's.
    pub(super) fn compression_header(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pm = Vec::new();
        for key in [b"RN", b"AP", b"RR"] {
            pm.extend_from_slice(key);
            pm.push(1);
        }
        pm.extend_from_slice(b"SM");
        pm.extend_from_slice(&SUBSTITUTIONS);
        pm.extend_from_slice(b"TD");
        let mut td = Vec::new();
        for line in &self.tag_lines {
            td.extend_from_slice(line);
            td.push(0);
        }
        itf8(&mut pm, td.len() as i32);
        pm.extend_from_slice(&td);
        super::block::map(&mut out, 5, &pm);

        let mut ds = Vec::new();
        for (key, id) in KEYS {
            ds.extend_from_slice(key);
            match id {
                Id::Rn | Id::In | Id::Sc => Encoding::ByteArrayStop(0, id as i32).write(&mut ds),
                _ => Encoding::External(id as i32).write(&mut ds),
            }
        }
        super::block::map(&mut out, KEYS.len(), &ds);

        let mut te = Vec::new();
        for &key in self.tags.keys() {
            itf8(&mut te, key);
            Encoding::ByteArrayLen(key).write(&mut te);
        }
        super::block::map(&mut out, self.tags.len(), &te);
        out
    }

    /// The external blocks' content ids and contents, those with data only.
    pub(super) fn external(&self) -> impl Iterator<Item = (i32, &[u8], bool)> {
        let series = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.is_empty())
            .map(|(id, b)| (id as i32, b.as_slice(), id == Id::Qs as usize));
        let tags = self.tags.iter().map(|(&k, b)| (k, b.as_slice(), false));
        series.chain(tags)
    }
}

/// A read feature's data.
enum Feature {
    Substitution(u8),
    ReadBase(u8, u8),
    Bases(Vec<u8>),
    Len(usize),
}

impl Feature {
    fn code(&self) -> u8 {
        match self {
            Feature::Substitution(_) => b'X',
            Feature::ReadBase(..) => b'B',
            _ => 0,
        }
    }
}

/// A base's row in the substitution matrix: A, C, G, T, N.
fn code(b: u8) -> Option<u8> {
    match b {
        b'A' => Some(0),
        b'C' => Some(1),
        b'G' => Some(2),
        b'T' => Some(3),
        b'N' => Some(4),
        _ => None,
    }
}

/// A tag's key in CRAM: its two letters and its BAM type as one integer.
fn tag_key(k: [u8; 3]) -> i32 {
    (i32::from(k[0]) << 16) | (i32::from(k[1]) << 8) | i32::from(k[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aux_fields_split_every_type() {
        let mut aux = Vec::new();
        aux.extend_from_slice(b"NMi\x01\x00\x00\x00");
        aux.extend_from_slice(b"MDZ10A5\0");
        aux.extend_from_slice(b"XAA*");
        aux.extend_from_slice(b"ZBBs\x02\x00\x00\x00\x01\x00\x02\x00");
        aux.extend_from_slice(b"XSs\x05\x00");
        let f = aux_fields(&aux).unwrap();
        let keys: Vec<&[u8]> = f.iter().map(|(k, _)| &k[..]).collect();
        assert_eq!(keys, [&b"NMi"[..], b"MDZ", b"XAA", b"ZBB", b"XSs"]);
        assert_eq!(f[1].1, b"10A5\0");
        assert_eq!(f[3].1.len(), 9);
        assert!(aux_fields(b"MDZ10A5").is_err());
        assert!(aux_fields(b"XQq\x01").is_err());
    }

    #[test]
    fn substitution_codes_rank_the_other_bases() {
        // Reference A: C, G, T, N are 0..3; reference G: A, C, T, N.
        let rank = |r: u8, b: u8| {
            let (x, y) = (code(r).unwrap(), code(b).unwrap());
            if y > x { y - 1 } else { y }
        };
        assert_eq!([rank(b'A', b'C'), rank(b'A', b'N')], [0, 3]);
        assert_eq!(
            [rank(b'G', b'A'), rank(b'G', b'T'), rank(b'N', b'T')],
            [0, 2, 3]
        );
    }
}
