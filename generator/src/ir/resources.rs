//! Resource pages → [`TypeDef`]s: each page read on its own into raw types (the `resource`
//! annotation, the Properties and Relationships tables, the base statements, the JSON
//! representation) and data examples; duplicate definitions merged into the fuller one;
//! then each type resolved against the name index (its rows typed, its base statements
//! made [`hierarchy::Claim`]s, its JSON representation cross-checked).

use super::enums::Enums;
use super::hierarchy;
use super::representation::{JsonHints, cross_check};
use super::resolve::{NameIndex, Resolver, Target, qualify};
use super::{
    BaseSource, Example, ExampleKind, Ir, TypeDef, TypeKind, TypeRef, area_of, namespace_of,
};
use crate::diag::{Code, Diagnostic, Diagnostics, Loc};
use crate::jsonc;
use crate::page::{CodeBlock, Page, PageKind, PropertyRow, TableKind, name_from_title};
use rayon::prelude::*;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A statement of a type's base as the docs write it, before resolution.
struct BaseClaim {
    name: String,
    link: Option<String>,
    loc: Loc,
    source: BaseSource,
}

/// A type as one page defines it, before resolution.
pub(super) struct RawType {
    def: TypeDef,
    bases: Vec<BaseClaim>,
    props: Vec<PropertyRow>,
    nav: Vec<PropertyRow>,
    json: Option<(serde_json::Map<String, serde_json::Value>, Loc)>,
    page_ns: String,
}

#[cfg(test)]
impl RawType {
    /// What the pass tests show of a type before resolution: its name, key, rows (name and
    /// Type cell), relationships and base statements as written.
    pub(super) fn summary(&self) -> serde_json::Value {
        let rows = |rows: &[PropertyRow]| -> Vec<String> {
            rows.iter()
                .map(|p| format!("{}: {}", p.name, p.ty.text))
                .collect()
        };
        serde_json::json!({
            "name": self.def.name,
            "key": self.def.key,
            "props": rows(&self.props),
            "nav": rows(&self.nav),
            "bases": self.bases.iter().map(|b| &b.name).collect::<Vec<_>>(),
            "json": self.json.is_some(),
        })
    }
}

/// Data blocks on resource pages: (type as written, page namespace, body, location).
pub(super) type ResourceExamples = Vec<(String, String, serde_json::Value, Loc)>;

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

/// The types one resource page defines and its data examples.
pub(super) fn read(
    page: &Page,
    out: &mut Vec<RawType>,
    examples: &mut ResourceExamples,
    diags: &mut Diagnostics,
) {
    let ns = page.ns();
    let resources: Vec<&CodeBlock> = page
        .code_blocks()
        .filter(|(_, c)| c.annotation.as_ref().and_then(|a| a.block_type()) == Some("resource"))
        .map(|(_, c)| c)
        .collect();
    example_blocks(page, &ns, examples);
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
    let mut defs = annotated_types(page, &resources, &ns, &description, examples, diags);
    if defs.is_empty() {
        let Some(def) = titled_type(page, &ns, description, diags) else {
            return;
        };
        defs.push(def);
    }
    // Tables belong to the first resource on the page (pages with two resources are rare).
    add_tables(page, &mut defs[0], resources.is_empty(), diags);
    out.extend(defs);
}

/// Blocks annotated `example` with a type: data examples of it.
fn example_blocks(page: &Page, ns: &str, examples: &mut ResourceExamples) {
    for (_, c) in page.code_blocks() {
        let Some(ann) = c
            .annotation
            .as_ref()
            .filter(|a| a.block_type() == Some("example"))
        else {
            continue;
        };
        if let (Some(t), Ok(v)) = (ann.odata_type(), jsonc::parse_lenient(&c.text)) {
            examples.push((t.to_string(), ns.to_string(), v.value, c.body_loc(0)));
        }
    }
}

/// A type per `resource` block (its annotation's `@odata.type`); a repeated block of a type
/// is an example of it.
fn annotated_types(
    page: &Page,
    resources: &[&CodeBlock],
    ns: &str,
    description: &str,
    examples: &mut ResourceExamples,
    diags: &mut Diagnostics,
) -> Vec<RawType> {
    let mut defs: Vec<RawType> = Vec::new();
    for block in resources {
        let ann = block.annotation.as_ref().unwrap();
        let Some(name) = ann.odata_type() else {
            diags.emit(
                Code::ResourceWithoutType,
                ann.loc.clone(),
                "resource annotation has no `@odata.type`",
            );
            continue;
        };
        let name = qualify(name, ns);
        if defs.iter().any(|d| d.def.name.eq_ignore_ascii_case(&name)) {
            // A repeated resource block on the same page is an example of the type.
            if let Ok(v) = jsonc::parse_lenient(&block.text) {
                examples.push((name, ns.to_string(), v.value, block.body_loc(0)));
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
                    block.body_loc(e.offset),
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
                description: description.to_string(),
                area: area_of(page),
                properties: vec![],
                navigation: vec![],
                loc: ann.loc.clone(),
            },
            bases,
            props: vec![],
            nav: vec![],
            json,
            page_ns: ns.to_string(),
        });
    }
    defs
}

