//! CRAM's variable-length integers (CRAM 3.0 specification, section 2.3): ITF8 holds a 32-bit
//! value in 1 to 5 bytes and LTF8 a 64-bit one in 1 to 9; the leading one bits of the first
//! byte count the bytes that follow it, and the value is big-endian in the rest.

/// Appends `v` as ITF8 (a negative value as its 32-bit two's complement, in 5 bytes).
pub(super) fn itf8(out: &mut Vec<u8>, v: i32) {
    let u = v as u32;
    if u < 0x80 {
        out.push(u as u8);
    } else if u < 0x4000 {
        out.extend_from_slice(&[0x80 | (u >> 8) as u8, u as u8]);
    } else if u < 0x20_0000 {
        out.extend_from_slice(&[0xc0 | (u >> 16) as u8, (u >> 8) as u8, u as u8]);
    } else if u < 0x1000_0000 {
        out.extend_from_slice(&[
            0xe0 | (u >> 24) as u8,
            (u >> 16) as u8,
            (u >> 8) as u8,
            u as u8,
        ]);
    } else {
        // The fifth byte carries only the lowest four bits.
        out.extend_from_slice(&[
            0xf0 | ((u >> 28) & 0x0f) as u8,
            (u >> 20) as u8,
            (u >> 12) as u8,
            (u >> 4) as u8,
            (u & 0x0f) as u8,
        ]);
    }
}

/// Appends `v` as LTF8.
pub(super) fn ltf8(out: &mut Vec<u8>, v: i64) {
    let u = v as u64;
    // n bytes (n <= 8) hold 7n bits of value; a ninth byte count means 0xff and 8 whole bytes.
    let n = (1..=8u32).find(|&n| u < 1u64 << (7 * n)).unwrap_or(9);
    if n == 9 {
        out.push(0xff);
        out.extend_from_slice(&u.to_be_bytes());
        return;
    }
    let prefix = (0xff_u16 << (9 - n)) as u8;
    let first = if n == 8 {
        0
    } else {
        (u >> (8 * (n - 1))) as u8
    };
    out.push(prefix | first);
    out.extend_from_slice(&u.to_be_bytes()[(9 - n) as usize..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(v: i32) -> Vec<u8> {
        let mut out = Vec::new();
        itf8(&mut out, v);
        out
    }

    fn l(v: i64) -> Vec<u8> {
        let mut out = Vec::new();
        ltf8(&mut out, v);
        out
    }

    #[test]
    fn itf8_lengths_and_bytes() {
        assert_eq!(i(0), [0x00]);
        assert_eq!(i(127), [0x7f]);
        assert_eq!(i(128), [0x80, 0x80]);
        assert_eq!(i(0x3fff), [0xbf, 0xff]);
        assert_eq!(i(0x4000), [0xc0, 0x40, 0x00]);
        assert_eq!(i(0x1f_ffff), [0xdf, 0xff, 0xff]);
        assert_eq!(i(0x20_0000), [0xe0, 0x20, 0x00, 0x00]);
        assert_eq!(i(0x1000_0000), [0xf1, 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(i(-1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    #[test]
    fn ltf8_lengths_and_bytes() {
        assert_eq!(l(0), [0x00]);
        assert_eq!(l(127), [0x7f]);
        assert_eq!(l(128), [0x80, 0x80]);
        assert_eq!(l(0x4000), [0xc0, 0x40, 0x00]);
        assert_eq!(l(1 << 28), [0xf0, 0x10, 0x00, 0x00, 0x00]);
        assert_eq!(l(1 << 49), [0xfe, 0x02, 0, 0, 0, 0, 0, 0]);
        assert_eq!(l(1 << 56), [0xff, 0x01, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(l(-1), [0xff; 9]);
    }
}
