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

/// The eight bytes of `bytes` at `at`, as a little-endian word.
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The index of the first byte of `bytes` that needs escaping, or its length: a word at a
/// time, the last (partial) word read overlapping the one before it, or padded with spaces
/// when there is no word before it.
fn first_escape(bytes: &[u8]) -> usize {
    let n = bytes.len();
    let mut at = 0;
    while at + 8 <= n {
        let found = to_escape(word_at(bytes, at));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    if at == n {
        return n;
    }
    // The bytes before `at` are clean, so the first byte found is past them.
    let (from, word) = match n >= 8 {
        true => (n - 8, word_at(bytes, n - 8)),
        false => {
            let mut padded = [b' '; 8];
            for (to, byte) in padded.iter_mut().zip(bytes) {
                *to = *byte;
            }
            (0, u64::from_le_bytes(padded))
        }
    };
    match to_escape(word) {
        0 => n,
        found => from + (found.trailing_zeros() / 8) as usize,
    }
}

/// Writes `s` as a JSON string, the same bytes serde_json writes for it.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = first_escape(bytes);
    while i < bytes.len() {
        out.extend_from_slice(&bytes[start..i]);
        let byte = bytes[i];
        match ESCAPE[usize::from(byte)] {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xF)]);
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
            }
            escape => out.extend_from_slice(&[b'\\', escape]),
        }
        start = i + 1;
        i = start + first_escape(&bytes[start..]);
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes `value`, the same bytes serde_json writes for it.
pub(crate) fn write_value(
    out: &mut Vec<u8>,
    value: &serde_json::Value,
) -> Result<(), serde_json::Error> {
    use serde_json::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => serde_json::to_writer(&mut *out, n)?,
        Value::String(s) => write_str(out, s),
        Value::Array(items) => write_list(out, items, write_value)?,
        Value::Object(members) => write_map(out, members)?,
    }
    Ok(())
}

/// Writes `members` as a JSON object, the same bytes serde_json writes for it.
pub(crate) fn write_map(
    out: &mut Vec<u8>,
    members: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), serde_json::Error> {
    out.push(b'{');
    for (i, (key, item)) in members.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        write_value(out, item)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes `items` as a JSON array, each by `write`.
pub(crate) fn write_list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    mut write: impl FnMut(&mut Vec<u8>, &T) -> Result<(), serde_json::Error>,
) -> Result<(), serde_json::Error> {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item)?;
    }
    out.push(b']');
    Ok(())
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
        // And in strings of every length up to two words.
        for len in 1..=16 {
            for at in 0..len {
                for byte in 0u8..0x80 {
                    let mut s = vec![b'x'; len];
                    s[at] = byte;
                    cases.push(String::from_utf8(s).unwrap());
                }
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
    fn values_are_written_as_serde_json_writes_them() {
        let value = serde_json::json!({
            "s": "a\"b\u{1}", "n": [0, -1, 1.5, 1e300, u64::MAX, i64::MIN, 0.1],
            "t": true, "f": false, "z": null, "o": {"": {}, "a": []}
        });
        let mut out = Vec::new();
        write_value(&mut out, &value).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
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
