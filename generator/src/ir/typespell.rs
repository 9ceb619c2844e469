//! Parse the `Type` cell of a Microsoft Graph reference table into a type spelling.
//!
//! The docs spell types in many ways (`String`, `string`, `Edm.String`, `String collection`,
//! `Collection(Edm.String)`, `[x](x.md) collection`, `[x][]`, `**x**`, `int`, ...). This module
//! reduces every spelling to a base type (primitive or named) plus a collection flag, and
//! records how the spelling deviated from the canonical form in `notes`.

use regex::Regex;
use std::sync::LazyLock;

/// Declares `Primitive`, its `ALL` list and `edm_name`, naming each variant once.
macro_rules! primitives {
    ($($p:ident),* $(,)?) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum Primitive {
            $($p),*
        }

        impl Primitive {
            const ALL: &[Primitive] = &[$(Primitive::$p),*];

            /// Canonical OData name of a primitive ("Edm.String", ...)
            pub fn edm_name(self) -> &'static str {
                match self {
                    $(Primitive::$p => concat!("Edm.", stringify!($p))),*
                }
            }
        }
    };
}

primitives! {
    String, Boolean, Byte, Int16, Int32, Int64, Single, Double, Decimal, Guid,
    DateTimeOffset, Date, TimeOfDay, Duration, Binary, Stream, Json,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Base {
    Primitive(Primitive),
    /// A named (non-primitive) type as written, namespace included if the doc gave one
    /// (e.g. "microsoft.graph.callRecords.session" or "synchronizationSchedule"), plus the
    /// link target if the spelling was a markdown link (e.g.
    /// "synchronization-synchronizationschedule.md"; for reference links `[x][]` the label).
    Named {
        name: String,
        link: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TypeSpelling {
    pub base: Base,
    pub collection: bool,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Note {
    /// A primitive's canonical name starting in lower case (`string`, `dateTimeOffset`).
    LowerCasePrimitive,
    /// Another name for a primitive (`int`, `long`, `datetime`, `bool`, ...) or an odd casing
    /// of a canonical name that does not start lower-case (`GUID`, `DateTimeOffSet`).
    AliasPrimitive,
    EdmPrefix,
    CodeSpan,
    Emphasis,
    /// Any collection form other than the docs' canonical `X collection`:
    /// `Collection(X)`, `collection of X`, `list of X`, `X array`, `X[]`.
    CollectionOfSyntax,
    /// `[x][]`, `[x][y]` or a shortcut `[x]`.
    ReferenceLink,
    /// Descriptive text after (or a parenthesis before) the type was dropped.
    TrailingText,
    /// A named type with a namespace (`microsoft.graph.x`).
    Namespaced,
    /// A named type that is neither linked nor namespaced (`attributeType`).
    BareName,
    /// `x or y` (also `(x or y)`, `x/y` for primitives): the first is taken.
    Alternatives,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpellingError {
    Empty,
    Placeholder,
    NoType,
    Unrecognised(String),
}

impl Primitive {
    fn short_name(self) -> &'static str {
        &self.edm_name()[4..]
    }
}

/// Other names for primitives (lower-cased spelling).
fn alias(lower: &str) -> Option<Primitive> {
    use Primitive::*;
    Some(match lower {
        "int" | "integer" | "number" => Int32,
        "long" => Int64,
        "short" => Int16,
        "numeric" => Double,
        "float" => Single,
        "datetime" | "timestamp" => DateTimeOffset,
        "uuid" => Guid,
        "base64" => Binary,
        "bool" => Boolean,
        "object" => Json,
        "url" | "uri" => String,
        _ => return None,
    })
}

/// Words that may follow a type and say what kind it is (`alertStatus enum`, `JSON object`).
const KIND_WORDS: &[&str] = &["enum", "object", "resource", "type"];

static IDENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*").expect("valid regex")
});
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(todo|tbd|tba)\b").expect("valid regex"));
static NO_TYPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(none|n/?a|-+|—|–)$").expect("valid regex"));
static BACKSLASH_ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\([[:punct:]])").expect("valid regex"));

type Parsed = (Base, bool);

fn note(notes: &mut Vec<Note>, n: Note) {
    if !notes.contains(&n) {
        notes.push(n);
    }
}

/// Parse the markdown source of one `Type` cell.
pub fn parse_type_spelling(cell: &str) -> Result<TypeSpelling, SpellingError> {
    // Property tables and examples spell the same types over and over: each spelling is
    // read once per thread.
    thread_local! {
        static MADE: crate::memo::Memo<Result<TypeSpelling, SpellingError>> = Default::default();
    }
    MADE.with(|m| m.get_or(cell, parse_uncached))
}

fn parse_uncached(cell: &str) -> Result<TypeSpelling, SpellingError> {
    let unescaped = BACKSLASH_ESCAPE.replace_all(cell, "$1");
    let cleaned = unescaped.replace("&nbsp;", " ");
    let s = cleaned
        .trim()
        .trim_end_matches(['.', ',', ';', ':'])
        .trim_end();
    // Strip decoration only to classify the empty / placeholder / "None" cases.
    let bare = s.trim_matches(['*', '_', '`', ' ']);
    if bare.is_empty() {
        return Err(SpellingError::Empty);
    }
    if PLACEHOLDER.is_match(bare) {
        return Err(SpellingError::Placeholder);
    }
    if NO_TYPE.is_match(bare) {
        return Err(SpellingError::NoType);
    }
    let mut notes = Vec::new();
    let (base, collection) =
        parse_full(s, &mut notes).ok_or_else(|| SpellingError::Unrecognised(cell.trim().into()))?;
    if let Base::Named { name, link } = &base {
        if name.contains('.') {
            note(&mut notes, Note::Namespaced);
        } else if link.is_none() {
            note(&mut notes, Note::BareName);
        }
    }
    Ok(TypeSpelling {
        base,
        collection,
        notes,
    })
}

/// A whole spelling: alternatives, then only descriptive trailing text.
fn parse_full(s: &str, notes: &mut Vec<Note>) -> Option<Parsed> {
    let (parsed, rest) = parse_expr(s, notes)?;
    if !rest.trim().is_empty() && trailing_ok(rest) {
        note(notes, Note::TrailingText);
    }
    trailing_ok(rest).then_some(parsed)
}

/// Is `rest` (what follows a type) descriptive text we may drop?
fn trailing_ok(rest: &str) -> bool {
    let r = rest.trim();
    let dash = rest.starts_with(char::is_whitespace) && r.starts_with(['-', '–', '—']);
    if dash || r.is_empty() || r.starts_with([',', ';', '.', ':', '(']) {
        return true;
    }
    KIND_WORDS.iter().any(|w| match strip_word_ci(r, w) {
        Some(after) => {
            let after = after.trim();
            after.is_empty() || after.starts_with([',', ';', '.', ':', '('])
        }
        None => false,
    })
}

/// Terms separated by ` or ` (or `/` between primitives); the first term wins.
fn parse_expr<'a>(s: &'a str, notes: &mut Vec<Note>) -> Option<(Parsed, &'a str)> {
    let (first, mut rest) = parse_term(s, notes)?;
    loop {
        let mut scratch = Vec::new();
        let r = rest.trim_start();
        let spaced = r.len() < rest.len();
        if let Some(after) = strip_word_ci(r, "or").filter(|_| spaced)
            && let Some((_, r2)) = parse_term(after, &mut scratch)
        {
            note(notes, Note::Alternatives);
            rest = r2;
            continue;
        }
        if let (Some(after), Base::Primitive(_)) = (r.strip_prefix('/'), &first.0)
            && let Some(((Base::Primitive(_), _), r2)) = parse_term(after, &mut scratch)
        {
            note(notes, Note::Alternatives);
            rest = r2;
            continue;
        }
        return Some((first, rest));
    }
}

/// One type with its collection wrapping.
fn parse_term<'a>(s: &'a str, notes: &mut Vec<Note>) -> Option<(Parsed, &'a str)> {
    use Note::CollectionOfSyntax as Syntax;
    let s = s.trim_start();
    let prefix = ["collection of", "list of", "array of"]
        .iter()
        .find_map(|p| strip_word_ci(s, p));
    let ((base, coll), rest) = parse_atom(prefix.unwrap_or(s), notes)?;
    let r = rest.trim_start();
    let spaced = r.len() < rest.len();
    // `how`: None = not a collection, Some(note) = a collection spelt that way.
    let (rest, how) = if coll {
        (prefix.is_none().then_some(rest)?, Some(None))
    } else if prefix.is_some() {
        (rest, Some(Some(Syntax)))
    } else if let Some(after) = rest.strip_prefix("[]") {
        (after, Some(Some(Syntax)))
    } else if let Some(after) = strip_word_ci(r, "collection").filter(|_| spaced) {
        (after, Some(None))
    } else if let Some(after) = strip_word_ci(r, "array").filter(|_| spaced) {
        (after, Some(Some(Syntax)))
    } else {
        (rest, None)
    };
    if let Some(Some(n)) = how {
        note(notes, n);
    }
    Some(((base, how.is_some()), rest))
}

