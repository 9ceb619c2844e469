//! The global name index: resolves type names as the docs write them (qualified, bare,
//! wrong namespace, wrong case, or only a link to the defining page) to defined types; and
//! the [`Resolver`] that turns names, Type cells and property rows into the IR's types
//! with their diagnostics.

use super::typespell::{Base, SpellingError, parse_type_spelling};
use super::{Property, TypeRef, namespace_of, simple_name};
use crate::diag::{Code, Diagnostic, Diagnostics, Loc};
use crate::page::{Cell, PropertyRow};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Type,
    Enum,
}

#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    /// lower-cased qualified name → (canonical qualified name, target)
    qualified: BTreeMap<String, (String, Target)>,
    /// lower-cased simple name → canonical qualified names
    simple: BTreeMap<String, BTreeSet<String>>,
    /// lower-cased page file stem → qualified names defined there
    files: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub name: String,
    pub target: Target,
    /// The namespace the docs wrote, when it differs from the definition's.
    pub namespace_mismatch: Option<String>,
}

/// The stem of a link target: `../resources/keyvaluepair.md#x` → `keyvaluepair`.
pub(crate) fn link_stem(target: &str) -> Option<String> {
    let path = target.split(['#', '?']).next()?;
    let file = path.rsplit('/').next()?;
    let stem = file.strip_suffix(".md")?;
    (!stem.is_empty()).then(|| stem.to_lowercase())
}

impl NameIndex {
    pub fn insert(&mut self, qualified: &str, target: Target, file: &str) {
        let lc = qualified.to_lowercase();
        self.qualified
            .entry(lc)
            .or_insert_with(|| (qualified.to_string(), target));
        self.simple
            .entry(simple_name(qualified).to_lowercase())
            .or_default()
            .insert(qualified.to_string());
        if let Some(stem) = link_stem(file) {
            self.files
                .entry(stem)
                .or_default()
                .insert(qualified.to_string());
        }
    }

    fn exact(&self, qualified: &str) -> Option<(String, Target)> {
        self.qualified.get(&qualified.to_lowercase()).cloned()
    }

    /// Resolve `name` (as written) seen on a page of namespace `page_ns`, with an optional
    /// markdown link target that points at the defining page.
    pub fn resolve(&self, name: &str, link: Option<&str>, page_ns: &str) -> Option<Resolved> {
        let name = name.trim().trim_start_matches('#');
        let found = |(name, target): (String, Target)| Resolved {
            name,
            target,
            namespace_mismatch: None,
        };
        if let Some((ns, simple)) = name.rsplit_once('.') {
            if let Some(hit) = self.exact(name) {
                return Some(found(hit));
            }
            // Right name, wrong (or misspelt) namespace.
            let mut r = self.by_simple(simple, page_ns)?;
            r.namespace_mismatch = Some(ns.to_string());
            return Some(r);
        }
        if let Some(r) = self.by_simple(name, page_ns) {
            return Some(r);
        }
        // A label that is prose ("synchronization template") but a link to the page.
        let stem = link.and_then(link_stem)?;
        let defs = self.files.get(&stem)?;
        let q = defs.iter().next()?;
        self.exact(q).map(found)
    }

    fn by_simple(&self, simple: &str, page_ns: &str) -> Option<Resolved> {
        let candidates = self.simple.get(&simple.to_lowercase())?;
        let pick = |ns: &str| {
            candidates
                .iter()
                .find(|q| namespace_of(q).eq_ignore_ascii_case(ns))
        };
        let q = pick(page_ns)
            .or_else(|| pick("microsoft.graph"))
            .or_else(|| candidates.iter().next())?;
        let (name, target) = self.exact(q)?;
        Some(Resolved {
            name,
            target,
            namespace_mismatch: None,
        })
    }
}

/// `x` on a page of namespace `ns` → `ns.x`; a qualified name (`#` dropped) stays.
pub(crate) fn qualify(name: &str, ns: &str) -> String {
    let name = name.trim().trim_start_matches('#');
    if name.contains('.') {
        name.to_string()
    } else {
        format!("{ns}.{name}")
    }
}

/// Names, Type cells and property rows resolved against the index, each irregularity a
/// diagnostic.
pub(crate) struct Resolver<'a> {
    index: &'a NameIndex,
}

impl<'a> Resolver<'a> {
    pub fn new(index: &'a NameIndex) -> Self {
        Resolver { index }
    }
}

impl Resolver<'_> {
    pub fn props(&self, raw: &[PropertyRow], ns: &str, diags: &mut Diagnostics) -> Vec<Property> {
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
    pub fn cell(&self, cell: &Cell, ns: &str, diags: &mut Diagnostics) -> (TypeRef, bool) {
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
    pub fn named(
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

#[cfg(test)]
mod tests {
    use super::{NameIndex, Target};

    fn index() -> NameIndex {
        let mut ix = NameIndex::default();
        ix.insert(
            "microsoft.graph.synchronizationJob",
            Target::Type,
            "resources/synchronization-synchronizationjob.md",
        );
        ix.insert(
            "microsoft.graph.keyValuePair",
            Target::Type,
            "resources/keyvaluepair.md",
        );
        ix.insert(
            "microsoft.graph.attributeType",
            Target::Enum,
            "resources/enums.md",
        );
        ix.insert(
            "microsoft.graph.callRecords.session",
            Target::Type,
            "resources/callrecords-session.md",
        );
        ix
    }

    #[test]
    fn resolves_every_spelling() {
        let ix = index();
        let r = ix
            .resolve("synchronizationjob", None, "microsoft.graph")
            .unwrap();
        assert_eq!(r.name, "microsoft.graph.synchronizationJob");
        let r = ix
            .resolve("microsoft.graph.keyValuePair", None, "microsoft.graph")
            .unwrap();
        assert_eq!(r.namespace_mismatch, None);
        let r = ix
            .resolve(
                "microsoft.synchronization.keyValuePair",
                None,
                "microsoft.graph",
            )
            .unwrap();
        assert_eq!(r.name, "microsoft.graph.keyValuePair");
        assert_eq!(
            r.namespace_mismatch.as_deref(),
            Some("microsoft.synchronization")
        );
        let r = ix
            .resolve("attributeType", None, "microsoft.graph")
            .unwrap();
        assert_eq!(r.target, Target::Enum);
        let r = ix
            .resolve(
                "synchronization job",
                Some("../resources/synchronization-synchronizationjob.md#x"),
                "microsoft.graph",
            )
            .unwrap();
        assert_eq!(r.name, "microsoft.graph.synchronizationJob");
        let r = ix
            .resolve("session", None, "microsoft.graph.callRecords")
            .unwrap();
        assert_eq!(r.name, "microsoft.graph.callRecords.session");
        assert!(ix.resolve("nothing", None, "microsoft.graph").is_none());
    }
}
