//! Fragments: single reads or mate pairs read in step from one or two FASTQ files per lane (or
//! from an unaligned BAM), each with a global index that fixes its place in the output and the
//! lane it came from.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::core::{Error, Result};
use crate::io::fastq::{FastqReader, Read};
use crate::io::input;
use crate::io::ubam::{self, UbamReader};

/// One sequenced fragment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fragment {
    /// Position in the input (all lanes, in order), from 0.
    pub index: u64,
    /// The lane it was read from, from 0.
    pub lane: u16,
    pub r1: Read,
    pub r2: Option<Read>,
}

/// The read files of one lane: one (single-end, or pairs interleaved as bwa's `-p` reads
/// them) or two (pairs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct LaneFiles {
    pub r1: PathBuf,
    pub r2: Option<PathBuf>,
    /// `r1` holds both reads of each pair, one after the other.
    pub interleaved: bool,
    /// Keep the headers' comments (bwa's -C).
    pub comments: bool,
    /// Of an unaligned BAM with several read groups: the one this lane reads (its `RG` tag),
    /// and every ID its header declares.
    pub read_group: Option<(String, Vec<String>)>,
}

/// The most lanes one run reads.
pub(crate) const MAX_LANES: usize = u16::MAX as usize;

/// A lane's open input: FASTQ (one file, or two of mates), or an unaligned BAM.
enum LaneReader {
    Fastq(FastqReader, Option<FastqReader>),
    Ubam(UbamReader),
}

/// Reads fragments in batches, lane after lane, checking that mates agree.
pub(crate) struct FragmentReader {
    lanes: Vec<LaneFiles>,
    /// The lane being read, and its files once opened.
    lane: usize,
    open: Option<LaneReader>,
    /// The next fragment's global index, and its number within its lane (for messages).
    next: u64,
    in_lane: u64,
    /// File bytes read so far, all lanes.
    bytes: Arc<AtomicU64>,
}

impl FragmentReader {
    /// A reader of several lanes, in order. The first lane's files are opened at once (so that a
    /// bad path is reported before any work), the others when their turn comes.
    pub(crate) fn open_lanes(lanes: Vec<LaneFiles>) -> Result<Self> {
        if lanes.len() > MAX_LANES {
            return Err(Error::Usage(format!(
                "{} lanes: at most {MAX_LANES}",
                lanes.len()
            )));
        }
        let mut r = FragmentReader {
            lanes,
            lane: 0,
            open: None,
            next: 0,
            in_lane: 0,
            bytes: Arc::new(AtomicU64::new(0)),
        };
        r.open_current()?;
        Ok(r)
    }

    fn open_current(&mut self) -> Result<()> {
        self.open = match self.lanes.get(self.lane) {
            Some(l) if l.r2.is_none() => {
                // One input: FASTQ, or an unaligned BAM (told by its content, from a file or
                // standard input).
                let early = (l.r1 == Path::new("-")).then(ubam::take_stdin).flatten();
                let (mut stream, header) = match early {
                    Some(s) => s,
                    None => (input::open_counted(&l.r1, Some(self.bytes.clone()))?, None),
                };
                if let Some(header) = header {
                    Some(LaneReader::Ubam(UbamReader::after_header(
                        stream,
                        header,
                        &l.r1,
                        l.read_group.clone(),
                    )))
                } else if ubam::starts_as_bam(&mut stream) {
                    Some(LaneReader::Ubam(UbamReader::from_stream(
                        stream,
                        &l.r1,
                        l.read_group.clone(),
                    )?))
                } else {
                    Some(LaneReader::Fastq(
                        FastqReader::new(stream, &l.r1).keep_comments(l.comments),
                        None,
                    ))
                }
            }
            Some(l) => Some(LaneReader::Fastq(
                FastqReader::open_counted(&l.r1, self.bytes.clone())?.keep_comments(l.comments),
                l.r2.as_deref()
                    .map(|p| {
                        FastqReader::open_counted(p, self.bytes.clone())
                            .map(|r| r.keep_comments(l.comments))
                    })
                    .transpose()?,
            )),
            None => None,
        };
        self.in_lane = 0;
        Ok(())
    }

