//! The page model: what one markdown page says, with a source position for each fact.
//! Built by [`parse::parse_page`] from pulldown-cmark events; no interpretation of types
//! or operations happens here (that is the IR stage).

pub mod parse;
pub mod table;

use crate::diag::{Code, Diagnostics, Loc};
use regex::Regex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub use table::TableKind;

/// What kind of page this is, from `doc_type` and, failing that, from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Api,
    Resource,
    Enum,
    Conceptual,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// Path relative to the docs root, `/`-separated (e.g. `api/foo.md`).
    pub file: String,
    pub kind: PageKind,
    pub front_matter: BTreeMap<String, String>,
    pub title: Option<Spanned<String>>,
    pub namespace: Option<Spanned<String>>,
    pub headings: Vec<Heading>,
    pub blocks: Vec<Block>,
    /// TODO/TBD placeholders left in the page (each is a diagnostic): a template stub.
    pub placeholders: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub loc: Loc,
}

/// A block in document order. `section` is the index (into `Page::headings`) of the nearest
/// heading before it.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub section: Option<usize>,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Serialize)]
pub enum BlockKind {
    Paragraph(Paragraph),
    Table(Table),
    Code(CodeBlock),
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    /// Plain text with links unwrapped to their labels.
    pub text: String,
    /// Link targets in the paragraph, in order, with their labels.
    pub links: Vec<Link>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub kind: TableKind,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
    pub loc: Loc,
}

impl Table {
    /// Index of the column whose (normalised) header is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.header
            .iter()
            .position(|h| names.contains(&table::normalise_header(&h.text).as_str()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Plain text (links unwrapped, emphasis and code marks removed), trimmed.
    pub text: String,
    /// The cell's markdown source, trimmed.
    pub raw: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeBlock {
    /// The fence's info string, lower-cased (`http`, `json`, ...); empty when none.
    pub lang: String,
    pub text: String,
    /// Where the fence opens.
    pub loc: Loc,
    /// 1-based line of the first content line.
    pub body_line: u32,
    /// The HTML-comment JSON annotation directly before the fence.
    pub annotation: Option<Annotation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annotation {
    pub value: serde_json::Map<String, serde_json::Value>,
    pub loc: Loc,
}

impl Annotation {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(|v| v.as_str())
    }
    /// A boolean key; the docs sometimes write booleans as strings ("true").
    pub fn flag(&self, key: &str) -> bool {
        match self.value.get(key) {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }
    pub fn block_type(&self) -> Option<&str> {
        self.str("blockType")
    }
    /// `@odata.type` (or its alias `@type`).
    pub fn odata_type(&self) -> Option<&str> {
        self.str("@odata.type").or_else(|| self.str("@type"))
    }
}

impl Page {
    /// The text of the nearest heading of level <= 2 at or above `section`.
    pub fn h2_of(&self, section: Option<usize>) -> Option<&Heading> {
        let mut i = section?;
        loop {
            let h = &self.headings[i];
            if h.level <= 2 {
                return Some(h);
            }
            if i == 0 {
                return None;
            }
            i -= 1;
        }
    }

    pub fn tables(&self) -> impl Iterator<Item = (Option<usize>, &Table)> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Table(t) => Some((b.section, t)),
            _ => None,
        })
    }

    pub fn code_blocks(&self) -> impl Iterator<Item = (Option<usize>, &CodeBlock)> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Code(c) => Some((b.section, c)),
            _ => None,
        })
    }

    pub fn paragraphs(&self) -> impl Iterator<Item = (Option<usize>, &Paragraph)> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Paragraph(p) => Some((b.section, p)),
            _ => None,
        })
    }

    /// The page's `Namespace:` without its trailing `.`; [`DEFAULT_NAMESPACE`] when it
    /// names none.
    pub fn ns(&self) -> String {
        self.namespace
            .as_ref()
            .map(|n| n.value.trim_end_matches('.').to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string())
    }
}

/// The namespace of a page that names none.
pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// `x resource type` → `x`: the name a page title gives.
pub fn name_from_title(title: &str) -> String {
    let mut t = title.trim().to_string();
    for suffix in [
        " resource type",
        " resource",
        " complex type",
        " entity type",
        " enum type",
        " enumeration type",
        " enum",
        " type",
        " object",
    ] {
        if t.to_lowercase().ends_with(suffix) {
            t.truncate(t.len() - suffix.len());
            break;
        }
    }
    t.trim().trim_matches('`').to_string()
}

impl CodeBlock {
    /// The location of a byte offset inside the block's text.
    pub fn body_loc(&self, offset: usize) -> Loc {
        let body = &self.text;
        let (line, col) = crate::source::LineIndex::new(body).line_col(body, offset);
        Loc {
            file: self.loc.file.clone(),
            line: self.body_line + line - 1,
            col,
        }
    }

    /// An `http` example split into its JSON body (after the first line and the headers)
    /// and the body's byte offset.
    pub fn http_body(&self) -> (Option<&str>, usize) {
        let text = self.text.as_str();
        let mut offset = 0;
        let mut in_headers = true;
        let mut first = true;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if first {
                first = false;
                offset += line.len();
                if trimmed.starts_with('{') || trimmed.starts_with('[') {
                    return (Some(text), 0);
                }
                continue;
            }
            if in_headers && trimmed.is_empty() {
                in_headers = false;
                offset += line.len();
                continue;
            }
            if in_headers && !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
                offset += line.len();
                continue;
            }
            let body = text[offset..].trim_end();
            return ((!body.trim().is_empty()).then_some(body), offset);
        }
        (None, offset)
    }
}

static PROPERTY_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^@?[A-Za-z0-9_][A-Za-z0-9_.@-]*$").unwrap());

/// One row of a properties, relationships or parameters table, as written.
pub struct PropertyRow {
    pub name: String,
    /// The Type cell (a `Name | Value` table's Value cell).
    pub ty: Cell,
    pub description: String,
    pub loc: Loc,
}

impl Table {
    /// The rows naming a property (or relationship, or parameter) and its type; a row
    /// without a property name is skipped (a diagnostic), an empty row silently.
    pub fn property_rows(&self, diags: &mut Diagnostics) -> Vec<PropertyRow> {
        let name_col = self
            .column(&[
                "property",
                "property name",
                "name",
                "relationship",
                "relationship name",
                "parameter",
                "parameter name",
            ])
            .unwrap_or(0);
        // A `Name | Value | Description` request body table types its rows in the Value
        // column.
        let Some(type_col) = self.column(&["type"]).or_else(|| self.column(&["value"])) else {
            return vec![];
        };
        let desc_col = self.column(&["description"]);
        let mut out = Vec::new();
        for row in &self.rows {
            let (Some(name), Some(ty)) = (row.get(name_col), row.get(type_col)) else {
                diags.emit(
                    Code::TableMalformed,
                    self.loc.clone(),
                    "table row has too few cells",
                );
                continue;
            };
            let clean = name
                .text
                .trim()
                .trim_matches(|c| c == '*' || c == '`' || c == '\\')
                .trim();
            if clean.is_empty() && ty.text.trim().is_empty() {
                continue;
            }
            if !PROPERTY_NAME.is_match(clean) {
                diags.emit(
                    Code::TableMalformed,
                    name.loc.clone(),
                    format!("`{}` is not a property name; row skipped", name.text),
                );
                continue;
            }
            out.push(PropertyRow {
                name: clean.to_string(),
                ty: ty.clone(),
                description: desc_col
                    .and_then(|c| row.get(c))
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
                loc: name.loc.clone(),
            });
        }
        out
    }
}
