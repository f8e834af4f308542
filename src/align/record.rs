//! Finishing: turning chosen alignments into SAM records with clips, mate fields and tags
//! (NM, MD, AS, XS, MC, SA, RG), plus the 5' ends duplicate marking needs.

use std::io::Write;

use super::alignment::Alignment;
use crate::core::base::{self, revcomp};
use crate::core::cigar::{self, CigarOp, Kind};
use crate::index::file::ContigInfo;
use crate::io::fastq::Read;
use crate::io::sam_record::{SamRecord, flag};

/// What duplicate marking needs of a fragment: its mapped 5' ends and a quality score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DupEnds {
    /// (contig, unclipped 5' position, reverse) of each mapped primary read.
    pub ends: [Option<FivePrime>; 2],
    /// Sum of base qualities of at least 15, over both reads (Picard's choice of the best copy).
    pub score: u32,
    /// The fragment's library (duplicates are copies within a library); set by the pipeline.
    pub library: u16,
}

/// Where a mapped read starts on the reference, clips counted: its unclipped 5' end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FivePrime {
    pub contig: u32,
    pub pos: i64,
    pub rev: bool,
}

/// One read's chosen placement for output.
pub(crate) struct Placed<'a> {
    pub read: &'a Read,
    pub aln: Option<&'a Alignment>,
    pub mapq: u8,
    /// Best competing score (XS), 0 for none.
    pub sub: i32,
    pub supplementary: Option<(&'a Alignment, u8)>,
    /// Other placements of the same part of the read, best first: written in `XA`, or as
    /// secondary records with `-a`.
    pub alternatives: Vec<&'a Alignment>,
    /// On an ALT contig: its score over the best primary-assembly hit of the same bases
    /// (bwa's `pa:f`).
    pub pa: Option<f64>,
}

/// Shared context for finishing records.
#[derive(Clone, Copy)]
pub(crate) struct Finisher<'a> {
    pub contigs: &'a [ContigInfo],
    pub reference: &'a [u8],
    pub read_group: Option<&'a [u8]>,
    /// Supplementary records keep soft clips (else hard clips, bwa's default).
    pub soft_clip_supplementary: bool,
    /// The shorter split hit is flagged secondary, not supplementary (bwa's -M).
    pub split_as_secondary: bool,
    /// Alternative placements as secondary records (bwa's -a) instead of the XA tag.
    pub all_alignments: bool,
}

