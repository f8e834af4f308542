//! CRAM 3.0 (reference-based compression, the format most centres store): a coordinate-sorted
//! BAM turned into CRAM with its `.crai` by zenome's own encoder (`writer`, `series`), and a
//! CRAM turned back into an indexed BAM for the stages that read BAM (noodles decodes it). The
//! reference's sequences come from the caller (REF's contigs), and the header's `@SQ M5`
//! values name them.
//!
//! What CRAM 3.0 cannot carry, which `align`'s records never hold: `=`/`X` CIGAR operations
//! (read back as `M`) and adjacent operations of one kind (merged). htslib also adds `MD`/`NM`
//! to mapped records without them (zenome writes both) and drops RNEXT of unpaired records
//! (zenome writes none).
//!
//! The encoder is zenome's because every record must come back as BAM had it: it attaches only
//! the pairs whose mate fields the decoders rebuild exactly (`mates`) and writes every other
//! record detached, with its own mate fields, where noodles 0.102 chains every non-secondary
//! record of a name as mates and so changes the mate fields of pairs with supplementary
//! alignments.

use std::path::Path;

mod block;
mod itf8;
mod mates;
mod rans;
mod series;
mod writer;

use std::collections::HashMap;

use md5::{Digest, Md5};
use noodles_sam::alignment::io::Write as _;

use self::writer::{FlushError, Writer};
use super::fasta::{self, Contig};
use super::output::{TempPath, with_suffix};
use super::sam_record::SamRecord;
use super::{bam_decode, bam_reader};
use crate::core::base;
use crate::core::{Error, Result};

/// The reference as noodles reads it: every contig, bases turned into letters in place (a
/// genome is not copied).
fn repository(contigs: Vec<Contig>) -> noodles_fasta::Repository {
    use noodles_fasta as fasta;
    let records: Vec<fasta::Record> = contigs
        .into_iter()
        .map(|mut c| {
            c.seq.iter_mut().for_each(|b| *b = base::decode(*b));
            fasta::Record::new(
                fasta::record::Definition::new(c.name.as_str(), None),
                fasta::record::Sequence::from(c.seq),
            )
        })
        .collect();
    fasta::Repository::new(records)
}

/// Writes the records of the coordinate-sorted `bam` as the CRAM `cram`, with `cram.crai`,
/// both under temporary names until complete. `contigs` are the reference's (from its index
/// or `reference`, the FASTA, which is read again only for a contig with IUPAC codes).
pub(crate) fn from_bam(
    bam: &Path,
    cram: &Path,
    contigs: Vec<Contig>,
    reference: &Path,
) -> Result<()> {
    let (header, mut reader) = bam_reader::open_records(bam)?;
    let mut refs = References::new(contigs, reference);
    let tmp = TempPath::new(cram);
    let write_err = |e: std::io::Error| Error::io(cram, e);
    let file = std::fs::File::create(tmp.path()).map_err(write_err)?;
    let file_id = cram
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let mut writer = Writer::new(
        std::io::BufWriter::with_capacity(1 << 20, file),
        &header.text,
        &file_id,
    )
    .map_err(write_err)?;
    let mut buf = Vec::new();
    let mut last: Option<SamRecord> = None;
    let mut names: Vec<&str> = header.dict.iter().map(|d| d.name.as_str()).collect();
    names.push("");
    let name_of = |tid: i32| names[usize::try_from(tid).unwrap_or(names.len() - 1)];
    let flush_err = |e: FlushError| match e {
        FlushError::Io(e) => Error::io(cram, e),
        FlushError::Record(m) => Error::input(bam, m),
    };
    loop {
        let more = bam_decode::read_record(&mut reader, &mut buf)
            .map_err(|e| bam_reader::read_error(bam, e, last.as_ref()))?;
        if !more {
            break;
        }
        let r = bam_decode::decode(&buf, &header.dict).map_err(|m| Error::input(bam, m))?;
        if let Some(tid) = writer.due(r.tid.max(-1)) {
            writer
                .flush(refs.letters(name_of(tid))?)
                .map_err(flush_err)?;
        }
        let letters = bam_decode::seq_letters(&buf);
        let mut r = r;
        r.aux = bam_decode::aux_of(&buf).to_vec();
        let name = r.name.clone();
        writer.push(r, letters).map_err(|m| {
            Error::input(
                bam,
                format!("record '{}': {m}", String::from_utf8_lossy(&name)),
            )
        })?;
        last = Some(SamRecord {
            name,
            ..SamRecord::default()
        });
    }
    if let Some(tid) = writer.due(i32::MIN) {
        writer
            .flush(refs.letters(name_of(tid))?)
            .map_err(flush_err)?;
    }
    writer.finish().map_err(write_err)?;
    let crai = with_suffix(cram, ".crai");
    let crai_tmp = TempPath::new(&crai);
    let index = noodles_cram::fs::index(tmp.path())
        .map_err(|e| Error::Internal(format!("indexing {}: {e}", cram.display())))?;
    noodles_cram::crai::fs::write(crai_tmp.path(), &index).map_err(|e| Error::io(&crai, e))?;
    tmp.commit()?;
    crai_tmp.commit()
}

/// The reference's contigs as upper-case letters, one contig at a time (a sorted BAM visits
/// each once).
struct References<'a> {
    contigs: Vec<Contig>,
    by_name: HashMap<String, usize>,
    fasta: &'a Path,
    /// Whether `contigs` hold letters read from the FASTA rather than base codes.
    letters: bool,
    /// The contig last asked for, and its letters.
    current: Option<(String, Vec<u8>)>,
}