/// A single type: identifier, link, or a wrapped (code, emphasis, parens, `Collection(..)`) spelling.
fn parse_atom<'a>(s: &'a str, notes: &mut Vec<Note>) -> Option<(Parsed, &'a str)> {
    let s = s.trim_start();
    for (delim, kind) in [
        ("**", Note::Emphasis),
        ("__", Note::Emphasis),
        ("`", Note::CodeSpan),
        ("*", Note::Emphasis),
        ("_", Note::Emphasis),
    ] {
        if let Some(after) = s.strip_prefix(delim) {
            let end = after.find(delim)?;
            let parsed = parse_full(after[..end].trim(), notes)?;
            note(notes, kind);
            return Some((parsed, &after[end + delim.len()..]));
        }
    }
    if s.starts_with('[') {
        return parse_link(s, notes);
    }
    if let Some(after) = strip_prefix_ci(s, "collection(") {
        let end = matching(after, '(', ')', 1)?;
        let (base, coll) = parse_full(after[..end].trim(), notes)?;
        if coll {
            return None;
        }
        note(notes, Note::CollectionOfSyntax);
        return Some(((base, true), &after[end + 1..]));
    }
    if let Some(after) = s.strip_prefix('(') {
        let end = matching(after, '(', ')', 1)?;
        let rest = &after[end + 1..];
        let inner = after[..end].trim();
        // A leading aside such as `(Optional) String` is dropped.
        let r = rest.trim_start();
        let postfix = r.starts_with("[]") || strip_word_ci(r, "collection").is_some();
        let mut scratch = Vec::new();
        if parse_full(inner, &mut scratch).is_none() || !(postfix || trailing_ok(rest)) {
            note(notes, Note::TrailingText);
            return parse_atom(rest, notes);
        }
        return Some((parse_full(inner, notes)?, rest));
    }
    let m = IDENT.find(s)?;
    let word = m.as_str();
    let base = match primitive_of(word, notes) {
        Some(p) => Base::Primitive(p),
        None if strip_prefix_ci(word, "edm.").is_some() => return None,
        None => Base::Named {
            name: word.to_string(),
            link: None,
        },
    };
    Some(((base, false), &s[m.end()..]))
}

