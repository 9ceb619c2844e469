//! STUB — replaced by the real normaliser.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Primitive {
    String,
    Boolean,
    Byte,
    Int16,
    Int32,
    Int64,
    Single,
    Double,
    Decimal,
    Guid,
    DateTimeOffset,
    Date,
    TimeOfDay,
    Duration,
    Binary,
    Stream,
    Json,
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Base {
    Primitive(Primitive),
    Named { name: String, link: Option<String> },
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeSpelling {
    pub base: Base,
    pub collection: bool,
    pub notes: Vec<Note>,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Note {
    LowerCasePrimitive,
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpellingError {
    Empty,
    Placeholder,
    NoType,
    Unrecognised(String),
}
pub fn parse_type_spelling(cell: &str) -> Result<TypeSpelling, SpellingError> {
    let mut s = cell.trim();
    let mut collection = false;
    if let Some(x) = s.strip_suffix(" collection") {
        s = x.trim();
        collection = true;
    }
    let mut link = None;
    if s.starts_with('[') {
        if let Some((l, rest)) = s[1..].split_once("](") {
            link = Some(rest.trim_end_matches(')').to_string());
            s = l;
        }
    }
    let p = match s.to_lowercase().as_str() {
        "string" => Some(Primitive::String),
        "boolean" => Some(Primitive::Boolean),
        "int32" => Some(Primitive::Int32),
        "int64" => Some(Primitive::Int64),
        "datetimeoffset" => Some(Primitive::DateTimeOffset),
        "duration" => Some(Primitive::Duration),
        "" => return Err(SpellingError::Empty),
        _ => None,
    };
    let base = match p {
        Some(p) => Base::Primitive(p),
        None => Base::Named {
            name: s.to_string(),
            link,
        },
    };
    Ok(TypeSpelling {
        base,
        collection,
        notes: vec![],
    })
}
impl Primitive {
    pub fn edm_name(self) -> &'static str {
        "Edm.String"
    }
}
