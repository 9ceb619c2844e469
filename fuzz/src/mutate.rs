//! Byte-level mutations of seed inputs (real corpus pages and their parts): bit flips,
//! interesting bytes, deletions, duplications, dictionary tokens and splices with another
//! seed. The result is made UTF-8 again (invalid bytes replaced), as `load` does.

use crate::props::PAYLOADS;

const DICT: &[&str] = &[
    "|",
    "\\|",
    "`",
    "```",
    "```json\n",
    "```http\n",
    "~~~",
    "<!--",
    "-->",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "'",
    "\\",
    "\n",
    "\r\n",
    "\n\n",
    "---\n",
    "# ",
    "## ",
    "### ",
    "> ",
    "- ",
    "|---|---|\n",
    "<br>",
    "&nbsp;",
    "Collection(",
    "microsoft.graph.",
    "@odata.type",
    "\"blockType\": \"resource\"",
    "\"blockType\": \"request\"",
    "\"blockType\": \"response\"",
    "{id}",
    "{id | userPrincipalName}",
    "(k='{v}')",
    "$ref",
    "root:/{path}:/",
    "GET /",
    "POST /",
    "HTTP/1.1 200 OK\n",
    "Namespace: ",
    "doc_type: ",
    "...",
    "…",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "TODO",
    "é",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0}",
    "𝔘",
    "\t",
    "*",
    "**",
    "_",
    "r#",
    "#[",
    "::",
];

const BYTES: &[u8] = b"\0\xff|`{}\"\n\\<>#-*[]()':,.\r\t ";

/// Mutate `input` a few times; `other` supplies splices.
pub fn mutate(rng: &mut fastrand::Rng, input: &str, other: &str, max_len: usize) -> String {
    let mut b = input.as_bytes().to_vec();
    let rounds = 1 + rng.usize(..8);
    for _ in 0..rounds {
        let len = b.len();
        match rng.u8(..9) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                b[i] ^= 1 << rng.u8(..8);
            }
            1 if len > 0 => {
                let i = rng.usize(..len);
                b[i] = BYTES[rng.usize(..BYTES.len())];
            }
            2 if len > 0 => {
                let i = rng.usize(..len);
                let n = rng.usize(..=(len - i).min(64));
                b.drain(i..i + n);
            }
            3 if len > 0 => {
                let i = rng.usize(..len);
                let n = rng.usize(..=(len - i).min(256));
                let chunk = b[i..i + n].to_vec();
                let at = rng.usize(..=len);
                let times = if rng.u8(..10) == 0 {
                    rng.usize(1..50)
                } else {
                    1
                };
                for _ in 0..times {
                    b.splice(at..at, chunk.iter().copied());
                }
            }
            4 => {
                let at = rng.usize(..=len);
                let tok = DICT[rng.usize(..DICT.len())];
                b.splice(at..at, tok.bytes());
            }
            5 => {
                let at = rng.usize(..=len);
                let tok = PAYLOADS[rng.usize(..PAYLOADS.len())];
                b.splice(at..at, tok.bytes());
            }
            6 if !other.is_empty() => {
                // Splice: our head, the other's tail.
                let o = other.as_bytes();
                let at = rng.usize(..=len);
                let from = rng.usize(..o.len());
                b.truncate(at);
                b.extend_from_slice(&o[from..]);
            }
            7 if !other.is_empty() => {
                // Insert a piece of the other input.
                let o = other.as_bytes();
                let from = rng.usize(..o.len());
                let n = rng.usize(..=(o.len() - from).min(512));
                let at = rng.usize(..=len);
                b.splice(at..at, o[from..from + n].iter().copied());
            }
            _ if len > 1 => {
                // Swap two ranges' order: cut a piece and paste it elsewhere.
                let i = rng.usize(..len);
                let n = rng.usize(..=(len - i).min(128));
                let piece: Vec<u8> = b.drain(i..i + n).collect();
                let at = rng.usize(..=b.len());
                b.splice(at..at, piece);
            }
            _ => {}
        }
        b.truncate(max_len);
    }
    String::from_utf8_lossy(&b).into_owned()
}
