//! A minimal DER reader with the acceptance rules of Go's
//! `golang.org/x/crypto/cryptobyte`, used where Go's certificate parser is
//! stricter or looser than x509-parser (names, SANs, extension values).

pub(crate) const TAG_BOOLEAN: u8 = 0x01;
pub(crate) const TAG_INTEGER: u8 = 0x02;
pub(crate) const TAG_BIT_STRING: u8 = 0x03;
pub(crate) const TAG_OCTET_STRING: u8 = 0x04;
pub(crate) const TAG_OID: u8 = 0x06;
pub(crate) const TAG_SEQUENCE: u8 = 0x30;
pub(crate) const TAG_SET: u8 = 0x31;

/// A cursor over DER bytes, like `cryptobyte.String`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

/// One element: its tag, its contents and its full encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    pub(crate) tag: u8,
    pub(crate) contents: &'a [u8],
    pub(crate) full: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// `cryptobyte.String.ReadAnyASN1Element`: single-byte tags only, definite
    /// minimal lengths of at most four bytes.
    pub(crate) fn read_any(&mut self) -> Option<Element<'a>> {
        let data = self.data;
        if data.len() < 2 {
            return None;
        }
        let tag = data[0];
        if tag & 0x1f == 0x1f {
            return None;
        }
        let len_byte = data[1];
        let (header_len, length) = if len_byte & 0x80 == 0 {
            (2usize, usize::from(len_byte))
        } else {
            let len_len = usize::from(len_byte & 0x7f);
            if len_len == 0 || len_len > 4 || data.len() < 2 + len_len {
                return None;
            }
            let mut length: u32 = 0;
            for &b in &data[2..2 + len_len] {
                length = (length << 8) | u32::from(b);
            }
            // Non-minimal encodings are rejected.
            if length < 128 || (len_len > 1 && data[2] == 0) {
                return None;
            }
            (2 + len_len, usize::try_from(length).ok()?)
        };
        let total = header_len.checked_add(length)?;
        if data.len() < total {
            return None;
        }
        self.data = &data[total..];
        Some(Element {
            tag,
            contents: &data[header_len..total],
            full: &data[..total],
        })
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// `ReadASN1`: the contents of the next element, which must carry `tag`.
    pub(crate) fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        self.read_element(tag).map(|e| e.contents)
    }

    /// `ReadASN1Element`: the full encoding of the next element with `tag`.
    pub(crate) fn read_element(&mut self, tag: u8) -> Option<Element<'a>> {
        let mut probe = *self;
        let element = probe.read_any()?;
        if element.tag != tag {
            return None;
        }
        *self = probe;
        Some(element)
    }

    /// `ReadOptionalASN1`: `Ok(None)` when the next tag differs.
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<&'a [u8]>, ()> {
        if self.peek_tag() != Some(tag) {
            return Ok(None);
        }
        self.read(tag).map(Some).ok_or(())
    }

    /// `ReadASN1Boolean`: exactly one byte, 0x00 or 0xff.
    pub(crate) fn read_bool(&mut self) -> Option<bool> {
        match self.read(TAG_BOOLEAN)? {
            [0x00] => Some(false),
            [0xff] => Some(true),
            _ => None,
        }
    }

    /// `ReadASN1Integer` into a Go `int` (64-bit).
    pub(crate) fn read_i64(&mut self) -> Option<i64> {
        let bytes = self.read(TAG_INTEGER)?;
        if !valid_integer(bytes) || bytes.len() > 8 {
            return None;
        }
        let mut value: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
        for &b in bytes {
            value = (value << 8) | i64::from(b);
        }
        Some(value)
    }

    /// `ReadASN1BitString`: returns the bytes and the number of valid bits.
    pub(crate) fn read_bit_string(&mut self) -> Option<(&'a [u8], usize)> {
        let bytes = self.read(TAG_BIT_STRING)?;
        let (&padding, data) = bytes.split_first()?;
        if padding > 7
            || (data.is_empty() && padding > 0)
            || data
                .last()
                .is_some_and(|&last| last & ((1u8 << padding) - 1) != 0)
        {
            return None;
        }
        Some((data, data.len() * 8 - usize::from(padding)))
    }

    /// `ReadASN1ObjectIdentifier`, returned in dotted form.
    pub(crate) fn read_oid(&mut self) -> Option<String> {
        let bytes = self.read(TAG_OID)?;
        oid_to_string(bytes)
    }
}

/// cryptobyte's integer check: non-empty and minimally encoded.
pub(crate) fn valid_integer(bytes: &[u8]) -> bool {
    match bytes {
        [] => false,
        [0x00, second, ..] => second & 0x80 != 0,
        [0xff, second, ..] => second & 0x80 == 0,
        _ => true,
    }
}

/// Decodes OID contents as Go 1.19's vendored cryptobyte does: at most five
/// bytes per arc, arcs below 2^31, no truncated arc (leading 0x80 is accepted).
pub(crate) fn oid_to_string(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let mut value: u64 = 0;
        let mut count = 0;
        loop {
            if i >= bytes.len() || count == 5 || value >= 1 << 24 {
                return None;
            }
            let b = bytes[i];
            i += 1;
            count += 1;
            value = (value << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
        arcs.push(value);
    }
    let first = arcs[0];
    let mut parts = if first < 80 {
        vec![first / 40, first % 40]
    } else {
        vec![2, first - 80]
    };
    parts.extend_from_slice(&arcs[1..]);
    Some(
        parts
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_minimal_lengths() {
        assert!(Reader::new(&[0x04, 0x81, 0x01, 0x00]).read_any().is_none());
        assert!(Reader::new(&[0x04, 0x80]).read_any().is_none());
        assert!(Reader::new(&[0x04, 0x82, 0x00, 0x80]).read_any().is_none());
        let long = [&[0x04, 0x81, 0x80][..], &[0u8; 128]].concat();
        assert_eq!(Reader::new(&long).read_any().unwrap().contents.len(), 128);
    }

    #[test]
    fn reads_oids() {
        let subject_alt_name = [0x55, 0x1d, 0x11];
        assert_eq!(oid_to_string(&subject_alt_name).unwrap(), "2.5.29.17");
        assert_eq!(oid_to_string(&[0x80, 0x01]).unwrap(), "0.1");
        assert!(oid_to_string(&[0x90, 0x80, 0x80, 0x80, 0x00]).is_none());
        assert!(oid_to_string(&[0x81]).is_none());
    }

    #[test]
    fn reads_integers_and_booleans() {
        assert_eq!(Reader::new(&[0x02, 0x01, 0xff]).read_i64(), Some(-1));
        assert_eq!(Reader::new(&[0x02, 0x02, 0x00, 0x80]).read_i64(), Some(128));
        assert_eq!(Reader::new(&[0x02, 0x02, 0x00, 0x01]).read_i64(), None);
        assert_eq!(Reader::new(&[0x01, 0x01, 0xff]).read_bool(), Some(true));
        assert_eq!(Reader::new(&[0x01, 0x01, 0x01]).read_bool(), None);
    }
}