impl Finisher<'_> {
    /// NM of alignment `a` of a read whose bases on `a`'s strand are `seq`.
    fn nm_of(&self, seq: &[u8], a: &Alignment) -> u32 {
        let start = (self.contigs[a.contig as usize].offset as i64 + a.pos) as usize;
        nm_md(
            &seq[a.qstart as usize..a.qend as usize],
            &self.reference[start..],
            &a.cigar,
        )
        .0
    }

    /// Records for a fragment of one or two reads (`mates[1]` absent for single-end).
    pub(crate) fn records(
        &self,
        mates: [Option<&Placed>; 2],
        proper: bool,
        out: &mut Vec<SamRecord>,
    ) {
        let paired = mates[1].is_some();
        for m in 0..2 {
            let Some(me) = mates[m] else { continue };
            let mate = mates[1 - m];
            let mut f = 0u16;
            if paired {
                f |= flag::PAIRED | if m == 0 { flag::FIRST } else { flag::LAST };
                if proper && me.aln.is_some() && mate.is_some_and(|x| x.aln.is_some()) {
                    f |= flag::PROPER;
                }
            }
            let mut primary = self.primary(me, mate, f);
            let secondary = self.alternatives(me, mate, f, &mut primary);
            if let Some(pa) = me.pa {
                primary.push_sam_tag(format!("pa:f:{pa:.3}").as_bytes());
            }
            if let Some((sup, q)) = me.supplementary {
                // bwa's -M flags it secondary; it stays what it is otherwise: its SA tag, its
                // clipping and its bases as bwa writes them.
                let split = if self.split_as_secondary {
                    flag::SECONDARY
                } else {
                    flag::SUPPLEMENTARY
                };
                let mut rec = self.mapped(me.read, sup, q, me.sub, f | split);
                self.set_mate(&mut rec, mate);
                add_sa(&mut rec, self, me.aln, me.mapq);
                add_sa(&mut primary, self, Some(sup), q);
                // After the SA tags, which read the whole sequence.
                if !self.soft_clip_supplementary {
                    hard_clip(&mut rec);
                }
                out.push(self.finish_tags(primary, me.read));
                out.push(self.finish_tags(rec, me.read));
            } else {
                out.push(self.finish_tags(primary, me.read));
            }
            for rec in secondary {
                out.push(self.finish_tags(rec, me.read));
            }
        }
    }

    /// The read's other placements: an `XA` tag on the primary record (bwa's format,
    /// `contig,{+|-}pos,CIGAR,NM;` each), or with `-a` secondary records (MAPQ 0, no SEQ or
    /// QUAL, as bwa writes them).
    fn alternatives(
        &self,
        me: &Placed,
        mate: Option<&Placed>,
        f: u16,
        primary: &mut SamRecord,
    ) -> Vec<SamRecord> {
        if me.alternatives.is_empty() || me.aln.is_none() {
            return Vec::new();
        }
        if self.all_alignments {
            return me
                .alternatives
                .iter()
                .map(|a| {
                    let mut rec = self.mapped(me.read, a, 0, 0, f | flag::SECONDARY);
                    self.set_mate(&mut rec, mate);
                    rec.seq.clear();
                    rec.qual.clear();
                    rec
                })
                .collect();
        }
        let len = me.read.seq.len() as u32;
        let mut xa = Vec::new();
        // The read's bases on the reverse strand, made once for the alternatives there.
        let mut reversed: Option<Vec<u8>> = None;
        for a in &me.alternatives {
            let seq: &[u8] = if a.rev {
                reversed.get_or_insert_with(|| revcomp(&me.read.seq))
            } else {
                &me.read.seq
            };
            let nm = self.nm_of(seq, a);
            let _ = write!(
                xa,
                "{},{}{},",
                self.contigs[a.contig as usize].name,
                if a.rev { '-' } else { '+' },
                a.pos + 1
            );
            xa.extend_from_slice(&cigar::to_text(&full_cigar(a, len)));
            let _ = write!(xa, ",{nm};");
        }
        primary.push_str(b"XA", &xa);
        Vec::new()
    }

    fn primary(&self, me: &Placed, mate: Option<&Placed>, f: u16) -> SamRecord {
        let mut rec = match me.aln {
            Some(a) => self.mapped(me.read, a, me.mapq, me.sub, f),
            None => unmapped(me.read, f),
        };
        self.set_mate(&mut rec, mate);
        if me.aln.is_none()
            && let Some(ma) = mate.and_then(|x| x.aln)
        {
            rec.tid = ma.contig as i32;
            rec.pos = ma.pos;
        }
        rec
    }

    fn finish_tags(&self, mut rec: SamRecord, read: &Read) -> SamRecord {
        if let Some(rg) = self.read_group {
            rec.push_str(b"RG", rg);
        }
        // bwa's -C: the FASTQ comment's SAM tags (the reader keeps comments only then).
        for token in read.comment.split(|b| b.is_ascii_whitespace()) {
            if !token.is_empty() {
                rec.push_sam_tag(token);
            }
        }
        // An unaligned BAM's tags, as GATK's MergeBamAlignment carries them.
        rec.aux.extend_from_slice(&read.tags);
        rec
    }

    fn set_mate(&self, rec: &mut SamRecord, mate: Option<&Placed>) {
        let Some(mate) = mate else { return };
        match mate.aln {
            Some(ma) => {
                rec.mate_tid = ma.contig as i32;
                rec.mate_pos = ma.pos;
                if ma.rev {
                    rec.flag |= flag::MATE_REVERSE;
                }
                rec.push_str(
                    b"MC",
                    &cigar::to_text(&full_cigar(ma, mate.read.seq.len() as u32)),
                );
                if rec.flag & flag::UNMAPPED == 0
                    && rec.flag & (flag::SUPPLEMENTARY | flag::SECONDARY) == 0
                    && rec.tid == rec.mate_tid
                {
                    let first = rec.flag & flag::FIRST != 0;
                    rec.tlen = template_length(rec.pos, rec.end(), ma.pos, ma.end, first);
                }
            }
            None => {
                rec.flag |= flag::MATE_UNMAPPED;
                if rec.flag & flag::UNMAPPED == 0 {
                    rec.mate_tid = rec.tid;
                    rec.mate_pos = rec.pos;
                }
            }
        }
    }

    fn mapped(&self, read: &Read, a: &Alignment, mapq: u8, sub: i32, f: u16) -> SamRecord {
        let len = read.seq.len() as u32;
        let (seq, qual) = oriented(read, a.rev);
        let start = (self.contigs[a.contig as usize].offset as i64 + a.pos) as usize;
        let (nm, md) = nm_md(
            &seq[a.qstart as usize..a.qend as usize],
            &self.reference[start..],
            &a.cigar,
        );
        let mut rec = SamRecord {
            name: read.name.clone(),
            flag: f | if a.rev { flag::REVERSE } else { 0 },
            tid: a.contig as i32,
            pos: a.pos,
            mapq,
            cigar: full_cigar(a, len),
            mate_tid: -1,
            mate_pos: -1,
            tlen: 0,
            seq,
            qual,
            aux: Vec::new(),
        };
        rec.push_int(b"NM", nm as i32);
        rec.push_str(b"MD", &md);
        rec.push_int(b"AS", a.score);
        rec.push_int(b"XS", sub);
        rec
    }
}