    /// The counter of file bytes read (shared: it keeps counting after the reader moves).
    pub(crate) fn bytes_read(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// The size of every input file together, when all are files (not standard input).
    pub(crate) fn total_bytes(&self) -> Option<u64> {
        let mut total = 0;
        for l in &self.lanes {
            for p in std::iter::once(&l.r1).chain(&l.r2) {
                if p.as_os_str() == "-" {
                    return None;
                }
                total += std::fs::metadata(p).ok()?.len();
            }
        }
        Some(total)
    }

    /// Up to `n` more fragments, from one lane or several; an empty batch at the end.
    pub(crate) fn next_batch(&mut self, n: usize) -> Result<Vec<Fragment>> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match self.next_fragment()? {
                Some(f) => out.push(f),
                None => {
                    self.lane += 1;
                    self.open_current()?;
                    if self.open.is_none() {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// The current lane's next fragment; None at its end (or after the last lane).
    fn next_fragment(&mut self) -> Result<Option<Fragment>> {
        let (in_lane, lane) = (self.in_lane, self.lane as u16);
        let interleaved = self.lanes.get(self.lane).is_some_and(|l| l.interleaved);
        let mut f = Fragment {
            index: self.next,
            lane,
            ..Default::default()
        };
        let (r1, r2) = match &mut self.open {
            None => return Ok(None),
            Some(LaneReader::Ubam(u)) => {
                if !u.next_fragment(&mut f.r1, &mut f.r2)? {
                    return Ok(None);
                }
                self.next += 1;
                self.in_lane += 1;
                return Ok(Some(f));
            }
            Some(LaneReader::Fastq(r1, r2)) => (r1, r2),
        };
        let got1 = r1.next_into(&mut f.r1)?;
        if let Some(r2) = r2 {
            let mut second = Read::default();
            let got2 = r2.next_into(&mut second)?;
            match (got1, got2) {
                (true, true) => check_names(&f.r1, &second, r2.path(), in_lane)?,
                (false, false) => return Ok(None),
                (true, false) => return Err(count_error(r2.path(), r1.path(), in_lane)),
                (false, true) => return Err(count_error(r1.path(), r2.path(), in_lane)),
            }
            f.r2 = Some(second);
        } else if !got1 {
            return Ok(None);
        } else if interleaved {
            let mut second = Read::default();
            if !r1.next_into(&mut second)? {
                return Err(Error::input(
                    r1.path(),
                    format!(
                        "interleaved pairs (-p): read '{}' has no mate (an odd number of records)",
                        String::from_utf8_lossy(&f.r1.name)
                    ),
                ));
            }
            check_names(&f.r1, &second, r1.path(), in_lane)?;
            f.r2 = Some(second);
        }
        self.next += 1;
        self.in_lane += 1;
        Ok(Some(f))
    }
}

fn check_names(a: &Read, b: &Read, path: &Path, index: u64) -> Result<()> {
    if a.name != b.name {
        return Err(Error::input(
            path,
            format!(
                "record {}: mate names differ ('{}' in the first file, '{}' here)",
                index + 1,
                String::from_utf8_lossy(&a.name),
                String::from_utf8_lossy(&b.name)
            ),
        ));
    }
    Ok(())
}

fn count_error(short: &Path, long: &Path, index: u64) -> Error {
    Error::input(
        short,
        format!(
            "ends after {index} records but {} has more (mate files must hold the same reads)",
            long.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fastq(dir: &Path, name: &str, reads: &[&str]) -> PathBuf {
        let p = dir.join(name);
        let text: String = reads
            .iter()
            .map(|r| format!("@{r}\nACGT\n+\nIIII\n"))
            .collect();
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn lanes_are_read_in_turn_with_global_indices_and_lane_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let lanes = vec![
            LaneFiles {
                r1: fastq(d, "a1.fq", &["a", "b", "c"]),
                r2: Some(fastq(d, "a2.fq", &["a", "b", "c"])),
                interleaved: false,
                comments: false,
                read_group: None,
            },
            LaneFiles {
                r1: fastq(d, "e1.fq", &[]),
                r2: Some(fastq(d, "e2.fq", &[])),
                interleaved: false,
                comments: false,
                read_group: None,
            },
            LaneFiles {
                r1: fastq(d, "b1.fq", &["d", "e"]),
                r2: Some(fastq(d, "b2.fq", &["d", "x"])),
                interleaved: false,
                comments: false,
                read_group: None,
            },
        ];
        let mut r = FragmentReader::open_lanes(lanes).unwrap();
        let batch = r.next_batch(4).unwrap();
        let got: Vec<(u64, u16, &[u8])> = batch
            .iter()
            .map(|f| (f.index, f.lane, f.r1.name.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![(0, 0, &b"a"[..]), (1, 0, b"b"), (2, 0, b"c"), (3, 2, b"d")]
        );
        // The mismatch is the second record of its lane's files.
        let e = r.next_batch(4).unwrap_err().to_string();
        assert!(e.contains("b2.fq") && e.contains("record 2:"), "{e}");
    }

    #[test]
    fn a_lane_file_gone_by_its_turn_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let gone = fastq(d, "gone.fq", &["z"]);
        let lanes = vec![
            LaneFiles {
                r1: fastq(d, "a.fq", &["a"]),
                ..Default::default()
            },
            LaneFiles {
                r1: gone.clone(),
                ..Default::default()
            },
        ];
        let mut r = FragmentReader::open_lanes(lanes).unwrap();
        std::fs::remove_file(&gone).unwrap();
        let e = r.next_batch(10).unwrap_err().to_string();
        assert!(e.contains("gone.fq"), "{e}");
    }
}
