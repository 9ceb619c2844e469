//! Reads a CSDL/EDMX document into the small model the comparison needs, with the same
//! reading rules as the referee (`../shared/tools/csdl_compare.py`):
//! - every `Schema` element, at any depth; its direct `EntityType`/`ComplexType`, `EnumType`,
//!   `Action` and `Function` children;
//! - for path resolution ([`super::paths`]) also the `EntityContainer`'s entity sets,
//!   singletons and imports, keys, `HasStream`, `ContainsTarget`, and each operation's
//!   `IsComposable`, parameters and return type;
//! - names are `Namespace.Name`, lowercased; a later definition of a name replaces the
//!   earlier one but keeps its place (a Python `dict`);
//! - type references are normalised by [`norm`]: the schema's `Alias.` prefix becomes its
//!   namespace, names are lowercased, `graph.` becomes `microsoft.graph.`, and `Collection(...)`
//!   keeps its wrapper.
//!
//! Each element keeps where it starts in the file ([`Pos`]), so findings can point into it.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::BTreeMap;

/// A 1-based line and column (in characters) in the XML file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A map that keeps first-insertion order and lets a later insert replace the value, like a
/// Python `dict` (the referee's order decides which of two same-short-name types is "first").
#[derive(Debug, Clone)]
pub struct Ordered<V> {
    entries: Vec<(String, V)>,
    index: BTreeMap<String, usize>,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered {
            entries: Vec::new(),
            index: BTreeMap::new(),
        }
    }
}

impl<V> Ordered<V> {
    pub fn insert(&mut self, key: String, value: V) {
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        self.index.get(key).map(|&i| &self.entries[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A property or navigation property: its normalised type, its name as written, and where.
#[derive(Debug, Clone)]
pub struct Prop {
    pub ty: String,
    /// The type as [`resolve`] shows it.
    pub shown: String,
    pub name: String,
    pub pos: Pos,
    /// `ContainsTarget="true"` (navigation properties).
    pub contains_target: bool,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone)]
pub struct StructType {
    /// `EntityType` or `ComplexType`.
    pub kind: String,
    /// `Namespace.Name` as written.
    pub name: String,
    /// The normalised base type; empty when there is none.
    pub base: String,
    /// The base as [`resolve`] shows it.
    pub base_shown: String,
    /// By lowercased name.
    pub props: Ordered<Prop>,
    pub navs: Ordered<Prop>,
    pub pos: Pos,
    /// `HasStream="true"`: a media entity (its stream is `$value`).
    pub has_stream: bool,
    /// The names of its own `Key`'s `PropertyRef`s (a base's key is inherited).
    pub key: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: String,
    /// Lowercased member name → the member as written and where.
    pub members: BTreeMap<String, (String, Pos)>,
    pub pos: Pos,
}

/// An `Action` or `Function`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `Action` or `Function`.
    pub kind: String,
    /// The name as written.
    pub name: String,
    /// The type of the first parameter (as [`resolve`] shows it) when `IsBound="true"`.
    pub bound: Option<String>,
    pub pos: Pos,
    /// `IsComposable="true"`: a path may go on after a call.
    pub composable: bool,
    /// The `ReturnType` (as [`resolve`] shows it), if any.
    pub returns: Option<String>,
    /// The parameter names, the binding parameter excluded.
    pub params: Vec<String>,
}

/// What an `EntityContainer` child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RootKind {
    EntitySet,
    Singleton,
    FunctionImport,
    ActionImport,
}

/// An `EntityContainer` member: where a path may start.
#[derive(Debug, Clone)]
pub struct Root {
    pub kind: RootKind,
    /// The name as written.
    pub name: String,
    /// Entity sets and singletons: the type (as [`resolve`] shows it); imports: the
    /// qualified name of the function or action imported.
    pub target: String,
    pub pos: Pos,
}

/// What a CSDL document defines. Keys are lowercased `namespace.name`.
#[derive(Debug, Clone, Default)]
pub struct Csdl {
    pub types: Ordered<StructType>,
    pub enums: Ordered<EnumType>,
    /// Every operation element, in document order (the referee keeps `(kind, name)` pairs).
    pub operations: Vec<Operation>,
    /// The entity container's members, in document order.
    pub roots: Vec<Root>,
    /// Where the (last) `EntityContainer` starts.
    pub container: Option<Pos>,
}

/// The referee's `norm()`: `Alias.x` → `Namespace.x`, lowercase, `graph.` →
/// `microsoft.graph.`, `Collection(...)` kept (with that spelling).
pub fn norm(t: &str, alias: Option<&str>, ns: &str) -> String {
    let shown = resolve(t, alias, ns);
    match shown
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        Some(inner) if t.trim().starts_with("Collection(") => {
            format!("Collection({})", inner.to_lowercase())
        }
        _ => shown.to_lowercase(),
    }
}

