//! CRAM's blocks, container headers and encodings (CRAM 3.0 specification, sections 7, 8 and
//! 13): each block and container header closed by its CRC32.

use std::io::Write;

use super::itf8::{itf8, ltf8};

/// What a block holds (section 8, `content type`).
#[derive(Clone, Copy)]
pub(super) enum Content {
    FileHeader = 0,
    CompressionHeader = 1,
    SliceHeader = 2,
    External = 4,
    Core = 5,
}

/// How a block's data are stored.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Codec {
    Raw,
    /// rANS 4x8, order 1 (`super::rans`), htslib's choice for the qualities.
    Rans,
    /// The smallest of gzip and rANS orders 0 and 1.
    Best,
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 3),
        flate2::Compression::default(),
    );
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(raw);
    enc.finish().unwrap_or_default()
}

/// Appends a block holding `raw` under `codec`, or raw where that is no smaller.
pub(super) fn block(out: &mut Vec<u8>, content: Content, id: i32, raw: &[u8], codec: Codec) {
    let packed = match codec {
        _ if raw.is_empty() => None,
        Codec::Raw => None,
        Codec::Rans => Some((4u8, super::rans::encode_order1(raw))),
        Codec::Best => [
            (1u8, gzip(raw)),
            (4, super::rans::encode_order0(raw)),
            (4, super::rans::encode_order1(raw)),
        ]
        .into_iter()
        .min_by_key(|(_, d)| d.len()),
    };
    let (method, data) = match &packed {
        Some((m, d)) if d.len() < raw.len() => (*m, d.as_slice()),
        _ => (0, raw),
    };
    let start = out.len();
    out.push(method);
    out.push(content as u8);
    itf8(out, id);
    itf8(out, data.len() as i32);
    itf8(out, raw.len() as i32);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// A container's header fields (section 7).
#[derive(Default)]
pub(super) struct ContainerHeader {
    /// Bytes of the blocks that follow the header.
    pub len: usize,
    /// -1 for unplaced reads.
    pub ref_id: i32,
    /// 1-based; 0 with `ref_id` -1.
    pub start: i64,
    pub span: i64,
    pub records: usize,
    pub record_counter: u64,
    pub bases: u64,
    pub blocks: usize,
    /// Offsets of the slice headers after the compression header.
    pub landmarks: Vec<usize>,
}

/// Appends a container header.
pub(super) fn container_header(out: &mut Vec<u8>, h: &ContainerHeader) {
    let start = out.len();
    out.extend_from_slice(&(h.len as i32).to_le_bytes());
    itf8(out, h.ref_id);
    itf8(out, h.start as i32);
    itf8(out, h.span as i32);
    itf8(out, h.records as i32);
    ltf8(out, h.record_counter as i64);
    ltf8(out, h.bases as i64);
    itf8(out, h.blocks as i32);
    itf8(out, h.landmarks.len() as i32);
    for &l in &h.landmarks {
        itf8(out, l as i32);
    }
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

/// An encoding of a data series or tag (section 13).
pub(super) enum Encoding {
    /// Values in the external block `id`: ITF8 for integers, bytes as they are.
    External(i32),
    /// Byte arrays ended by `stop` in the external block `id`.
    ByteArrayStop(u8, i32),
    /// Byte arrays as their length (ITF8) then their bytes, both in the external block `id`.
    ByteArrayLen(i32),
}

impl Encoding {
    /// Appends the codec id, the parameters' length and the parameters.
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        let mut params = Vec::new();
        let codec = match *self {
            Encoding::External(id) => {
                itf8(&mut params, id);
                1
            }
            Encoding::ByteArrayStop(stop, id) => {
                params.push(stop);
                itf8(&mut params, id);
                5
            }
            Encoding::ByteArrayLen(id) => {
                Encoding::External(id).write(&mut params);
                Encoding::External(id).write(&mut params);
                4
            }
        };
        itf8(out, codec);
        itf8(out, params.len() as i32);
        out.extend_from_slice(&params);
    }
}

/// Appends a map (section 2.5): its size in bytes, its entry count, then the entries.
pub(super) fn map(out: &mut Vec<u8>, entries: usize, body: &[u8]) {
    let mut head = Vec::new();
    itf8(&mut head, entries as i32);
    itf8(out, (head.len() + body.len()) as i32);
    out.extend_from_slice(&head);
    out.extend_from_slice(body);
}

/// CRAM 3.0's end-of-file container (section 9), a fixed sequence of bytes.
pub(super) const EOF: [u8; 38] = [
    0x0f, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xe0, 0x45, 0x4f, 0x46, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x05, 0xbd, 0xd9, 0x4f, 0x00, 0x01, 0x00, 0x06, 0x06, 0x01, 0x00, 0x01, 0x00,
    0x01, 0x00, 0xee, 0x63, 0x01, 0x4b,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eof_container_is_a_container_header_and_an_empty_compression_header() {
        // Rebuilt from its fields: the header's CRC32 and the block's come out as the
        // specification's bytes.
        let mut body = Vec::new();
        let mut ch = Vec::new();
        map(&mut ch, 0, &[]);
        map(&mut ch, 0, &[]);
        map(&mut ch, 0, &[]);
        block(&mut body, Content::CompressionHeader, 0, &ch, Codec::Raw);
        let mut out = Vec::new();
        container_header(
            &mut out,
            &ContainerHeader {
                len: body.len(),
                ref_id: -1,
                start: 4_542_278,
                blocks: 1,
                ..ContainerHeader::default()
            },
        );
        out.extend_from_slice(&body);
        assert_eq!(out, EOF);
    }
}
