//! Where each BGZF block of a file being written begins: a writer between the compressing
//! writer and the file that reads each block's size (`BSIZE`, in its header) and uncompressed
//! size (`ISIZE`, the last four bytes) from the bytes passing through, however they are split
//! into writes, and reports them in order. A BAM's index is built from them while it is written.

use std::io::{self, Write};

use crossbeam_channel::Sender;

/// A finished block: its size in the file and the bytes it holds uncompressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frame {
    pub compressed: u32,
    pub uncompressed: u32,
}

/// BGZF header bytes (gzip header with the `BC` extra field); `BSIZE` is its last two.
const HEADER: usize = 18;

/// Passes bytes on to `inner`, reporting each complete block to `frames` (when given).
pub(crate) struct FrameCounter<W> {
    inner: W,
    frames: Option<Sender<Frame>>,
    head: [u8; HEADER],
    head_len: usize,
    /// The current block's size, and how much of it is still to come after the header.
    size: usize,
    left: usize,
    tail: [u8; 4],
}

impl<W: Write> FrameCounter<W> {
    pub(crate) fn new(inner: W, frames: Option<Sender<Frame>>) -> Self {
        FrameCounter {
            inner,
            frames,
            head: [0; HEADER],
            head_len: 0,
            size: 0,
            left: 0,
            tail: [0; 4],
        }
    }

    pub(crate) fn into_inner(self) -> W {
        self.inner
    }

    fn scan(&mut self, mut bytes: &[u8]) {
        let Some(frames) = &self.frames else {
            return;
        };
        while !bytes.is_empty() {
            if self.head_len < HEADER {
                let take = (HEADER - self.head_len).min(bytes.len());
                self.head[self.head_len..self.head_len + take].copy_from_slice(&bytes[..take]);
                self.head_len += take;
                bytes = &bytes[take..];
                if self.head_len == HEADER {
                    self.size = usize::from(u16::from_le_bytes([self.head[16], self.head[17]])) + 1;
                    self.left = self.size.saturating_sub(HEADER);
                }
                continue;
            }
            let take = self.left.min(bytes.len());
            // Offsets within the block of this piece, and of the block's last four bytes.
            let (from, to, last4) = (
                self.size - self.left,
                self.size - self.left + take,
                self.size - 4,
            );
            let lo = from.max(last4);
            if lo < to {
                self.tail[lo - last4..to - last4].copy_from_slice(&bytes[lo - from..to - from]);
            }
            self.left -= take;
            bytes = &bytes[take..];
            if self.left == 0 {
                // A closed receiver only means no one is indexing any more.
                let _ = frames.send(Frame {
                    compressed: self.size as u32,
                    uncompressed: u32::from_le_bytes(self.tail),
                });
                self.head_len = 0;
            }
        }
    }
}

impl<W: Write> Write for FrameCounter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.scan(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn reports_every_block_however_the_bytes_are_split() {
        let data: Vec<u8> = (0..300_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut file = Vec::new();
        {
            let mut w = noodles_bgzf::io::Writer::new(&mut file);
            w.write_all(&data).unwrap();
            w.finish().unwrap();
        }
        for piece in [1, 7, 18, 1000, usize::MAX] {
            let (tx, rx) = crossbeam_channel::unbounded();
            let mut c = FrameCounter::new(Vec::new(), Some(tx));
            for chunk in file.chunks(piece.min(file.len())) {
                c.write_all(chunk).unwrap();
            }
            assert_eq!(c.into_inner(), file);
            let frames: Vec<Frame> = rx.try_iter().collect();
            let c_total: usize = frames.iter().map(|f| f.compressed as usize).sum();
            let u_total: usize = frames.iter().map(|f| f.uncompressed as usize).sum();
            assert_eq!(c_total, file.len());
            assert_eq!(u_total, data.len());
            assert!(frames.len() > 10);
            // The last block is the end-of-file marker: empty.
            assert_eq!(frames.last().map(|f| f.uncompressed), Some(0));
        }
        let mut back = Vec::new();
        noodles_bgzf::io::Reader::new(&file[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
    }
}
