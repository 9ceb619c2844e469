//! Pages → IR: collect definitions, index names, resolve references, cross-check the JSON
//! representations, and pick up the data examples. Every irregularity is a diagnostic.

use super::hierarchy;
use super::resolve::{NameIndex, Resolved, Target};
use super::shape::{self, Family};
use super::typespell::{Base, SpellingError, parse_type_spelling};
use super::*;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::jsonc;
use crate::page::{BlockKind, Cell, CodeBlock, Page, PageKind, Table, TableKind};
use rayon::prelude::*;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static PROPERTY_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^@?[A-Za-z0-9_][A-Za-z0-9_.@-]*$").unwrap());
static VALUES_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^`?([A-Za-z_][A-Za-z0-9_.]*)`?\s+(flags\s+)?(enum\s+)?values?$").unwrap()
});

const DEFAULT_NS: &str = "microsoft.graph";

/// A statement of a type's base as the docs write it, before resolution.
struct BaseClaim {
    name: String,
    link: Option<String>,
    loc: Loc,
    source: BaseSource,
}

/// A type as one page defines it, before resolution.
struct RawType {
    def: TypeDef,
    bases: Vec<BaseClaim>,
    props: Vec<RawProp>,
    nav: Vec<RawProp>,
    json: Option<(serde_json::Map<String, serde_json::Value>, Loc)>,
    page_ns: String,
}

pub(super) struct RawProp {
    pub(super) name: String,
    pub(super) ty: Cell,
    pub(super) description: String,
    pub(super) loc: Loc,
}