/// `[label](target)`, `[label][id]`, `[label][]` or `[label]`.
fn parse_link<'a>(s: &'a str, notes: &mut Vec<Note>) -> Option<(Parsed, &'a str)> {
    let close = matching(&s[1..], '[', ']', 1)? + 1;
    let label = s[1..close].trim();
    let after = &s[close + 1..];
    let (target, rest) = if let Some(a) = after.strip_prefix('(') {
        let end = matching(a, '(', ')', 1)?;
        let t = a[..end].trim();
        let t = match t.strip_prefix('<') {
            Some(inner) => inner.split('>').next().unwrap_or(""),
            None => t.split_whitespace().next().unwrap_or(""),
        };
        (Some(t.to_string()), &a[end + 1..])
    } else if let Some(a) = after.strip_prefix('[') {
        let end = a.find(']')?;
        let id = a[..end].trim();
        note(notes, Note::ReferenceLink);
        ((!id.is_empty()).then(|| id.to_string()), &a[end + 1..])
    } else {
        note(notes, Note::ReferenceLink);
        (None, after)
    };
    let (base, coll) = parse_full(label, notes)?;
    let base = match base {
        Base::Named { name, link: None } => {
            let link = target.unwrap_or_else(|| name.clone());
            Base::Named {
                name,
                link: Some(link),
            }
        }
        Base::Named { .. } => return None,
        p => p,
    };
    Some(((base, coll), rest))
}

