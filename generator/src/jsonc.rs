//! Lenient JSON (placeholder: strict until the tolerant parser lands).

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
    pub value: serde_json::Value,
    pub repairs: Vec<Repair>,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}
pub fn parse_lenient(src: &str) -> Result<Lenient, JsonError> {
    serde_json::from_str(src)
        .map(|value| Lenient {
            value,
            repairs: vec![],
        })
        .map_err(|e| JsonError {
            message: e.to_string(),
            offset: 0,
        })
}