/// [`norm`] without the lowercasing, to show a type as the file spells it, qualified.
pub fn resolve(t: &str, alias: Option<&str>, ns: &str) -> String {
    let mut t = t.trim();
    let coll = t.starts_with("Collection(");
    if coll {
        // Like `t[len('Collection('):-1]`: drop the prefix and the last character.
        let inner = &t["Collection(".len()..];
        t = inner
            .char_indices()
            .last()
            .map_or(inner, |(i, _)| &inner[..i]);
    }
    let mut out = match alias {
        Some(a) if !a.is_empty() && t.starts_with(a) && t[a.len()..].starts_with('.') => {
            format!("{ns}{}", &t[a.len()..])
        }
        _ => t.to_string(),
    };
    if out.to_lowercase().starts_with("graph.") {
        out.insert_str(0, "microsoft.");
    }
    if coll {
        format!("Collection({out})")
    } else {
        out
    }
}

/// Byte offsets of line starts, for offset → line and column.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }
    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(self.text.len());
        let col = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count())
            + 1;
        Pos {
            line: line as u32,
            col: col as u32,
        }
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attr(e: &BytesStart, key: &str) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        if a.key.as_ref() == key {
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

/// What is open while reading, and what it collects.
enum Open {
    Schema { ns: String, alias: Option<String> },
    Type(String, StructType),
    Enum(String, EnumType),
    Operation(Operation),
    Container(Pos),
    Root(Root),
    Key,
    Other,
}

/// Reads a CSDL document. Errors (not well-formed XML) carry the line and column.
pub fn read(text: &str) -> Result<Csdl, String> {
    let lines = Lines::new(text);
    // The reader skips a BOM without counting it in its positions.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut reader = Reader::from_str(text);
    let mut doc = Csdl::default();
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let offset = reader.buffer_position() as usize + bom;
        let event = reader.read_event().map_err(|e| {
            let p = lines.pos(reader.error_position() as usize + bom);
            format!("{}:{}: {e}", p.line, p.col)
        })?;
        let (e, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if let Some(open) = stack.pop() {
                    close(&mut doc, open);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let pos = lines.pos(offset);
        let open =
            start(&e, pos, &mut stack).map_err(|m| format!("{}:{}: {m}", pos.line, pos.col))?;
        if empty {
            close(&mut doc, open);
        } else {
            stack.push(open);
        }
    }
    Ok(doc)
}

/// The innermost schema around the open elements: namespace and alias.
fn enclosing_schema(stack: &[Open]) -> (String, Option<String>) {
    let schema = stack.iter().rev().find_map(|o| match o {
        Open::Schema { ns, alias } => Some((ns.clone(), alias.clone())),
        _ => None,
    });
    schema.unwrap_or_default()
}

/// Opens element `e`: a schema or a schema member is returned to be pushed; a property,
/// member or parameter is recorded in its parent right away.
fn start(e: &BytesStart, pos: Pos, stack: &mut [Open]) -> Result<Open, String> {
    let kind = local(e.name().as_ref()).to_string();
    let get = |k: &str| attr(e, k).map(Option::unwrap_or_default);
    if kind == "Schema" {
        return Ok(Open::Schema {
            ns: get("Namespace")?,
            alias: attr(e, "Alias")?,
        });
    }
    if let [.., Open::Type(_, t), Open::Key] = stack
        && kind == "PropertyRef"
    {
        t.key.push(get("Name")?);
        return Ok(Open::Other);
    }
    let (ns, alias) = enclosing_schema(stack);
    let norm = |t: &str| norm(t, alias.as_deref(), &ns);
    let shown = |t: &str| resolve(t, alias.as_deref(), &ns);
    match stack.last_mut() {
        Some(Open::Schema { .. }) => {
            let name = format!("{ns}.{}", get("Name")?);
            Ok(match kind.as_str() {
                "EntityType" | "ComplexType" => {
                    let t = StructType {
                        kind,
                        base: norm(&get("BaseType")?),
                        base_shown: shown(&get("BaseType")?),
                        name: name.clone(),
                        props: Ordered::default(),
                        navs: Ordered::default(),
                        pos,
                        has_stream: get("HasStream")? == "true",
                        key: Vec::new(),
                    };
                    Open::Type(name.to_lowercase(), t)
                }
                "EnumType" => Open::Enum(
                    name.to_lowercase(),
                    EnumType {
                        name,
                        members: BTreeMap::new(),
                        pos,
                    },
                ),
                "Action" | "Function" => Open::Operation(Operation {
                    kind,
                    name: get("Name")?,
                    // Filled from the first parameter.
                    bound: (get("IsBound")? == "true").then(String::new),
                    pos,
                    composable: get("IsComposable")? == "true",
                    returns: None,
                    params: Vec::new(),
                }),
                "EntityContainer" => Open::Container(pos),
                _ => Open::Other,
            })
        }
        Some(Open::Type(_, t)) if kind == "Property" || kind == "NavigationProperty" => {
            let name = get("Name")?;
            let prop = Prop {
                ty: norm(&get("Type")?),
                shown: shown(&get("Type")?),
                name: name.clone(),
                pos,
                contains_target: get("ContainsTarget")? == "true",
            };
            let list = if kind == "Property" {
                &mut t.props
            } else {
                &mut t.navs
            };
            list.insert(name.to_lowercase(), prop);
            Ok(Open::Other)
        }
        Some(Open::Enum(_, en)) if kind == "Member" => {
            let name = get("Name")?;
            en.members.insert(name.to_lowercase(), (name, pos));
            Ok(Open::Other)
        }
        Some(Open::Operation(op)) if kind == "Parameter" => {
            match op.bound.as_mut().filter(|b| b.is_empty()) {
                Some(b) => *b = shown(&get("Type")?),
                None => op.params.push(get("Name")?),
            }
            Ok(Open::Other)
        }
        Some(Open::Operation(op)) if kind == "ReturnType" => {
            op.returns = Some(shown(&get("Type")?));
            Ok(Open::Other)
        }
        Some(Open::Type(..)) if kind == "Key" => Ok(Open::Key),
        Some(Open::Container(_)) => container_member(&kind, e, pos, &shown),
        _ => Ok(Open::Other),
    }
}

/// A child of the `EntityContainer`; the container itself collects them on close.
fn container_member(
    kind: &str,
    e: &BytesStart,
    pos: Pos,
    shown: &dyn Fn(&str) -> String,
) -> Result<Open, String> {
    let (kind, target) = match kind {
        "EntitySet" => (RootKind::EntitySet, "EntityType"),
        "Singleton" => (RootKind::Singleton, "Type"),
        "FunctionImport" => (RootKind::FunctionImport, "Function"),
        "ActionImport" => (RootKind::ActionImport, "Action"),
        _ => return Ok(Open::Other),
    };
    let get = |k: &str| attr(e, k).map(Option::unwrap_or_default);
    Ok(Open::Root(Root {
        kind,
        name: get("Name")?,
        target: shown(&get(target)?),
        pos,
    }))
}

fn close(doc: &mut Csdl, open: Open) {
    match open {
        Open::Type(key, t) => doc.types.insert(key, t),
        Open::Enum(key, e) => doc.enums.insert(key, e),
        Open::Operation(op) => doc.operations.push(op),
        Open::Root(r) => doc.roots.push(r),
        Open::Container(pos) => doc.container = Some(pos),
        Open::Schema { .. } | Open::Key | Open::Other => {}
    }
}