/// Build the IR from parsed pages (any order; sorted here by file).
pub fn build(pages: &[Page], diags: &mut Diagnostics) -> Ir {
    let mut pages: Vec<&Page> = pages.iter().collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut ir = Ir::default();
    let mut raw_types: Vec<RawType> = Vec::new();
    let mut resource_examples: ResourceExamples = Vec::new();
    let mut enums: BTreeMap<String, EnumDef> = BTreeMap::new();
    let mut enum_keys: BTreeMap<String, String> = BTreeMap::new();

    let t = crate::timing::span(2, "collect resources and enums");
    // Each page on its own (in parallel), then combined in page order.
    type PageParts = (Vec<RawType>, ResourceExamples, Vec<EnumDef>, Diagnostics);
    let parts: Vec<PageParts> = pages
        .par_iter()
        .map(|page| {
            let (mut types, mut examples, mut d) = (Vec::new(), Vec::new(), Diagnostics::default());
            if page.kind == PageKind::Resource || page.kind == PageKind::Unknown {
                collect_resources(page, &mut types, &mut examples, &mut d);
            }
            (types, examples, collect_enums(page), d)
        })
        .collect();
    for (page, (types, examples, page_enums, d)) in pages.iter().zip(parts) {
        ir.pages.insert(page.file.clone(), page.kind);
        raw_types.extend(types);
        resource_examples.extend(examples);
        diags.extend(d);
        for e in page_enums {
            let key = e.name.to_lowercase();
            match enum_keys.get(&key) {
                Some(existing) => {
                    let first = &enums[existing];
                    diags.push(
                        Diagnostic::new(
                            Code::EnumDuplicate,
                            e.loc.clone(),
                            format!("enum `{}` is defined more than once", e.name),
                        )
                        .with_related(first.loc.clone()),
                    );
                    merge_members(enums.get_mut(existing).unwrap(), e);
                }
                None => {
                    enum_keys.insert(key, e.name.clone());
                    enums.insert(e.name.clone(), e);
                }
            }
        }
    }

    drop(t);
    let t = crate::timing::span(2, "merge duplicates, index names");
    // Merge duplicate type definitions: the richest (most rows; then first by file) is the
    // definition, the others add what it lacks (rows, relationships, base, key, JSON).
    // Which one wins depends only on the definitions of that name, never on other pages.
    let richness = |t: &RawType| t.props.len() + t.nav.len();
    let mut by_name: BTreeMap<String, Vec<RawType>> = BTreeMap::new();
    for t in raw_types {
        by_name
            .entry(t.def.name.to_lowercase())
            .or_default()
            .push(t);
    }
    let mut raw_types: Vec<RawType> = Vec::new();
    for (_, mut defs) in by_name {
        let best = (0..defs.len())
            .max_by_key(|&i| (richness(&defs[i]), std::cmp::Reverse(i)))
            .unwrap_or(0);
        let mut first = defs.remove(best);
        for t in defs {
            diags.push(
                Diagnostic::new(
                    Code::TypeDuplicate,
                    t.def.loc.clone(),
                    format!(
                        "type `{}` is defined more than once; merged into the fuller definition",
                        t.def.name
                    ),
                )
                .with_related(first.def.loc.clone()),
            );
            merge_raw(&mut first, t);
        }
        raw_types.push(first);
    }
    raw_types.sort_by(|a, b| a.def.loc.file.cmp(&b.def.loc.file));
    let mut merged: BTreeMap<String, RawType> = BTreeMap::new();
    let mut type_keys: BTreeMap<String, String> = BTreeMap::new();
    for t in raw_types {
        let key = t.def.name.to_lowercase();
        if let Some(e) = enum_keys.get(&key) {
            diags.push(
                Diagnostic::new(
                    Code::TypeDuplicate,
                    t.def.loc.clone(),
                    format!(
                        "`{}` is defined both as a type and as an enum; the type wins",
                        t.def.name
                    ),
                )
                .with_related(enums[e].loc.clone()),
            );
            let e = e.clone();
            enums.remove(&e);
            enum_keys.remove(&key);
        }
        type_keys.insert(key, t.def.name.clone());
        merged.insert(t.def.name.clone(), t);
    }

    let mut index = NameIndex::default();
    for t in merged.values() {
        index.insert(&t.def.name, Target::Type, &t.def.loc.file);
    }
    for e in enums.values() {
        index.insert(&e.name, Target::Enum, &e.loc.file);
    }

    drop(t);
    let t = crate::timing::span(2, "resolve properties, cross-check JSON");
    let r = Resolver { index: &index };
    let mut hints = JsonHints::new();
    let mut claims: Vec<hierarchy::Claim> = Vec::new();
    // Each type on its own (in parallel), then combined in name order.
    type TypeParts = (
        String,
        TypeDef,
        Vec<hierarchy::Claim>,
        JsonHints,
        Diagnostics,
    );
    let merged: Vec<(String, RawType)> = merged.into_iter().collect();
    let resolved: Vec<TypeParts> = merged
        .into_par_iter()
        .map(|(name, raw)| {
            let mut diags = Diagnostics::default();
            let mut hints = JsonHints::new();
            let mut claims = Vec::new();
            let mut def = raw.def;
            def.properties = r.props(&raw.props, &raw.page_ns, &mut diags);
            def.navigation = r.props(&raw.nav, &raw.page_ns, &mut diags);
            for c in raw.bases {
                // Annotations and linked prose are meant as base statements: an undefined
                // name there is reported. Row descriptions and bare prose words are only
                // evidence.
                let stated = c.source == BaseSource::Annotation
                    || (c.source == BaseSource::Prose && c.link.is_some());
                let mut quiet = Diagnostics::default();
                let sink = if stated { &mut diags } else { &mut quiet };
                match r.named(&c.name, c.link.as_deref(), &raw.page_ns, &c.loc, sink) {
                    Some(TypeRef::Complex { name: base }) => claims.push(hierarchy::Claim {
                        ty: name.clone(),
                        base,
                        source: c.source,
                        loc: c.loc,
                    }),
                    _ if stated => diags.emit(
                        Code::BaseTypeUnresolved,
                        c.loc,
                        format!("base type `{}` of `{}` is not defined", c.name, def.name),
                    ),
                    _ => {}
                }
            }
            if let Some((json, loc)) = &raw.json {
                cross_check(
                    &mut def,
                    json,
                    loc,
                    &r,
                    &raw.page_ns,
                    &mut hints,
                    &mut diags,
                );
            }
            (name, def, claims, hints, diags)
        })
        .collect();
    for (name, def, type_claims, type_hints, d) in resolved {
        claims.extend(type_claims);
        hints.extend(type_hints);
        diags.extend(d);
        ir.types.insert(name, def);
    }
    ir.enums = enums;
    drop(t);
    use crate::timing::time;
    time(2, "hierarchy: stated bases", || {
        hierarchy::assign_stated(&mut ir, &claims, diags)
    });
    time(2, "possible values", || {
        super::possible_values::type_string_enums(&mut ir, diags)
    });
    let t = crate::timing::span(2, "examples, operations");

    for (name, ns, body, loc) in resource_examples {
        if let Some(TypeRef::Complex { name }) = r.named(&name, None, &ns, &loc, diags) {
            ir.examples.push(Example {
                kind: ExampleKind::Example,
                name: None,
                operation: None,
                request_line: None,
                request_loc: None,
                call: None,
                status: None,
                type_name: Some(name),
                collection: false,
                body,
                mismatch: None,
                loc,
            });
        }
    }
    // Each API page on its own (in parallel; each reads only the types), then combined in
    // page order.
    let apis: Vec<(Vec<Example>, Vec<Operation>, Diagnostics)> = pages
        .par_iter()
        .filter(|page| page.kind == PageKind::Api)
        .map(|page| {
            let mut d = Diagnostics::default();
            let (examples, operations) = super::ops::collect_api(page, &r, &ir, &mut d);
            (examples, operations, d)
        })
        .collect();
    for (examples, operations, d) in apis {
        ir.examples.extend(examples);
        ir.operations.extend(operations);
        diags.extend(d);
    }
    drop(t);
    time(2, "repair paths", || {
        super::path_repair::across(&mut ir, diags)
    });
    time(2, "merge duplicate operations", || {
        super::ops::merge_duplicates(&mut ir, diags)
    });
    time(2, "paths from examples", || {
        super::ops::add_example_paths(&mut ir, diags)
    });
    // again for the paths the examples added
    time(2, "repair paths", || {
        super::path_repair::across(&mut ir, diags)
    });
    time(2, "pair example calls", || {
        super::ops::pair_example_calls(&mut ir, diags)
    });
    ir.service_root = super::ops::service_root(&ir);
    time(2, "hierarchy: from examples", || {
        hierarchy::from_examples(&mut ir, diags)
    });
    time(2, "hierarchy: finish", || hierarchy::finish(&mut ir, diags));
    time(2, "widen responses", || {
        super::ops::widen_responses(&mut ir, diags)
    });
    time(2, "navigation from paths", || {
        super::navigation::from_paths(&mut ir, diags)
    });
    time(2, "drop inherited rows", || drop_inherited_rows(&mut ir));
    time(2, "reconcile examples", || {
        super::validate::reconcile_examples(&mut ir, &hints, diags)
    });
    // An undefined name is reported once, at its first place.
    diags.collapse(Code::TypeUnresolved, |d| {
        d.message.split('`').nth(1).unwrap_or("").to_lowercase()
    });
    ir
}

