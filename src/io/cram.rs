//! CRAM 3.0 (reference-based compression, the format most centres store): a coordinate-sorted
//! BAM turned into CRAM with its `.crai`, and a CRAM turned back into an indexed BAM for the
//! stages that read BAM. The reference's sequences come from the caller (REF's contigs), and
//! the header's `@SQ M5` values name them.

use std::path::Path;

use noodles_fasta as fasta;
use noodles_sam::alignment::io::Write as _;

use super::fasta::Contig;
use super::output::{TempPath, with_suffix};
use crate::core::base;
use crate::core::{Error, Result};

/// The reference as noodles reads it: every contig, bases turned into letters in place (a
/// genome is not copied).
fn repository(contigs: Vec<Contig>) -> fasta::Repository {
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

/// CRAM 3.0's codecs per block: gzip, but rANS 4x8 (order 1) for the base qualities, the
/// largest series, as htslib does.
fn encoders() -> noodles_cram::container::BlockContentEncoderMap {
    use noodles_cram::codecs::{Encoder, rans_4x8};
    use noodles_cram::container::compression_header::data_series_encodings::DataSeries;
    noodles_cram::container::BlockContentEncoderMap::builder()
        .set_data_series_encoder(
            DataSeries::QualityScores,
            Some(Encoder::Rans4x8(rans_4x8::Order::One)),
        )
        .build()
}

/// Writes the records of `bam` as the CRAM `cram`, with `cram.crai`; both under temporary
/// names until complete.
pub(crate) fn from_bam(bam: &Path, cram: &Path, contigs: Vec<Contig>) -> Result<()> {
    let bad = |e: std::io::Error| Error::input(bam, format!("cannot be read back ({e})"));
    let mut reader = noodles_bam::io::reader::Builder
        .build_from_path(bam)
        .map_err(bad)?;
    let header = reader.read_header().map_err(bad)?;
    let tmp = TempPath::new(cram);
    let write_err = |e: std::io::Error| Error::io(cram, e);
    let mut writer = noodles_cram::io::writer::Builder::default()
        .set_block_content_encoder_map(encoders())
        .set_reference_sequence_repository(repository(contigs))
        .build_from_path(tmp.path())
        .map_err(write_err)?;
    writer.write_header(&header).map_err(write_err)?;
    for r in reader.record_bufs(&header) {
        let r = r.map_err(bad)?;
        writer
            .write_alignment_record(&header, &r)
            .map_err(write_err)?;
    }
    writer.try_finish(&header).map_err(write_err)?;
    drop(writer);
    let crai = with_suffix(cram, ".crai");
    let crai_tmp = TempPath::new(&crai);
    let index = noodles_cram::fs::index(tmp.path())
        .map_err(|e| Error::Internal(format!("indexing {}: {e}", cram.display())))?;
    noodles_cram::crai::fs::write(crai_tmp.path(), &index).map_err(|e| Error::io(&crai, e))?;
    tmp.commit()?;
    crai_tmp.commit()
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
