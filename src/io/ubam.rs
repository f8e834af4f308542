//! Reads from an unaligned BAM (GATK's and Picard's uBAM: FastqToSam, or a BCL converter's
//! output): pairs by flag (0x40 first, 0x80 last) and name, single reads otherwise, secondary
//! and supplementary records skipped; bases back on the sequenced strand; the record's tags
//! kept to be carried into the alignments (all but the alignment's own and `RG`, which the
//! lane sets), as GATK's MergeBamAlignment carries them.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::bam_decode;
use super::bam_reader::{open_records, read_error};
use super::fastq::Read;
use super::sam_record::{SamRecord, aux_field_len, flag};
use crate::core::base::revcomp;
use crate::core::{Error, Result};

/// Tags of an alignment, or set per lane: not carried from an unaligned BAM.
const DROPPED_TAGS: [&[u8; 2]; 10] = [
    b"RG", b"NM", b"MD", b"AS", b"XS", b"XA", b"SA", b"MC", b"MQ", b"PG",
];

/// Whether `path` names a BAM (by its name), to be read as unaligned reads.
pub(crate) fn is_bam(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("bam"))
}

/// The `@RG` lines of an unaligned BAM's header.
pub(crate) fn read_groups(path: &Path) -> Result<Vec<String>> {
    Ok(open_records(path)?.0.read_groups)
}

/// Standard input opened before the run to look for an unaligned BAM's `@RG` lines: the
/// decompressed stream (after the header when it is BAM) and the header; the run's reads
/// continue from it.
type EarlyStdin = (Box<dyn BufRead + Send>, Option<bam_decode::Header>);

static STDIN: Mutex<Option<EarlyStdin>> = Mutex::new(None);

/// The `@RG` lines of an unaligned BAM on standard input (None when it is not BAM): its header
/// is read now and the stream kept for [`take_stdin`].
pub(crate) fn stdin_read_groups() -> Result<Option<Vec<String>>> {
    let stdin = Path::new("-");
    let mut slot = STDIN.lock().unwrap_or_else(|e| e.into_inner());
    if slot.is_none() {
        let mut stream = super::input::open(stdin)?;
        let header = if starts_as_bam(&mut stream) {
            Some(
                bam_decode::read_header(&mut stream)
                    .map_err(|e| Error::input(stdin, format!("not a readable BAM file ({e})")))?,
            )
        } else {
            None
        };
        *slot = Some((stream, header));
    }
    Ok(slot
        .as_ref()
        .and_then(|(_, h)| h.as_ref().map(|h| h.read_groups.clone())))
}

/// Standard input as [`stdin_read_groups`] left it, once.
pub(crate) fn take_stdin() -> Option<EarlyStdin> {
    STDIN.lock().unwrap_or_else(|e| e.into_inner()).take()
}

/// Whether a decompressed stream is BAM: it starts with BAM's magic number.
pub(crate) fn starts_as_bam(r: &mut dyn BufRead) -> bool {
    r.fill_buf().is_ok_and(|b| b.starts_with(b"BAM\x01"))
}

/// An unaligned BAM open for reading, record by record.
pub(crate) struct UbamReader {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    dict: Vec<super::dict::RefSeq>,
    buf: Vec<u8>,
    /// A record read ahead (the next fragment's first read).
    ahead: Option<SamRecord>,
    records: u64,
    /// Only the records of this read group, of those the header declares.
    read_group: Option<(String, Vec<String>)>,
}

impl UbamReader {
    /// Reads the header of a decompressed BAM stream (a file's or standard input's).
    pub(crate) fn from_stream(
        mut reader: Box<dyn BufRead + Send>,
        path: &Path,
        read_group: Option<(String, Vec<String>)>,
    ) -> Result<UbamReader> {
        let header = bam_decode::read_header(&mut reader)
            .map_err(|e| Error::input(path, format!("not a readable BAM file ({e})")))?;
        Ok(Self::after_header(reader, header, path, read_group))
    }

    /// A stream whose header was read already.
    pub(crate) fn after_header(
        reader: Box<dyn BufRead + Send>,
        header: bam_decode::Header,
        path: &Path,
        read_group: Option<(String, Vec<String>)>,
    ) -> UbamReader {
        UbamReader {
            path: path.to_path_buf(),
            reader,
            dict: header.dict,
            buf: Vec::new(),
            ahead: None,
            records: 0,
            read_group,
        }
    }