/// Turns a record's soft clips into hard clips, dropping the clipped bases and qualities.
fn hard_clip(rec: &mut SamRecord) {
    let (mut head, mut tail) = (0usize, 0usize);
    if let Some(op) = rec.cigar.first_mut().filter(|op| op.kind == Kind::SoftClip) {
        op.kind = Kind::HardClip;
        head = op.len as usize;
    }
    if rec.cigar.len() > 1
        && let Some(op) = rec.cigar.last_mut().filter(|op| op.kind == Kind::SoftClip)
    {
        op.kind = Kind::HardClip;
        tail = op.len as usize;
    }
    let keep = head..rec.seq.len().saturating_sub(tail).max(head);
    rec.seq = rec.seq[keep.clone()].to_vec();
    rec.qual = rec.qual[keep].to_vec();
}

fn unmapped(read: &Read, f: u16) -> SamRecord {
    SamRecord {
        name: read.name.clone(),
        flag: f | flag::UNMAPPED,
        tid: -1,
        pos: -1,
        mapq: 0,
        cigar: Vec::new(),
        mate_tid: -1,
        mate_pos: -1,
        tlen: 0,
        seq: read.seq.clone(),
        qual: read.qual.clone(),
        aux: Vec::new(),
    }
}

fn add_sa(rec: &mut SamRecord, f: &Finisher, other: Option<&Alignment>, mapq: u8) {
    let Some(o) = other else { return };
    let len = rec.seq.len() as u32;
    let mut sa = Vec::new();
    let _ = write!(
        sa,
        "{},{},{},",
        f.contigs[o.contig as usize].name,
        o.pos + 1,
        if o.rev { '-' } else { '+' }
    );
    sa.extend_from_slice(&cigar::to_text(&full_cigar(o, len)));
    let nm = if (rec.flag & flag::REVERSE != 0) == o.rev {
        f.nm_of(&rec.seq, o)
    } else {
        f.nm_of(&revcomp(&rec.seq), o)
    };
    let _ = write!(sa, ",{mapq},{nm};");
    rec.push_str(b"SA", &sa);
}

/// Sequence and qualities on the aligned strand.
pub(crate) fn oriented(read: &Read, rev: bool) -> (Vec<u8>, Vec<u8>) {
    if rev {
        (
            revcomp(&read.seq),
            read.qual.iter().rev().copied().collect(),
        )
    } else {
        (read.seq.clone(), read.qual.clone())
    }
}