pub(super) fn page_ns(page: &Page) -> String {
    page.namespace
        .as_ref()
        .map(|n| n.value.trim_end_matches('.').to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_NS.to_string())
}

/// `x resource type` → `x`.
fn name_from_title(title: &str) -> String {
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

fn qualify(name: &str, ns: &str) -> String {
    let name = name.trim().trim_start_matches('#');
    if name.contains('.') {
        name.to_string()
    } else {
        format!("{ns}.{name}")
    }
}

/// Data blocks on resource pages: (type as written, page namespace, body, location).
type ResourceExamples = Vec<(String, String, serde_json::Value, Loc)>;

fn collect_resources(
    page: &Page,
    out: &mut Vec<RawType>,
    examples: &mut ResourceExamples,
    diags: &mut Diagnostics,
) {
    let ns = page_ns(page);
    let resources: Vec<&CodeBlock> = page
        .code_blocks()
        .filter(|(_, c)| c.annotation.as_ref().and_then(|a| a.block_type()) == Some("resource"))
        .map(|(_, c)| c)
        .collect();
    for (_, c) in page.code_blocks() {
        let Some(ann) = c
            .annotation
            .as_ref()
            .filter(|a| a.block_type() == Some("example"))
        else {
            continue;
        };
        if let (Some(t), Ok(v)) = (ann.odata_type(), jsonc::parse_lenient(&c.text)) {
            examples.push((t.to_string(), ns.clone(), v.value, body_loc(c, &c.text, 0)));
        }
    }
    let has_props = page
        .tables()
        .any(|(_, t)| matches!(t.kind, TableKind::Properties | TableKind::Relationships));
    if resources.is_empty() && !(page.kind == PageKind::Resource && has_props) {
        return;
    }
    let description = page
        .front_matter
        .get("description")
        .cloned()
        .unwrap_or_default();
    let mut defs: Vec<RawType> = Vec::new();
    for block in &resources {
        let ann = block.annotation.as_ref().unwrap();
        let Some(name) = ann.odata_type() else {
            diags.emit(
                Code::ResourceWithoutType,
                ann.loc.clone(),
                "resource annotation has no `@odata.type`",
            );
            continue;
        };
        let name = qualify(name, &ns);
        if defs.iter().any(|d| d.def.name.eq_ignore_ascii_case(&name)) {
            // A repeated resource block on the same page is an example of the type.
            if let Ok(v) = jsonc::parse_lenient(&block.text) {
                examples.push((name, ns.clone(), v.value, body_loc(block, &block.text, 0)));
            }
            continue;
        }
        let key = ann.str("keyProperty").map(str::to_string);
        let bases = ann
            .str("baseType")
            .filter(|b| !b.trim().is_empty())
            .map(|b| BaseClaim {
                name: b.to_string(),
                link: None,
                loc: ann.loc.clone(),
                source: BaseSource::Annotation,
            })
            .into_iter()
            .collect();
        let json = match jsonc::parse_lenient(&block.text) {
            Ok(v) => v.value.as_object().cloned().map(|m| (m, block.loc.clone())),
            Err(e) => {
                diags.emit(
                    Code::JsonInvalid,
                    body_loc(block, &block.text, e.offset),
                    format!("JSON representation does not parse: {}", e.message),
                );
                None
            }
        };
        defs.push(RawType {
            def: TypeDef {
                namespace: namespace_of(&name).to_string(),
                name,
                kind: if key.is_some() {
                    TypeKind::Entity
                } else {
                    TypeKind::Complex
                },
                key,
                base: None,
                base_source: None,
                open: ann.flag("openType"),
                is_abstract: ann.flag("abstract") || says_abstract(page),
                description: description.clone(),
                area: area_of(page),
                properties: vec![],
                navigation: vec![],
                loc: ann.loc.clone(),
            },
            bases,
            props: vec![],
            nav: vec![],
            json,
            page_ns: ns.clone(),
        });
    }
    if defs.is_empty() {
        let Some(title) = &page.title else { return };
        let name = qualify(&name_from_title(&title.value), &ns);
        diags.emit(
            Code::ResourceWithoutType,
            title.loc.clone(),
            format!("resource page has no resource annotation; type `{name}` taken from the title"),
        );
        defs.push(RawType {
            def: TypeDef {
                namespace: namespace_of(&name).to_string(),
                name,
                kind: TypeKind::Complex,
                key: None,
                base: None,
                base_source: None,
                open: false,
                is_abstract: says_abstract(page),
                description,
                area: area_of(page),
                properties: vec![],
                navigation: vec![],
                loc: title.loc.clone(),
            },
            bases: vec![],
            props: vec![],
            nav: vec![],
            json: None,
            page_ns: ns.clone(),
        });
    }
    // Tables belong to the first resource on the page (pages with two resources are rare).
    let target = &mut defs[0];
    for (_, table) in page.tables() {
        match table.kind {
            TableKind::Properties => target.props.extend(rows(table, diags)),
            TableKind::Relationships => target.nav.extend(rows(table, diags)),
            _ => {}
        }
    }
    if target.def.key.is_none()
        && resources.is_empty()
        && target.props.iter().any(|p| p.name == "id")
    {
        target.def.kind = TypeKind::Entity;
        target.def.key = Some("id".into());
    }
    target.bases.extend(inherits_from(page));
    let inherited: Vec<BaseClaim> = target
        .props
        .iter()
        .chain(&target.nav)
        .filter_map(|p| {
            let c = INHERITED_ROW.captures(&p.description)?;
            Some(BaseClaim {
                name: c[1].to_string(),
                link: None,
                loc: p.loc.clone(),
                source: BaseSource::InheritedRows,
            })
        })
        .collect();
    target.bases.extend(inherited);
    out.extend(defs);
}

static INHERITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:inherits|derives|derived|inherited)\s+from\s+(?:the\s+)?\**`?([A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])")
        .unwrap()
});
static INHERITED_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\binherited\s+from\s+(?:the\s+)?\**`?([A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])")
        .unwrap()
});
static ABSTRACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[.:]\s+)(?:this is |represents |it is |[\w ]{0,40}? is )?(?:an? |the )?abstract (?:base )?(?:type|class|entity)\b")
        .unwrap()
});