    /// Whether a record belongs to the read group this reader keeps (an error for a record
    /// with no `RG` tag, or one the header does not declare, when it declares several).
    fn in_read_group(&self, r: &SamRecord) -> Result<bool> {
        let Some((id, all)) = &self.read_group else {
            return Ok(true);
        };
        let mut aux = &r.aux[..];
        let mut tag = None;
        while let Some(len) = aux_field_len(aux) {
            if &aux[..3] == b"RGZ" {
                tag = Some(String::from_utf8_lossy(&aux[3..len - 1]).into_owned());
            }
            aux = &aux[len..];
        }
        match tag {
            Some(t) if t == *id => Ok(true),
            Some(t) if all.contains(&t) => Ok(false),
            other => Err(Error::input(
                &self.path,
                format!(
                    "record {} ('{}'): {} where the header declares the read groups {}",
                    self.records,
                    String::from_utf8_lossy(&r.name),
                    other.map_or("no RG tag".to_string(), |t| format!("RG '{t}'")),
                    all.join(", ")
                ),
            )),
        }
    }

    /// The next primary record.
    fn next_record(&mut self) -> Result<Option<SamRecord>> {
        if let Some(r) = self.ahead.take() {
            return Ok(Some(r));
        }
        loop {
            let more = bam_decode::read_record(&mut self.reader, &mut self.buf)
                .map_err(|e| read_error(&self.path, e, None))?;
            if !more {
                return Ok(None);
            }
            self.records += 1;
            let mut r = bam_decode::decode(&self.buf, &self.dict).map_err(|msg| {
                Error::input(&self.path, format!("record {}: {msg}", self.records))
            })?;
            r.aux = bam_decode::aux_of(&self.buf).to_vec();
            if r.flag & (flag::SECONDARY | flag::SUPPLEMENTARY) == 0 && self.in_read_group(&r)? {
                return Ok(Some(r));
            }
        }
    }

    /// The next fragment into `r1` (and `r2` for a pair); false at the end.
    pub(crate) fn next_fragment(&mut self, r1: &mut Read, r2: &mut Option<Read>) -> Result<bool> {
        let Some(first) = self.next_record()? else {
            return Ok(false);
        };
        let at = self.records;
        if first.flag & flag::PAIRED == 0 {
            *r1 = self.to_read(first, at)?;
            *r2 = None;
            return Ok(true);
        }
        let Some(second) = self.next_record()? else {
            return Err(self.unpaired(&first, at));
        };
        if second.name != first.name || second.flag & flag::PAIRED == 0 {
            return Err(self.unpaired(&first, at));
        }
        let (a, b) = if first.flag & flag::LAST != 0 {
            (second, first)
        } else {
            (first, second)
        };
        *r1 = self.to_read(a, at)?;
        *r2 = Some(self.to_read(b, at)?);
        Ok(true)
    }

    fn unpaired(&self, r: &SamRecord, at: u64) -> Error {
        Error::input(
            &self.path,
            format!(
                "record {at} ('{}') is flagged paired but its mate does not follow it: sort the unaligned BAM by name (samtools sort -n)",
                String::from_utf8_lossy(&r.name)
            ),
        )
    }

    /// The read as sequenced, with the tags to carry.
    fn to_read(&self, r: SamRecord, at: u64) -> Result<Read> {
        if r.seq.is_empty() || r.qual.len() != r.seq.len() || r.qual.iter().all(|&q| q == 0xff) {
            return Err(Error::input(
                &self.path,
                format!(
                    "record {at} ('{}') has no bases or no base qualities",
                    String::from_utf8_lossy(&r.name)
                ),
            ));
        }
        let (seq, qual) = if r.flag & flag::REVERSE != 0 {
            (revcomp(&r.seq), r.qual.iter().rev().copied().collect())
        } else {
            (r.seq, r.qual)
        };
        let mut tags = Vec::new();
        let mut aux = &r.aux[..];
        while let Some(len) = aux_field_len(aux) {
            if !DROPPED_TAGS.iter().any(|t| &aux[..2] == *t) {
                tags.extend_from_slice(&aux[..len]);
            }
            aux = &aux[len..];
        }
        Ok(Read {
            name: r.name,
            seq,
            qual,
            comment: Vec::new(),
            tags,
        })
    }
}
