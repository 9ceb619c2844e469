//! Lenient JSON parsing for the hand-written JSON snippets found in API docs.
//!
//! [`parse_lenient`] first tries strict JSON; when that fails it falls back to a
//! tolerant recursive-descent parser that records every repair it makes.

use serde_json::{Map, Value};

/// A repair the lenient parser had to make, with the byte offset (into the input) where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub kind: RepairKind,
    pub offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RepairKind {
    TrailingComma,
    Comment,
    Ellipsis,
    MissingComma,
    UnquotedKey,
    SingleQuotedString,
    RawControlCharInString,
    BareWord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lenient {
    pub value: Value,
    pub repairs: Vec<Repair>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

const MAX_DEPTH: usize = 256;

fn error(message: &str, offset: usize) -> JsonError {
    JsonError {
        message: message.to_string(),
        offset,
    }
}

/// Parse strict JSON first (fast path: serde_json::from_str; repairs empty); otherwise a hand-written tolerant recursive-descent parser.
pub fn parse_lenient(src: &str) -> Result<Lenient, JsonError> {
    if let Ok(value) = serde_json::from_str::<Value>(src) {
        return Ok(Lenient {
            value,
            repairs: Vec::new(),
        });
    }
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        pos: 0,
        repairs: Vec::new(),
    };
    p.skip_ws()?;
    if p.pos >= p.b.len() {
        return Err(error("empty input", p.pos));
    }
    let start = p.pos;
    let Some(value) = p.value(0)? else {
        return Err(error("truncation marker where a value is required", start));
    };
    p.skip_ws()?;
    if p.pos < p.b.len() {
        return Err(error("trailing characters after the value", p.pos));
    }
    Ok(Lenient {
        value,
        repairs: p.repairs,
    })
}

/// Convert a byte offset into 1-based (line, column); column counts chars.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src.as_bytes()[..offset.min(src.len())];
    let line = before.split(|&c| c == b'\n').count();
    let last = before.rsplit(|&c| c == b'\n').next().unwrap_or_default();
    // Chars are counted as the bytes that are not UTF-8 continuation bytes.
    (line, 1 + last.iter().filter(|&&c| c & 0xC0 != 0x80).count())
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"@._$-".contains(&c)
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    repairs: Vec<Repair>,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        error(message, self.pos)
    }

    fn repair(&mut self, kind: RepairKind, offset: usize) {
        self.repairs.push(Repair { kind, offset });
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.b
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s.as_bytes()))
    }

    fn at_ellipsis(&self) -> bool {
        self.at("..") || self.at("…")
    }

    /// Skips whitespace and comments; returns whether a newline was crossed.
    fn skip_ws(&mut self) -> Result<bool, JsonError> {
        let mut newline = false;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    newline |= c == b'\n';
                    self.pos += 1;
                }
                b'/' if self.at("//") => {
                    self.repair(RepairKind::Comment, self.pos);
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' if self.at("/*") => {
                    let start = self.pos;
                    self.repair(RepairKind::Comment, start);
                    let body = &self.src[start + 2..];
                    let end = body
                        .find("*/")
                        .ok_or_else(|| error("unterminated block comment", start))?;
                    newline |= body[..end].contains('\n');
                    self.pos = start + 2 + end + 2;
                }
                // Not a listed repair: non-ASCII spaces (NBSP, U+202F, BOM, ...) are skipped silently.
                0x80.. => match self.src.get(self.pos..).and_then(|r| r.chars().next()) {
                    Some(c) if c.is_whitespace() || c == '\u{FEFF}' || c == '\u{200B}' => {
                        self.pos += c.len_utf8();
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        Ok(newline)
    }

    /// Consumes a truncation marker (`..`, `...`, `…`, ...).
    fn ellipsis(&mut self) {
        self.repair(RepairKind::Ellipsis, self.pos);
        let rest = self.src.get(self.pos..).unwrap_or("");
        self.pos += rest.len() - rest.trim_start_matches(['.', '…']).len();
    }

    /// Parses a value; `None` means a truncation marker stood in its place.
    fn value(&mut self, depth: usize) -> Result<Option<Value>, JsonError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input, expected a value")),
            Some(b'{') => self.container(b'}', depth + 1).map(Some),
            Some(b'[') => self.container(b']', depth + 1).map(Some),
            Some(b'"') => Ok(Some(Value::String(self.string(b'"')?))),
            Some(b'\'') => {
                self.repair(RepairKind::SingleQuotedString, self.pos);
                Ok(Some(Value::String(self.string(b'\'')?)))
            }
            Some(b',' | b':' | b'}' | b']') => Err(self.err("expected a value")),
            _ if self.at_ellipsis() => {
                self.ellipsis();
                Ok(None)
            }
            _ => self.scalar().map(Some),
        }
    }

    /// A number, a literal, or a bare word kept as a string.
    fn scalar(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let b = self.b;
        let num_len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || b"+-.eE".contains(c))
            .count();
        let num_end = start + num_len;
        let delimited = b
            .get(num_end)
            .is_none_or(|c| c.is_ascii_whitespace() || b",]}/".contains(c));
        let number = (num_len > 0 && delimited)
            .then(|| serde_json::from_str::<Value>(&self.src[start..num_end]));
        if let Some(Ok(v)) = number {
            self.pos = num_end;
            return Ok(v);
        }
        // Up to `,` `}` `]` or a line end; also before `/*`, and before `//` after a space.
        let stop = |i: usize| match (b[i], b.get(i + 1)) {
            (b'/', Some(b'*')) => true,
            (b'/', Some(b'/')) => i > start && b[i - 1].is_ascii_whitespace(),
            (c, _) => b",}]\n\r".contains(&c),
        };
        let end = (start..b.len()).find(|&i| stop(i)).unwrap_or(b.len());
        let word = self.src[start..end].trim_end();
        if let Some(i) = word.find('"') {
            return Err(error("unexpected '\"' in unquoted value", start + i));
        }
        self.pos = start + word.len();
        Ok(match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            // A number can land here when followed by a non-ASCII space.
            _ => match serde_json::from_str::<Value>(word) {
                Ok(v) if v.is_number() => v,
                _ => {
                    self.repair(RepairKind::BareWord, start);
                    Value::String(word.to_string())
                }
            },
        })
    }

    fn string(&mut self, quote: u8) -> Result<String, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            // Only ASCII bytes stop the scan, so every slice below is on a char boundary.
            match self.peek() {
                None => return Err(error("unterminated string", start)),
                Some(c) if c == quote => {
                    out.push_str(&self.src[run..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.src[run..self.pos]);
                    out.push(self.escape()?);
                    run = self.pos;
                }
                Some(c) if c < 0x20 => {
                    self.repair(RepairKind::RawControlCharInString, self.pos);
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let at = self.pos;
        let c = self.b.get(at + 1).copied();
        self.pos += 2;
        if let Some(i) = c.and_then(|c| b"\"\\/'bfnrt".iter().position(|&e| e == c)) {
            return Ok(['"', '\\', '/', '\'', '\u{8}', '\u{c}', '\n', '\r', '\t'][i]);
        }
        if c != Some(b'u') {
            return Err(error("invalid escape in string", at));
        }
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) && self.at("\\u") {
            self.pos += 2;
            let lo = self.hex4()?;
            (0xDC00..0xE000)
                .contains(&lo)
                .then(|| 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
        } else {
            Some(hi)
        };
        code.and_then(char::from_u32)
            .ok_or_else(|| error("invalid unicode escape", at))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let hex = self.src.get(self.pos..self.pos + 4).unwrap_or("");
        match u32::from_str_radix(hex, 16) {
            Ok(n) if hex.bytes().all(|c| c.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(n)
            }
            _ => Err(self.err("expected four hex digits")),
        }
    }

    fn key(&mut self) -> Result<String, JsonError> {
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.string(b'"'),
            Some(b'\'') => {
                self.repair(RepairKind::SingleQuotedString, start);
                self.string(b'\'')
            }
            Some(c) if is_ident(c) => {
                self.repair(RepairKind::UnquotedKey, start);
                self.pos += self.b[start..].iter().take_while(|&&c| is_ident(c)).count();
                Ok(self.src[start..self.pos].to_string())
            }
            None => Err(self.err("unexpected end of input in object")),
            Some(_) => Err(self.err("expected object key")),
        }
    }

    /// Parses an object (`close == b'}'`) or an array (`close == b']'`).
    fn container(&mut self, close: u8, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let is_obj = close == b'}';
        let what = if is_obj { "object" } else { "array" };
        self.pos += 1;
        let (mut map, mut items, mut comma) = (Map::new(), Vec::new(), None);
        loop {
            self.skip_ws()?;
            if self.peek() == Some(close) {
                if let Some(at) = comma {
                    self.repair(RepairKind::TrailingComma, at);
                }
                self.pos += 1;
                let done = if is_obj {
                    Value::Object(map)
                } else {
                    Value::Array(items)
                };
                return Ok(done);
            }
            // `None` when a truncation marker stood in for the member or element.
            let entry = if is_obj && self.at_ellipsis() {
                self.ellipsis();
                None
            } else if is_obj {
                let key = self.key()?;
                self.skip_ws()?;
                if self.peek() != Some(b':') {
                    return Err(self.err("expected ':' after object key"));
                }
                self.pos += 1;
                self.skip_ws()?;
                self.value(depth)?.map(|v| (Some(key), v))
            } else {
                self.value(depth)?.map(|v| (None, v))
            };
            let skipped = entry.is_none();
            match entry {
                Some((Some(key), v)) => drop(map.insert(key, v)),
                Some((None, v)) => items.push(v),
                None => {}
            }
            comma = None;
            let newline = self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(c) if c == close => {}
                // A newline separates the items; a truncation marker needs no comma.
                Some(c) if newline && !b",:]}".contains(&c) => {
                    if !skipped && !self.at_ellipsis() {
                        self.repair(RepairKind::MissingComma, self.pos);
                    }
                }
                None => return Err(self.err(&format!("unexpected end of input in {what}"))),
                Some(_) => {
                    let msg = format!("expected ',' or '{}' in {what}", close as char);
                    return Err(self.err(&msg));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compact summary: compact JSON then `Kind@offset` per repair, or `ERR message@offset`.
    fn run(src: &str) -> String {
        match parse_lenient(src) {
            Ok(l) => l.repairs.iter().fold(l.value.to_string(), |s, r| {
                format!("{s} {:?}@{}", r.kind, r.offset)
            }),
            Err(e) => format!("ERR {}@{}", e.message, e.offset),
        }
    }

    #[test]
    fn strict_fast_path() {
        let l = parse_lenient(" {\"a\": [1, 2.5, \"x\", true, null], \"b\": {}}\n").unwrap();
        assert!(l.repairs.is_empty());
        assert_eq!(
            l.value,
            serde_json::json!({"a": [1, 2.5, "x", true, null], "b": {}})
        );
    }

    #[test]
    fn sample_trailing_commas() {
        let got = run("{\n  \"a\": 1,\n  \"b\": [1,2,],\n}");
        assert_eq!(
            got,
            r#"{"a":1,"b":[1,2]} TrailingComma@23 TrailingComma@25"#
        );
    }

    #[test]
    fn sample_ellipsis_element() {
        let got = run(r#"{ "value": [ { "id": "1" }, ... ] }"#);
        assert_eq!(got, r#"{"value":[{"id":"1"}]} Ellipsis@28"#);
    }

    #[test]
    fn sample_block_comment() {
        let got = run(r#"{ "@odata.context": "x", /* note */ "value": [] }"#);
        assert_eq!(got, r#"{"@odata.context":"x","value":[]} Comment@25"#);
    }

    #[test]
    fn sample_bare_duration() {
        let got = run(r#"{"duration": 00:00:00}"#);
        assert_eq!(got, r#"{"duration":"00:00:00"} BareWord@13"#);
    }

    #[test]
    fn line_comments() {
        let got = run("{\n// lead\n\"a\": 1, // tail\n\"b\": \"http://x\" // c\n}");
        assert_eq!(
            got,
            r#"{"a":1,"b":"http://x"} Comment@2 Comment@18 Comment@42"#
        );
        assert_eq!(run("[1, /* oops"), "ERR unterminated block comment@4");
    }

    #[test]
    fn ellipsis_as_member_value_drops_member() {
        assert_eq!(run(r#"{"a": ..., "b": 2}"#), r#"{"b":2} Ellipsis@6"#);
        let got = run(r#"{"a": 1, "...": ..., "b": 2}"#);
        assert_eq!(got, r#"{"a":1,"b":2} Ellipsis@16"#);
    }

    #[test]
    fn ellipsis_line_needs_no_comma() {
        let got = run("{\n\"a\": 1,\n...\n\"b\": 2\n}");
        assert_eq!(got, r#"{"a":1,"b":2} Ellipsis@10"#);
        assert_eq!(run("[\n1\n…\n2\n]"), "[1,2] Ellipsis@4");
    }

    #[test]
    fn ellipsis_only_containers_and_unicode() {
        assert_eq!(run("[...]"), "[] Ellipsis@1");
        assert_eq!(run("{ … }"), "{} Ellipsis@2");
        assert_eq!(run("[1, …, {…}]"), "[1,{}] Ellipsis@4 Ellipsis@10");
        let got = run(" ...");
        assert_eq!(got, "ERR truncation marker where a value is required@1");
    }

    #[test]
    fn missing_comma_with_newline() {
        let got = run("{\n \"a\": 1\n \"b\": [\n  1\n  2\n ]\n}");
        assert_eq!(got, r#"{"a":1,"b":[1,2]} MissingComma@11 MissingComma@24"#);
    }

    #[test]
    fn missing_comma_on_same_line_is_error() {
        let got = run(r#"{"a": 1 "b": 2}"#);
        assert_eq!(got, "ERR expected ',' or '}' in object@8");
        assert_eq!(run("[1 2]"), "ERR expected ',' or ']' in array@3");
    }

    #[test]
    fn unquoted_keys() {
        let got = run("{@odata.type: \"#x\", id: 1, $top-x_y: 2}");
        let want = r##"{"$top-x_y":2,"@odata.type":"#x","id":1}"##;
        assert_eq!(
            got,
            format!("{want} UnquotedKey@1 UnquotedKey@20 UnquotedKey@27")
        );
    }

    #[test]
    fn single_quoted_strings() {
        let got = run(r#"{'a': 'it\'s "q"', "b": ['x']}"#);
        let want = r#"{"a":"it's \"q\"","b":["x"]}"#;
        let repairs = "SingleQuotedString@1 SingleQuotedString@6 SingleQuotedString@25";
        assert_eq!(got, format!("{want} {repairs}"));
    }

    #[test]
    fn raw_control_chars_in_strings() {
        let got = run("{\"a\": \"line1\nline2\tx\"}");
        let want = r#"{"a":"line1\nline2\tx"}"#;
        assert_eq!(
            got,
            format!("{want} RawControlCharInString@12 RawControlCharInString@18")
        );
    }

    #[test]
    fn bare_words() {
        let got = run("{\"t\": String ,\n \"u\": https://a.b/c // x\n, \"v\": true}");
        let want = r#"{"t":"String","u":"https://a.b/c","v":true}"#;
        assert_eq!(got, format!("{want} BareWord@6 BareWord@21 Comment@35"));
        let got = run("[2021-01-01, 1.2.3, -, null ]");
        assert_eq!(
            got,
            r#"["2021-01-01","1.2.3","-",null] BareWord@1 BareWord@13 BareWord@20"#
        );
        assert_eq!(
            run(r#"{"a": x"y"}"#),
            "ERR unexpected '\"' in unquoted value@7"
        );
    }

    #[test]
    fn non_ascii_spaces_are_whitespace() {
        assert_eq!(run("[7\u{a0},\n\u{feff}8\u{202f}]"), "[7,8]");
    }

    #[test]
    fn numbers_match_strict_parsing() {
        let text =
            "[12345678901234567890, -9223372036854775808, 1.5e3, -0.0, 0.1, 3.14159265358979323]";
        let strict: Value = serde_json::from_str(text).unwrap();
        let lenient = parse_lenient(&text.replace(']', ",]")).unwrap();
        assert_eq!(lenient.value.to_string(), strict.to_string());
        assert_eq!(lenient.value, strict);
    }

    #[test]
    fn duplicate_keys_last_wins() {
        assert_eq!(run(r#"{"a": 1, "a": 2}"#), r#"{"a":2}"#);
        assert_eq!(run(r#"{"a": 1, "a": 2,}"#), r#"{"a":2} TrailingComma@15"#);
    }

    #[test]
    fn empty_input_and_trailing_garbage() {
        assert_eq!(run(""), "ERR empty input@0");
        assert_eq!(run("  \n // only a comment\n"), "ERR empty input@22");
        let got = run("{} x");
        assert_eq!(got, "ERR trailing characters after the value@3");
        assert!(run("[1,] ]").ends_with("@5"));
    }

    #[test]
    fn error_offsets() {
        assert_eq!(run(r#"{"a" 1,}"#), "ERR expected ':' after object key@5");
        assert_eq!(run("[1, \"abc"), "ERR unterminated string@4");
        assert_eq!(run("[1,, 2]"), "ERR expected a value@3");
        assert_eq!(run("{\"a\": 1,\n  ?: 2}"), "ERR expected object key@11");
        assert_eq!(run("{\"a\": 1"), "ERR unexpected end of input in object@7");
        let got = run("{\"a\": [1,");
        assert_eq!(got, "ERR unexpected end of input, expected a value@9");
    }

    #[test]
    fn escapes_in_lenient_path() {
        let got = run(r#"["\u00e9\ud83d\ude00\n\/\\\"", 'é😀',]"#);
        let want = r#"["é😀\n/\\\"","é😀"]"#;
        assert_eq!(
            got,
            format!("{want} SingleQuotedString@31 TrailingComma@39")
        );
        assert_eq!(run("[\"\\q\",]"), "ERR invalid escape in string@2");
        assert_eq!(run("[\"\\u12\"]"), "ERR expected four hex digits@4");
        assert_eq!(run(r#"["\ud83d\u0041",]"#), "ERR invalid unicode escape@2");
    }

    #[test]
    fn nested_structures() {
        let src = "{\n v: [\n  {id: 'a', t: [x, y,], m: {n: 1, /* c */}}\n  {id: 'b', ...}\n ],\n}";
        let want = r#"{"v":[{"id":"a","m":{"n":1},"t":["x","y"]},{"id":"b"}]}"#;
        let l = parse_lenient(src).unwrap();
        assert_eq!(l.value.to_string(), want);
        let missing = l
            .repairs
            .iter()
            .filter(|r| r.kind == RepairKind::MissingComma);
        assert_eq!(missing.map(|r| r.offset).collect::<Vec<_>>(), vec![54]);
        assert_eq!(l.repairs.len(), 16);
    }

    #[test]
    fn depth_cap() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse_lenient(&deep(256)).is_ok());
        assert_eq!(run(&deep(257)), "ERR nesting too deep@256");
        let obj = format!("{}1{}", "{a:".repeat(300), "}".repeat(300));
        assert_eq!(run(&obj), "ERR nesting too deep@768");
        assert_eq!(run(&"[".repeat(100_000)), "ERR nesting too deep@256");
    }

    #[test]
    fn line_col_positions() {
        let src = "ab\ncé€x\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 9), (2, 4));
        assert_eq!(line_col(src, 5), (2, 3)); // mid-char offset does not panic
        assert_eq!(line_col(src, 1000), (3, 1));
        let bad = "{\n  \"a\" 1\n}";
        assert_eq!(
            line_col(bad, parse_lenient(bad).unwrap_err().offset),
            (2, 7)
        );
    }

    #[test]
    fn prefixes_and_suffixes_never_panic() {
        let docs = [
            "{\n  \"a\": 1,\n  \"b\": [1,2,],\n}",
            "{ \"value\": [ { \"id\": \"1\" }, ... ] }",
            "{ \"@odata.context\": \"x\", /* note */ \"value\": [] } // end",
            "{'k': 'v\\'é', key: 00:00:00\n x: \"\\ud83d\\ude00…\" \n arr: [1e5, -2, {…}]}",
        ];
        for doc in docs {
            for (i, _) in doc.char_indices().chain([(doc.len(), ' ')]) {
                let _ = parse_lenient(&doc[..i]);
                let _ = parse_lenient(&doc[i..]);
            }
        }
    }

    #[test]
    fn random_token_soup_never_panics() {
        let parts = "{ } [ ] , : \" ' \\ / * … . a 1 - é \\u d83d true \n \t \u{a0} ok";
        let parts: Vec<&str> = parts.split(' ').collect();
        let (mut seed, mut parsed) = (0x2545_f491_u64, 0);
        for _ in 0..20_000 {
            let mut doc = String::new();
            for _ in 0..24 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                doc.push_str(parts[(seed >> 33) as usize % parts.len()]);
                parsed += usize::from(parse_lenient(&doc).is_ok());
            }
        }
        assert!(parsed > 1000, "{parsed}");
    }

    /// JSON of ```json blocks, and bodies (after the first blank line) of ```http blocks.
    fn snippets(md: &str) -> Vec<String> {
        let blocks = md.split("```").skip(1).step_by(2);
        let bodies = blocks.filter_map(|block| {
            let (info, body) = block.split_once('\n')?;
            let mut lines = body.lines();
            match info.trim().to_lowercase().as_str() {
                "json" => {}
                "http" => _ = lines.position(|l| l.trim().is_empty())?,
                _ => return None,
            }
            let text = lines.collect::<Vec<_>>().join("\n");
            let t = text.trim_start();
            (t.starts_with(['{', '[']) || (info.trim() == "json" && !t.is_empty())).then_some(text)
        });
        bodies.collect()
    }

    fn md_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for path in std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()) {
            if path.is_dir() {
                md_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }

    const CORPUS: &str = "/work/shared/corpus/graph-docs-beta-2021-07";

    #[test]
    #[ignore]
    fn corpus_smoke() {
        let mut files = Vec::new();
        md_files(CORPUS.as_ref(), &mut files);
        let (mut strict, mut repaired, mut failures) = (0, 0, Vec::new());
        let mut by_kind = std::collections::BTreeMap::<RepairKind, (usize, usize)>::new();
        for (path, snip) in files.iter().flat_map(|p| {
            let md = std::fs::read_to_string(p).unwrap();
            snippets(&md).into_iter().map(move |s| (p, s))
        }) {
            match parse_lenient(&snip) {
                Ok(l) if l.repairs.is_empty() => strict += 1,
                Ok(l) => {
                    repaired += 1;
                    let mut kinds: Vec<_> = l.repairs.iter().map(|r| r.kind).collect();
                    kinds
                        .iter()
                        .for_each(|k| by_kind.entry(*k).or_default().1 += 1);
                    kinds.sort();
                    kinds.dedup();
                    kinds
                        .iter()
                        .for_each(|k| by_kind.entry(*k).or_default().0 += 1);
                }
                Err(e) => {
                    let (line, col) = line_col(&snip, e.offset);
                    let text = snip.lines().nth(line - 1).unwrap_or("").trim();
                    let file = path.display();
                    failures.push(format!("{file}:{line}:{col} {} | {text}", e.message));
                }
            }
        }
        failures.sort();
        let failed = failures.len();
        println!("strict ok: {strict}\nrepaired ok: {repaired}\nfailed: {failed}");
        for (kind, (snippets, total)) in &by_kind {
            println!("  {kind:?}: {snippets} snippets, {total} repairs");
        }
        failures.iter().take(15).for_each(|f| println!("FAIL {f}"));
    }
}
