//! JSON written straight to bytes, for the models' serde_json fast path: strings escaped
//! eight bytes at a time, byte for byte as serde_json escapes them; a model written into a
//! spare buffer and handed to serde_json's serializer whole, as a raw fragment.
//!
//! serde_json (with its `raw_value` feature) writes the string value of the one field of a
//! struct named by its raw-value token verbatim: that is how `&RawValue` serializes, and the
//! only way to put bytes in its output. [`emit`] uses it after checking once per process
//! that it still does ([`raw_works`]); when it does not, the models write through
//! serde_json's map serializer instead.

use std::cell::RefCell;
use std::sync::OnceLock;

/// serde_json's name for the struct whose one field is written verbatim.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Whether [`emit`] puts its bytes in the output as they are (asked once, of a serializer
/// of the same type).
pub(crate) fn raw_works() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::new(&mut out);
        emit(&mut json, b"[1,\"a\"]").is_ok() && out == b"[1,\"a\"]"
    })
}

/// Writes `json` (bytes written by this module's functions, or by serde_json) to `ser` as
/// they are. Only when [`raw_works`].
pub(crate) fn emit(
    ser: &mut serde_json::Serializer<&mut Vec<u8>>,
    json: &[u8],
) -> Result<(), serde_json::Error> {
    use serde::ser::SerializeStruct;
    debug_assert!(std::str::from_utf8(json).is_ok());
    // SAFETY: the bytes are UTF-8: everything written to a buffer handed here is either a
    // `&str` whole, pieces of one split before or after an ASCII byte (`write_str`), ASCII
    // (punctuation, escapes, numbers, literals) or serde_json's own output, which is UTF-8.
    let text = unsafe { std::str::from_utf8_unchecked(json) };
    let mut raw = serde::Serializer::serialize_struct(ser, RAW_TOKEN, 1)?;
    raw.serialize_field(RAW_TOKEN, text)?;
    raw.end()
}

/// Runs `write` with an empty buffer from this thread's spares (a model inside a model
/// takes a second one), and gives the buffer back.
pub(crate) fn with_buffer<R>(write: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    thread_local! {
        static SPARE: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    }
    /// A buffer grown past this is not kept (one large body does not stay with the thread).
    const KEEP_AT_MOST: usize = 1 << 20;
    /// Spare buffers kept per thread (the depth of models in models written at once).
    const SPARES: usize = 8;
    let mut buffer = SPARE.with_borrow_mut(Vec::pop).unwrap_or_default();
    let result = write(&mut buffer);
    if buffer.capacity() <= KEEP_AT_MOST {
        buffer.clear();
        SPARE.with_borrow_mut(|spare| {
            if spare.len() < SPARES {
                spare.push(buffer);
            }
        });
    }
    result
}

/// What follows a backslash for each byte serde_json escapes: `u` for `\u00XX`, `0` for a
/// byte written as it is.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Each byte of a word set to `byte`.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// The high bit of each byte of `word` (little-endian) that needs escaping: below 0x20, `"`
/// or `\`. (A byte below 0x80 minus 0x20, or xor `"` or `\` minus 1, sets its high bit
/// exactly when it matches or a borrow comes in, and a borrow only comes from a byte that
/// matched: so the lowest bit set is the first such byte.)
fn to_escape(word: u64) -> u64 {
    let control = word.wrapping_sub(splat(0x20));
    let quote = (word ^ splat(b'"')).wrapping_sub(splat(1));
    let backslash = (word ^ splat(b'\\')).wrapping_sub(splat(1));
    (control | quote | backslash) & !word & splat(0x80)
}

/// Writes `s` as a JSON string, the same bytes serde_json writes for it.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            match to_escape(word) {
                0 => {
                    i += 8;
                    continue;
                }
                found => i += (found.trailing_zeros() / 8) as usize,
            }
        }
        let byte = bytes[i];
        let escape = ESCAPE[usize::from(byte)];
        if escape == 0 {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xF)]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
            }
            escape => out.extend_from_slice(&[b'\\', escape]),
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(s: &str) -> String {
        let mut out = Vec::new();
        write_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "exactly8".into(),
            "a longer plain string past two words".into(),
            "\"quoted\" and \\ back".into(),
            "<p class=\"x\">line\r\nnext\tcol</p>".into(),
            "caf\u{e9} \u{1f600} \u{7f} \u{ff}\"".into(),
        ];
        // Every byte below 0x80 at every position of a 19-byte string (both words and the
        // tail), and next to multi-byte characters.
        for byte in 0u8..0x80 {
            for at in 0..19 {
                let mut s: Vec<char> = "abcdefgh\u{e9}jklmnopq".chars().collect();
                let last = s.len() - 1;
                s[at.min(last)] = char::from(byte);
                cases.push(s.into_iter().collect());
            }
        }
        for case in &cases {
            assert_eq!(
                written(case),
                serde_json::to_string(case).unwrap(),
                "{case:?}"
            );
        }
    }

    #[test]
    fn a_fragment_is_written_as_it_is() {
        assert!(raw_works());
        let mut out = Vec::new();
        let mut json = serde_json::Serializer::new(&mut out);
        serde::Serializer::serialize_unit(&mut json).unwrap();
        emit(&mut json, b"{\"a\":[1]}").unwrap();
        assert_eq!(out, b"null{\"a\":[1]}");
    }

    #[test]
    fn buffers_are_empty_and_nest() {
        with_buffer(|outer| {
            outer.extend_from_slice(b"outer");
            with_buffer(|inner| {
                assert!(inner.is_empty());
                inner.push(b'x');
            });
            assert_eq!(outer, b"outer");
        });
        with_buffer(|again| assert!(again.is_empty()));
    }
}