/// A resource page without a resource annotation: the type its title names.
fn titled_type(
    page: &Page,
    ns: &str,
    description: String,
    diags: &mut Diagnostics,
) -> Option<RawType> {
    let title = page.title.as_ref()?;
    let name = qualify(&name_from_title(&title.value), ns);
    diags.emit(
        Code::ResourceWithoutType,
        title.loc.clone(),
        format!("resource page has no resource annotation; type `{name}` taken from the title"),
    );
    Some(RawType {
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
        page_ns: ns.to_string(),
    })
}

/// The page's Properties and Relationships rows, its key (`id`, on a page without an
/// annotation) and its base statements (prose, "Inherited from" rows), for `target`.
fn add_tables(page: &Page, target: &mut RawType, unannotated: bool, diags: &mut Diagnostics) {
    for (_, table) in page.tables() {
        match table.kind {
            TableKind::Properties => target.props.extend(table.property_rows(diags)),
            TableKind::Relationships => target.nav.extend(table.property_rows(diags)),
            _ => {}
        }
    }
    if target.def.key.is_none() && unannotated && target.props.iter().any(|p| p.name == "id") {
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
}

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

/// Merge duplicate type definitions: the richest (most rows; then first by file) is the
/// definition, the others add what it lacks (rows, relationships, base, key, JSON). Which
/// one wins depends only on the definitions of that name, never on other pages. A type and
/// an enum of one name: the type wins. Then every type and enum name is indexed.
pub(super) fn merge_duplicates(
    raw_types: Vec<RawType>,
    enums: &mut Enums,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, RawType>, NameIndex) {
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
    for t in raw_types {
        let key = t.def.name.to_lowercase();
        if let Some(e) = enums.remove_key(&key) {
            diags.push(
                Diagnostic::new(
                    Code::TypeDuplicate,
                    t.def.loc.clone(),
                    format!(
                        "`{}` is defined both as a type and as an enum; the type wins",
                        t.def.name
                    ),
                )
                .with_related(e.loc.clone()),
            );
        }
        merged.insert(t.def.name.clone(), t);
    }
    let mut index = NameIndex::default();
    for t in merged.values() {
        index.insert(&t.def.name, Target::Type, &t.def.loc.file);
    }
    for e in enums.values() {
        index.insert(&e.name, Target::Enum, &e.loc.file);
    }
    (merged, index)
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

/// Resolve each type (in parallel; combined in name order) into `ir.types`: its rows typed,
/// its base statements made claims, its JSON representation cross-checked.
pub(super) fn resolve(
    merged: BTreeMap<String, RawType>,
    r: &Resolver,
    ir: &mut Ir,
    diags: &mut Diagnostics,
) -> (Vec<hierarchy::Claim>, JsonHints) {
    let mut hints = JsonHints::new();
    let mut claims: Vec<hierarchy::Claim> = Vec::new();
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
            let mut def = raw.def;
            def.properties = r.props(&raw.props, &raw.page_ns, &mut diags);
            def.navigation = r.props(&raw.nav, &raw.page_ns, &mut diags);
            let claims = base_claims(&name, &def.name, raw.bases, &raw.page_ns, r, &mut diags);
            if let Some((json, loc)) = &raw.json {
                cross_check(&mut def, json, loc, r, &raw.page_ns, &mut hints, &mut diags);
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
    (claims, hints)
}

/// A type's base statements resolved: annotations and linked prose are meant as base
/// statements (an undefined name there is reported); row descriptions and bare prose words
/// are only evidence.
fn base_claims(
    name: &str,
    def_name: &str,
    bases: Vec<BaseClaim>,
    ns: &str,
    r: &Resolver,
    diags: &mut Diagnostics,
) -> Vec<hierarchy::Claim> {
    let mut claims = Vec::new();
    for c in bases {
        let stated = c.source == BaseSource::Annotation
            || (c.source == BaseSource::Prose && c.link.is_some());
        let mut quiet = Diagnostics::default();
        let sink = if stated { &mut *diags } else { &mut quiet };
        match r.named(&c.name, c.link.as_deref(), ns, &c.loc, sink) {
            Some(TypeRef::Complex { name: base }) => claims.push(hierarchy::Claim {
                ty: name.to_string(),
                base,
                source: c.source,
                loc: c.loc,
            }),
            _ if stated => diags.emit(
                Code::BaseTypeUnresolved,
                c.loc,
                format!("base type `{}` of `{}` is not defined", c.name, def_name),
            ),
            _ => {}
        }
    }
    claims
}

/// The data examples of resource pages whose type is defined.
pub(super) fn add_examples(
    ir: &mut Ir,
    examples: ResourceExamples,
    r: &Resolver,
    diags: &mut Diagnostics,
) {
    for (name, ns, body, loc) in examples {
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
}