/// "Inherits from [x](x.md)." (or "Derived from x") in the prose before the first section.
fn inherits_from(page: &Page) -> Option<BaseClaim> {
    page.paragraphs()
        .filter(|(s, _)| page.h2_of(*s).is_none_or(|h| h.level == 1))
        .find_map(|(_, p)| {
            let c = INHERITS.captures(&p.text)?;
            let name = c.get(1)?;
            let link = p
                .links
                .iter()
                .find(|l| l.label.trim_matches(|c: char| c == '*' || c == '`') == name.as_str());
            Some(BaseClaim {
                name: name.as_str().to_string(),
                link: link.map(|l| l.target.clone()),
                loc: p.loc.clone(),
                source: BaseSource::Prose,
            })
        })
}

/// The page says its type is abstract: the annotation's `abstract`, or the description or
/// the first paragraph ("An abstract base type for ...", "x is an abstract type").
fn says_abstract(page: &Page) -> bool {
    let intro = page
        .paragraphs()
        .find(|(s, _)| page.h2_of(*s).is_none_or(|h| h.level == 1))
        .map(|(_, p)| p.text.as_str());
    let description = page.front_matter.get("description").map(String::as_str);
    [intro, description]
        .into_iter()
        .flatten()
        .any(|t| ABSTRACT.is_match(t.trim()))
}