impl<'a> References<'a> {
    fn new(contigs: Vec<Contig>, fasta: &'a Path) -> Self {
        References {
            by_name: Self::names(&contigs),
            contigs,
            fasta,
            letters: false,
            current: None,
        }
    }

    fn names(contigs: &[Contig]) -> HashMap<String, usize> {
        contigs
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect()
    }

    /// The letters of contig `name` (empty for "", unplaced reads). Base codes lose IUPAC
    /// codes: the first contig whose decoded letters miss its MD5 has the whole reference read
    /// again as letters from the FASTA, once, in place of the codes.
    fn letters(&mut self, name: &str) -> Result<&[u8]> {
        if name.is_empty() {
            return Ok(&[]);
        }
        if self.current.as_ref().is_none_or(|(n, _)| n != name) {
            let missing = || {
                Error::input(
                    self.fasta,
                    format!("has no contig '{name}', which the alignments are on"),
                )
            };
            let i = *self.by_name.get(name).ok_or_else(missing)?;
            let mut seq = std::mem::take(&mut self.contigs[i].seq);
            if !self.letters {
                seq.iter_mut().for_each(|b| *b = base::decode(*b));
                let m5 = self.contigs[i].m5;
                if m5 != [0; 16] && <[u8; 16]>::from(Md5::digest(&seq)) != m5 {
                    self.contigs = fasta::read_letters(self.fasta)?;
                    self.by_name = Self::names(&self.contigs);
                    self.letters = true;
                    let i = *self.by_name.get(name).ok_or_else(missing)?;
                    seq = std::mem::take(&mut self.contigs[i].seq);
                }
            }
            self.current = Some((name.to_string(), seq));
        }
        Ok(self.current.as_ref().map_or(&[], |(_, s)| s.as_slice()))
    }
}

/// Whether `path` names a CRAM (by its extension).
pub(crate) fn is_cram(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("cram"))
}

/// Writes the records of the CRAM `cram` as the BAM `bam` (with its `.bai`), decoding the
/// sequences against `contigs`: all of them, or (with `regions`: contig, 0-based start, end;
/// sorted and apart) those overlapping the regions, read through the `.crai`.
pub(crate) fn to_bam(
    cram: &Path,
    bam: &Path,
    contigs: Vec<Contig>,
    regions: Option<&[(String, i64, i64)]>,
) -> Result<()> {
    let bad = |e: std::io::Error| Error::input(cram, format!("not a readable CRAM ({e})"));
    let mut reader = noodles_cram::io::reader::Builder::default()
        .set_reference_sequence_repository(repository(contigs))
        .build_from_path(cram)
        .map_err(bad)?;
    let header = reader.read_header().map_err(bad)?;
    let write_err = |e: std::io::Error| Error::io(bam, e);
    let file = std::fs::File::create(bam).map_err(write_err)?;
    let mut writer = noodles_bam::io::Writer::new(file);
    writer.write_header(&header).map_err(write_err)?;
    match regions {
        None => {
            for r in reader.records(&header) {
                let r = r.map_err(bad)?;
                writer
                    .write_alignment_record(&header, &r)
                    .map_err(write_err)?;
            }
        }
        Some(regions) => {
            let index = noodles_cram::fs::read_associated_index(cram).map_err(|e| {
                Error::input(
                    cram,
                    format!("no readable .crai beside it ({e}); index it (samtools index)"),
                )
            })?;
            // In the CRAM's own contig order, so that the BAM stays sorted.
            let mut regions: Vec<&(String, i64, i64)> = regions.iter().collect();
            regions.sort_by_key(|(name, start, _)| {
                (
                    header
                        .reference_sequences()
                        .get_index_of(name.as_bytes())
                        .unwrap_or(usize::MAX),
                    *start,
                )
            });
            // A record overlapping two regions is written once: with the first.
            let mut previous: Option<(&str, i64)> = None;
            for (name, start, end) in regions {
                let (Some(a), Some(b)) = (
                    noodles_core::Position::new(*start as usize + 1),
                    noodles_core::Position::new(*end as usize),
                ) else {
                    continue;
                };
                let region = noodles_core::Region::new(name.as_str(), a..=b);
                let query = match reader.query(&header, &index, &region) {
                    Ok(q) => q,
                    // A contig the CRAM has no records of.
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => continue,
                    Err(e) => return Err(bad(e)),
                };
                for r in query.records() {
                    let r = r.map_err(bad)?;
                    let pos = r.alignment_start().map_or(0, |p| p.get() as i64 - 1);
                    if previous.is_some_and(|(n, e)| n == name.as_str() && pos < *start && pos < e)
                    {
                        continue;
                    }
                    writer
                        .write_alignment_record(&header, &r)
                        .map_err(write_err)?;
                }
                previous = Some((name.as_str(), *end));
            }
        }
    }
    writer.try_finish().map_err(write_err)?;
    drop(writer);
    let index = noodles_bam::fs::index(bam).map_err(|e| {
        Error::input(
            cram,
            format!("its records cannot be indexed ({e}): is it sorted by coordinate?"),
        )
    })?;
    let bai = with_suffix(bam, ".bai");
    super::bam_writer::write_index(&bai, &index).map_err(|e| Error::io(&bai, e))
}