/// Recognise a primitive spelling, with optional `Edm.` prefix, any case, or an alias.
fn primitive_of(word: &str, notes: &mut Vec<Note>) -> Option<Primitive> {
    let (name, edm) = match strip_prefix_ci(word, "edm.") {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    let ci = |p: &&Primitive| p.short_name().eq_ignore_ascii_case(name);
    let (p, case_note) = match Primitive::ALL.iter().find(ci) {
        Some(&p) if p.short_name() == name => (p, None),
        Some(&p) if name.starts_with(|c: char| c.is_ascii_lowercase()) => {
            (p, Some(Note::LowerCasePrimitive))
        }
        Some(&p) => (p, Some(Note::AliasPrimitive)),
        None => (
            alias(&name.to_ascii_lowercase())?,
            Some(Note::AliasPrimitive),
        ),
    };
    if edm {
        note(notes, Note::EdmPrefix);
    }
    if let Some(n) = case_note {
        note(notes, n);
    }
    Some(p)
}

/// Index in `s` of the delimiter closing a group already `depth` levels deep.
fn matching(s: &str, open: char, close: char, mut depth: usize) -> Option<usize> {
    for (i, c) in s.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Strip a whole word (not followed by an identifier character).
fn strip_word_ci<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = strip_prefix_ci(s, word)?;
    let boundary = !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    boundary.then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::{Base, Primitive, SpellingError, TypeSpelling, parse_type_spelling};
    use regex::Regex;
    use std::collections::HashMap;
    use std::sync::LazyLock;

    /// Compact rendering: `String`, `name`, `name@link`, with `[]` for collections.
    fn show(t: &TypeSpelling) -> String {
        let base = match &t.base {
            Base::Primitive(p) => p.short_name().to_string(),
            Base::Named { name, link } => match link {
                Some(l) => format!("{name}@{l}"),
                None => name.clone(),
            },
        };
        let notes: Vec<String> = t.notes.iter().map(|n| format!("{n:?}")).collect();
        let coll = if t.collection { "[]" } else { "" };
        format!("{base}{coll} ; {}", notes.join(","))
    }

    /// One case a line: `cell => rendering ; notes` or `cell => !ErrorKind`.
    const CASES: &str = r#"
String => String ;
string => String ; LowerCasePrimitive
`String` => String ; CodeSpan
`Edm.boolean ` => Boolean ; EdmPrefix,LowerCasePrimitive,CodeSpan
int => Int32 ; AliasPrimitive
Integer => Int32 ; AliasPrimitive
number => Int32 ; AliasPrimitive
long => Int64 ; AliasPrimitive
numeric => Double ; AliasPrimitive
decimal => Decimal ; LowerCasePrimitive
Edm.String => String ; EdmPrefix
edm.DateTime => DateTimeOffset ; EdmPrefix,AliasPrimitive
String collection => String[] ;
String Collection => String[] ;
Collection(Edm.String) => String[] ; EdmPrefix,CollectionOfSyntax
`collection(string)` => String[] ; LowerCasePrimitive,CollectionOfSyntax,CodeSpan
Collection(microsoft.graph.user) => microsoft.graph.user[] ; CollectionOfSyntax,Namespaced
[synchronizationSchedule](synchronization-synchronizationschedule.md) => synchronizationSchedule@synchronization-synchronizationschedule.md ;
[keyValuePair](keyvaluepair.md) collection => keyValuePair@keyvaluepair.md[] ;
[x](<x y.md> "title") => x@x y.md ;
[x](x.md "title") => x@x.md ;
[identitySet][] => identitySet@identitySet ; ReferenceLink
[x][y] => x@y ; ReferenceLink
[itemActivity][] collection => itemActivity@itemActivity[] ; ReferenceLink
[**driveItem**][driveItem] => driveItem@driveItem ; ReferenceLink,Emphasis
[educationClass] collection => educationClass@educationClass[] ; ReferenceLink
Collection([columnDefinition][]) => columnDefinition@columnDefinition[] ; ReferenceLink,CollectionOfSyntax
Collection([kv](../resources/kv.md)) => kv@../resources/kv.md[] ; CollectionOfSyntax
[String](string.md) => String ;
[microsoft.graph.keyValue](kv.md) collection => microsoft.graph.keyValue@kv.md[] ; Namespaced
microsoft.graph.x => microsoft.graph.x ; Namespaced
microsoft.graph.callRecords.session => microsoft.graph.callRecords.session ; Namespaced
microsoft.graph.callRecords.modality collection => microsoft.graph.callRecords.modality[] ; Namespaced
attributeType => attributeType ; BareName
metadataEntry collection => metadataEntry[] ; BareName
**dateTimeTimeZone** => dateTimeTimeZone ; Emphasis,BareName
*x* => x ; Emphasis,BareName
_x_ => x ; Emphasis,BareName
string, maximum size 20 => String ; LowerCasePrimitive,TrailingText
String (identifier) => String ; TrailingText
String (read-only) => String ; TrailingText
(Optional) String => String ; TrailingText
Int32 - the count => Int32 ; TrailingText
[t](t.md) (optional) => t@t.md ; TrailingText
[o](o.md) collection. Holds grades => o@o.md[] ; TrailingText
alertStatus enum => alertStatus ; TrailingText,BareName
JSON object => Json ; AliasPrimitive,TrailingText
[itemAnalytics][] resource => itemAnalytics@itemAnalytics ; ReferenceLink,TrailingText
dateTimeOffset => DateTimeOffset ; LowerCasePrimitive
DateTimeOffSet => DateTimeOffset ; AliasPrimitive
datetime => DateTimeOffset ; AliasPrimitive
DateTime => DateTimeOffset ; AliasPrimitive
timestamp => DateTimeOffset ; AliasPrimitive
GUID => Guid ; AliasPrimitive
uuid => Guid ; AliasPrimitive
GUID collection => Guid[] ; AliasPrimitive
base64 => Binary ; AliasPrimitive
Object => Json ; AliasPrimitive
Float => Single ; AliasPrimitive
bool => Boolean ; AliasPrimitive
Url => String ; AliasPrimitive
[x](x.md) or [y](y.md) => x@x.md ; Alternatives
(boolean or string or number) collection => Boolean[] ; LowerCasePrimitive,Alternatives
string/number => String ; LowerCasePrimitive,Alternatives
String array => String[] ; CollectionOfSyntax
String[] => String[] ; CollectionOfSyntax
Collection of string => String[] ; LowerCasePrimitive,CollectionOfSyntax
list of x => x[] ; CollectionOfSyntax,BareName
microsoft.graph.x\_y => microsoft.graph.x_y ; Namespaced
String. => String ;
 => !Empty
** ** => !Empty
TODO => !Placeholder
TBD: fill in => !Placeholder
None => !NoType
n/a => !NoType
Distribution groups => !Unrecognised
application/json => !Unrecognised
routingPolicy collection collection => !Unrecognised
Collection(String) collection => !Unrecognised
Edm.Whatever => !Unrecognised
[Microsoft 365 groups](#m) => !Unrecognised
[Mail-enabled groups](#m) => !Unrecognised
** Unknown Type `x.y` ** collection => !Unrecognised
[ => !Unrecognised
((x) => !Unrecognised
[x]( => !Unrecognised
Collection( => !Unrecognised
é[ü](ö => !Unrecognised
[[]] => !Unrecognised
` => !Empty
_ => !Empty
"#;

    #[test]
    fn table() {
        let mut failures = Vec::new();
        for line in CASES.lines().filter(|l| !l.is_empty()) {
            let (cell, want) = line.split_once("=>").expect("case has =>");
            let got = match parse_type_spelling(cell) {
                Ok(t) => show(&t),
                Err(SpellingError::Unrecognised(_)) => "!Unrecognised".to_string(),
                Err(e) => format!("!{e:?}"),
            };
            if got.trim() != want.trim() {
                failures.push(format!("{cell:?}: want {want:?}, got {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn edm_names() {
        for &p in Primitive::ALL {
            for cell in [p.edm_name(), p.short_name()] {
                let got = parse_type_spelling(cell).map(|t| (t.base, t.collection));
                assert_eq!(got, Ok((Base::Primitive(p), false)), "{cell}");
            }
        }
    }

    /// Split a pipe-table row into cells, honouring `\|` escapes.
    fn cells(line: &str) -> Vec<String> {
        let t = line.trim().replace("\\|", "\u{1}");
        let t = t.strip_prefix('|').unwrap_or(&t);
        let t = t.strip_suffix('|').unwrap_or(t);
        let unescape = |c: &str| c.trim().replace('\u{1}', "\\|");
        t.split('|').map(unescape).collect()
    }

    fn bump<K: std::hash::Hash + Eq>(m: &mut HashMap<K, usize>, k: K) {
        *m.entry(k).or_default() += 1;
    }

    fn by_count<K: Ord>(m: HashMap<K, usize>) -> Vec<(K, usize)> {
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// The `Type` cells of every pipe table under `dir` (header row = line before `|---|`).
    fn type_cells(dir: &str) -> Vec<String> {
        static DELIM: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$").expect("valid regex")
        });
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        paths.sort();
        let mut out = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let mut col: Option<usize> = None;
            for (i, line) in lines.iter().enumerate() {
                if i > 0 && line.contains('|') && DELIM.is_match(line) {
                    let header = cells(lines[i - 1]);
                    col = header.iter().position(|h| h.eq_ignore_ascii_case("type"));
                } else if !line.contains('|') {
                    col = None;
                } else if let Some(cell) = col.and_then(|c| cells(line).get(c).cloned()) {
                    out.push(cell);
                }
            }
        }
        out
    }

    #[test]
    #[ignore]
    fn corpus() {
        let root = "/work/shared/corpus/graph-docs-beta-2021-07";
        let all: Vec<String> = ["api", "resources"]
            .iter()
            .flat_map(|d| type_cells(&format!("{root}/{d}")))
            .collect();
        let show_note = std::env::var("SHOW").ok(); // SHOW=<Note>: list cells with that note
        let (mut ok, mut errs, mut unrec, mut notes) =
            (0, HashMap::new(), HashMap::new(), HashMap::new());
        for cell in &all {
            match parse_type_spelling(cell) {
                Ok(t) => {
                    ok += 1;
                    for n in &t.notes {
                        bump(&mut notes, format!("{n:?}"));
                        if show_note.as_deref() == Some(&format!("{n:?}")) {
                            println!("SHOW {cell:?} -> {}", show(&t));
                        }
                    }
                }
                Err(SpellingError::Unrecognised(s)) => {
                    bump(&mut errs, "Unrecognised".to_string());
                    bump(&mut unrec, s);
                }
                Err(e) => bump(&mut errs, format!("{e:?}")),
            }
        }
        println!("total cells: {}\nok: {ok}", all.len());
        for (k, v) in by_count(errs) {
            println!("err {k}: {v}");
        }
        let unrec = by_count(unrec);
        println!("distinct unrecognised: {}", unrec.len());
        for (s, n) in unrec.iter().take(40) {
            println!("  {n:5}  {s:?}");
        }
        for (k, v) in by_count(notes) {
            println!("note {k}: {v}");
        }
        assert!(!all.is_empty());
    }
}