/// The alignment's CIGAR with soft clips for the unaligned query ends.
pub(crate) fn full_cigar(a: &Alignment, len: u32) -> Vec<CigarOp> {
    let mut c = Vec::with_capacity(a.cigar.len() + 2);
    if a.qstart > 0 {
        c.push(CigarOp::new(Kind::SoftClip, a.qstart));
    }
    c.extend_from_slice(&a.cigar);
    if a.qend < len {
        c.push(CigarOp::new(Kind::SoftClip, len - a.qend));
    }
    c
}

/// SAM's observed template length: from the leftmost to the rightmost mapped base, positive
/// for the leftmost read.
/// TLEN: positive for the leftmost mate, negative for the other; mates starting at the same
/// place give the plus sign to the first mate (it is also written first, and a CRAM reader
/// rebuilding TLEN gives it to the first record).
fn template_length(pos: i64, end: i64, mate_pos: i64, mate_end: i64, first: bool) -> i64 {
    let span = end.max(mate_end) - pos.min(mate_pos);
    if pos < mate_pos || (pos == mate_pos && first) {
        span
    } else {
        -span
    }
}

/// NM (edit distance) and MD (mismatching reference bases) of an aligned query (M/I/D CIGAR)
/// against the reference starting at `t[0]`.
pub(crate) fn nm_md(q: &[u8], t: &[u8], cigar: &[CigarOp]) -> (u32, Vec<u8>) {
    let (mut nm, mut md, mut run) = (0u32, Vec::new(), 0u32);
    let (mut qi, mut ti) = (0usize, 0usize);
    for op in cigar {
        let len = op.len as usize;
        match op.kind {
            Kind::Match => {
                for _ in 0..len {
                    let (a, b) = (q[qi], t[ti]);
                    if a == b && a < 4 {
                        run += 1;
                    } else {
                        nm += 1;
                        let _ = write!(md, "{run}");
                        md.push(base::decode(b));
                        run = 0;
                    }
                    qi += 1;
                    ti += 1;
                }
            }
            Kind::Ins => {
                nm += len as u32;
                qi += len;
            }
            _ => {
                // Alignments hold only M, I and D.
                nm += len as u32;
                let _ = write!(md, "{run}^");
                md.extend(t[ti..ti + len].iter().map(|&b| base::decode(b)));
                run = 0;
                ti += len;
            }
        }
    }
    let _ = write!(md, "{run}");
    (nm, md)
}

/// Duplicate-marking ends of a fragment from its chosen placements.
pub(crate) fn dup_ends(mates: [Option<&Placed>; 2]) -> DupEnds {
    let mut ends = [None, None];
    let mut score = 0u32;
    for (m, p) in mates.iter().enumerate() {
        let Some(p) = p else { continue };
        score += p
            .read
            .qual
            .iter()
            .filter(|&&q| q >= 15)
            .map(|&q| u32::from(q))
            .sum::<u32>();
        if let Some(a) = p.aln {
            ends[m] = Some(FivePrime {
                contig: a.contig,
                pos: a.unclipped_five_prime(p.read.seq.len() as u32),
                rev: a.rev,
            });
        }
    }
    DupEnds {
        ends,
        score,
        library: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_and_nm_count_mismatches_and_gaps() {
        // query ACGTAC vs ref ACCTAGGC with CIGAR 5M2D1M: one mismatch, two deleted.
        let (nm, md) = nm_md(
            &[0, 1, 2, 3, 0, 1],
            &[0, 1, 1, 3, 0, 2, 2, 1],
            &[
                CigarOp::new(Kind::Match, 5),
                CigarOp::new(Kind::Del, 2),
                CigarOp::new(Kind::Match, 1),
            ],
        );
        assert_eq!(nm, 3);
        assert_eq!(String::from_utf8(md).unwrap(), "2C2^GG1");
    }

    #[test]
    fn template_length_sign() {
        assert_eq!(template_length(100, 250, 300, 450, false), 350);
        assert_eq!(template_length(300, 450, 100, 250, true), -350);
        // Mates at the same place: opposite signs, the first mate's positive.
        assert_eq!(template_length(100, 250, 100, 250, true), 150);
        assert_eq!(template_length(100, 250, 100, 250, false), -150);
        assert_eq!(template_length(100, 240, 100, 250, false), -150);
    }
}