/// Add what a second definition of a type has and the first lacks.
fn merge_raw(first: &mut RawType, t: RawType) {
    for p in t.props {
        if !first.props.iter().any(|q| q.name == p.name) {
            first.props.push(p);
        }
    }
    for p in t.nav {
        if !first
            .nav
            .iter()
            .chain(&first.props)
            .any(|q| q.name == p.name)
        {
            first.nav.push(p);
        }
    }
    first.bases.extend(t.bases);
    if first.def.key.is_none() && t.def.key.is_some() {
        first.def.key = t.def.key;
        first.def.kind = TypeKind::Entity;
    }
    first.def.is_abstract |= t.def.is_abstract;
    first.def.open |= t.def.open;
    if first.json.is_none() {
        first.json = t.json;
    }
}

pub(super) fn rows(table: &Table, diags: &mut Diagnostics) -> Vec<RawProp> {
    let name_col = table
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
    // A `Name | Value | Description` request body table types its rows in the Value column.
    let Some(type_col) = table.column(&["type"]).or_else(|| table.column(&["value"])) else {
        return vec![];
    };
    let desc_col = table.column(&["description"]);
    let mut out = Vec::new();
    for row in &table.rows {
        let (Some(name), Some(ty)) = (row.get(name_col), row.get(type_col)) else {
            diags.emit(
                Code::TableMalformed,
                table.loc.clone(),
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
        out.push(RawProp {
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

fn collect_enums(page: &Page) -> Vec<EnumDef> {
    let ns = page_ns(page);
    let mut out: Vec<EnumDef> = Vec::new();
    let mut current: Option<(Option<usize>, usize)> = None; // (section, index in out)
    for block in &page.blocks {
        let BlockKind::Table(table) = &block.kind else {
            continue;
        };
        if table.kind != TableKind::EnumMembers {
            continue;
        }
        let heading = block.section.map(|i| &page.headings[i]);
        let from_heading = heading.and_then(|h| VALUES_HEADING.captures(h.text.trim()));
        let (name, flags, loc) = if let Some(c) = from_heading {
            let h = heading.unwrap();
            (
                c[1].to_string(),
                c.get(2).is_some() || h.text.contains("flags"),
                h.loc.clone(),
            )
        } else if page.kind == PageKind::Enum {
            let Some(title) = &page.title else { continue };
            (
                name_from_title(&title.value),
                title.value.to_lowercase().contains("flags"),
                title.loc.clone(),
            )
        } else {
            continue;
        };
        let members = members(table);
        let idx = match current {
            Some((s, i))
                if s == block.section
                    || page.kind == PageKind::Enum && out[i].name == qualify(&name, &ns) =>
            {
                i
            }
            _ => {
                out.push(EnumDef {
                    name: qualify(&name, &ns),
                    namespace: String::new(),
                    flags,
                    description: String::new(),
                    area: area_of(page),
                    members: vec![],
                    loc,
                });
                out.len() - 1
            }
        };
        current = Some((block.section, idx));
        out[idx].members.extend(members);
    }
    for e in &mut out {
        e.namespace = namespace_of(&e.name).to_string();
        if page.kind == PageKind::Enum {
            e.description = page
                .front_matter
                .get("description")
                .cloned()
                .unwrap_or_default();
        }
    }
    out
}

fn members(table: &Table) -> Vec<EnumMember> {
    let member_col = table.column(&["member", "member name"]);
    let value_col = table.column(&["value", "type value"]);
    let desc_col = table.column(&["description"]);
    let (name_col, num_col) = match (member_col, value_col) {
        (Some(m), v) => (m, v),
        (None, Some(v)) => (v, None),
        (None, None) => (0, None),
    };
    table
        .rows
        .iter()
        .filter_map(|row| {
            let cell = row.get(name_col)?;
            let name = cell
                .text
                .trim()
                .trim_matches(|c| c == '`' || c == '*')
                .trim();
            if name.is_empty() {
                return None;
            }
            Some(EnumMember {
                name: name.to_string(),
                value: num_col
                    .and_then(|c| row.get(c))
                    .map(|c| c.text.trim().to_string())
                    .filter(|v| !v.is_empty()),
                description: desc_col
                    .and_then(|c| row.get(c))
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
                loc: cell.loc.clone(),
            })
        })
        .collect()
}

fn merge_members(into: &mut EnumDef, from: EnumDef) {
    for m in from.members {
        if !into.members.iter().any(|x| x.name == m.name) {
            into.members.push(m);
        }
    }
}

pub(super) struct Resolver<'a> {
    index: &'a NameIndex,
}

impl Resolver<'_> {
    pub(super) fn props(
        &self,
        raw: &[RawProp],
        ns: &str,
        diags: &mut Diagnostics,
    ) -> Vec<Property> {
        let mut out: Vec<Property> = Vec::new();
        // Name → position in `out`: duplicates found in one lookup (tables can be long).
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for p in raw {
            if let Some(&prev) = seen.get(p.name.as_str()) {
                diags.push(
                    Diagnostic::new(
                        Code::PropertyDuplicate,
                        p.loc.clone(),
                        format!("property `{}` is listed twice; the first row wins", p.name),
                    )
                    .with_related(out[prev].loc.clone()),
                );
                continue;
            }
            seen.insert(&p.name, out.len());
            let (ty, collection) = self.cell(&p.ty, ns, diags);
            let lower = p.description.to_lowercase();
            out.push(Property {
                name: p.name.clone(),
                ty,
                collection,
                read_only: lower.contains("read-only") || lower.contains("readonly"),
                nullable: if lower.contains("not nullable") || lower.contains("non-nullable") {
                    Some(false)
                } else if lower.contains("nullable") {
                    Some(true)
                } else {
                    None
                },
                description: p.description.clone(),
                loc: p.loc.clone(),
            });
        }
        out
    }

    /// Resolve one Type cell.
    pub(super) fn cell(&self, cell: &Cell, ns: &str, diags: &mut Diagnostics) -> (TypeRef, bool) {
        match parse_type_spelling(&cell.raw) {
            Ok(s) => {
                let ty = match s.base {
                    Base::Primitive(p) => TypeRef::Primitive { primitive: p },
                    Base::Named { name, link } => self
                        .named(&name, link.as_deref(), ns, &cell.loc, diags)
                        .unwrap_or_else(|| {
                            diags.emit(
                                Code::TypeUnresolved,
                                cell.loc.clone(),
                                format!(
                                    "type `{name}` is not defined in the docs; kept as raw JSON"
                                ),
                            );
                            TypeRef::Opaque {
                                spelling: cell.text.clone(),
                            }
                        }),
                };
                (ty, s.collection)
            }
            Err(e) => {
                let why = match e {
                    SpellingError::Empty => "empty type cell".to_string(),
                    SpellingError::Placeholder => "type is a TODO placeholder".to_string(),
                    SpellingError::NoType => "type cell says `None`".to_string(),
                    SpellingError::Unrecognised(s) => format!("unrecognised type spelling `{s}`"),
                };
                diags.emit(
                    Code::TypeSpellingUnrecognised,
                    cell.loc.clone(),
                    format!("{why}; kept as raw JSON"),
                );
                (
                    TypeRef::Opaque {
                        spelling: cell.text.clone(),
                    },
                    false,
                )
            }
        }
    }

    /// Resolve a type name; diagnoses a namespace mismatch, returns None when undefined.
    pub(super) fn named(
        &self,
        name: &str,
        link: Option<&str>,
        ns: &str,
        loc: &Loc,
        diags: &mut Diagnostics,
    ) -> Option<TypeRef> {
        let Resolved {
            name: q,
            target,
            namespace_mismatch,
        } = self.index.resolve(name, link, ns)?;
        if let Some(wrong) = namespace_mismatch {
            diags.emit(
                Code::NamespaceMismatch,
                loc.clone(),
                format!("`{name}` names namespace `{wrong}`; resolved to `{q}`"),
            );
        }
        Some(match target {
            Target::Type => TypeRef::Complex { name: q },
            Target::Enum => TypeRef::Enum { name: q },
        })
    }
}

/// What the JSON representation says of a property the table types differently:
/// (type, property) → (type, collection). Used when data examples side with the JSON.
pub type JsonHints = BTreeMap<(String, String), (TypeRef, bool)>;

/// Compare the JSON representation with the tables: the table wins; JSON-only properties are
/// added (nothing is dropped), and each disagreement is a diagnostic.
fn cross_check(
    def: &mut TypeDef,
    json: &serde_json::Map<String, serde_json::Value>,
    loc: &Loc,
    r: &Resolver,
    ns: &str,
    hints: &mut JsonHints,
    diags: &mut Diagnostics,
) {
    // Name → the first property (or, after them, navigation property) of that name: one
    // lookup per key, however long the JSON and the tables are.
    // (JSON keys are unique, so the properties added below need no entry.)
    let mut index: BTreeMap<String, (bool, usize)> = BTreeMap::new();
    for (i, p) in def.properties.iter().enumerate() {
        index.entry(p.name.clone()).or_insert((false, i));
    }
    for (i, p) in def.navigation.iter().enumerate() {
        index.entry(p.name.clone()).or_insert((true, i));
    }
    for (key, value) in json {
        if key.starts_with('@') {
            continue;
        }
        let inferred = shape::infer(value);
        let known = match index.get(key) {
            Some(&(false, i)) => def.properties.get(i),
            Some(&(true, i)) => def.navigation.get(i),
            None => None,
        };
        match (known, inferred) {
            (Some(p), Some((base, collection))) => {
                if let Some(why) = disagreement(p, &base, collection) {
                    let hint = match &base {
                        Base::Primitive(prim) => Some(TypeRef::Primitive { primitive: *prim }),
                        Base::Named { name, .. } => {
                            r.named(name, None, ns, loc, &mut Diagnostics::default())
                        }
                    };
                    if let Some(hint) = hint {
                        hints.insert((def.name.clone(), p.name.clone()), (hint, collection));
                    }
                    diags.emit(
                        Code::TypeTableJsonMismatch,
                        p.loc.clone(),
                        format!(
                            "`{}`: table and JSON representation disagree ({why}); the table wins",
                            p.name
                        ),
                    );
                }
            }
            (Some(_), None) => {}
            (None, inferred) => {
                let (ty, collection) = match inferred {
                    Some((Base::Primitive(p), c)) => (TypeRef::Primitive { primitive: p }, c),
                    Some((Base::Named { name, .. }, c)) => (
                        r.named(&name, None, ns, loc, diags)
                            .unwrap_or(TypeRef::Opaque { spelling: name }),
                        c,
                    ),
                    None => (
                        TypeRef::Primitive {
                            primitive: Primitive::Json,
                        },
                        false,
                    ),
                };
                diags.emit(
                    Code::PropertyOnlyInJson,
                    loc.clone(),
                    format!(
                        "`{key}` appears only in the JSON representation of `{}`; added",
                        def.name
                    ),
                );
                def.properties.push(Property {
                    name: key.clone(),
                    ty,
                    collection,
                    read_only: false,
                    nullable: None,
                    description: String::new(),
                    loc: loc.clone(),
                });
            }
        }
    }
}

fn disagreement(p: &Property, base: &Base, collection: bool) -> Option<String> {
    if p.collection != collection {
        return Some(format!(
            "table says {}a collection, JSON says {}",
            if p.collection { "" } else { "not " },
            if collection {
                "collection"
            } else {
                "single value"
            }
        ));
    }
    match (&p.ty, base) {
        (TypeRef::Complex { name }, Base::Named { name: j, .. }) => {
            let a = simple_name(name);
            let b = simple_name(j.trim_start_matches('#'));
            (!a.eq_ignore_ascii_case(b)).then(|| format!("`{a}` vs `{b}`"))
        }
        (TypeRef::Complex { name }, Base::Primitive(p)) if *p != Primitive::Json => {
            Some(format!("`{}` vs `{p:?}`", simple_name(name)))
        }
        (TypeRef::Primitive { primitive }, Base::Named { name, .. }) => {
            Some(format!("`{primitive:?}` vs `{name}`"))
        }
        (TypeRef::Primitive { primitive: a }, Base::Primitive(b)) => {
            let (fa, fb) = (shape::family(*a), shape::family(*b));
            (fa != fb && fa != Family::Any && fb != Family::Any)
                .then(|| format!("`{a:?}` vs `{b:?}`"))
        }
        _ => None,
    }
}

pub(super) fn break_base_cycles(ir: &mut Ir, diags: &mut Diagnostics) {
    let names: Vec<String> = ir.types.keys().cloned().collect();
    for name in names {
        let mut seen = vec![name.clone()];
        let mut cur = ir.types[&name].base.clone();
        while let Some(b) = cur {
            if seen.contains(&b) {
                let t = ir.types.get_mut(&name).unwrap();
                diags.emit(
                    Code::BaseTypeCycle,
                    t.loc.clone(),
                    format!("base types of `{name}` form a cycle; base dropped"),
                );
                t.base = None;
                break;
            }
            seen.push(b.clone());
            cur = ir.types.get(&b).and_then(|t| t.base.clone());
        }
    }
}

/// Rows repeated from a base type ("Inherited from [x]") are not the derived type's own.
fn drop_inherited_rows(ir: &mut Ir) {
    let names: Vec<String> = ir.types.keys().cloned().collect();
    for name in names {
        let mut inherited: Vec<String> = Vec::new();
        let mut cur = ir.types[&name].base.clone();
        while let Some(b) = cur {
            let Some(t) = ir.types.get(&b) else { break };
            inherited.extend(
                t.properties
                    .iter()
                    .chain(&t.navigation)
                    .map(|p| p.name.clone()),
            );
            cur = t.base.clone();
        }
        if inherited.is_empty() {
            continue;
        }
        let t = ir.types.get_mut(&name).unwrap();
        t.properties.retain(|p| !inherited.contains(&p.name));
        t.navigation.retain(|p| !inherited.contains(&p.name));
    }
}

/// The location of a byte offset inside a code block's body.
pub(super) fn body_loc(block: &CodeBlock, body: &str, offset: usize) -> Loc {
    let (line, col) = crate::source::LineIndex::new(body).line_col(body, offset);
    Loc {
        file: block.loc.file.clone(),
        line: block.body_line + line - 1,
        col,
    }
}

/// Split an `http` example into its first line and JSON body (after the headers).
pub fn http_body(text: &str) -> (Option<&str>, usize) {
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

/// Whether `t` or one of its base types has a property named `name`.
pub fn has_property(ir: &Ir, t: &TypeDef, name: &str) -> bool {
    declaring_type(ir, t, name).is_some()
}
