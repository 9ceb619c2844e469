//! `doc2rs lint --metadata FILE.xml`: the docs' IR against an official CSDL document.
//!
//! The candidate is the project's own CSDL export ([`crate::export::csdl::to_csdl`]) read
//! back with the same reader as the official file ([`csdl_read`]), so the figures are those
//! the referee (`../shared/tools/csdl_compare.py`) prints for `doc2rs export --format csdl`.
//! [`compare`] ports the referee's rules and yields one finding per disagreement; here each
//! finding becomes a [`Diagnostic`] at the doc line behind it (a property's row, a type's
//! page, where a base is stated), or at the official file's line when the docs have nothing
//! to point at. Doc-located findings name the official line as related.

pub mod compare;
pub mod csdl_read;
pub mod paths;
#[cfg(test)]
mod paths_tests;
#[cfg(test)]
mod tests;

use crate::diag::{Diagnostic, Loc};
use crate::ir::{Ir, Property, TypeDef, TypeRef, namespace_of, simple_name};
use compare::{Anchor, Figures, Finding};
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome of a metadata lint.
#[derive(Debug, Clone)]
pub struct MetadataLint {
    pub figures: Figures,
    /// Sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The official file as given: the `file` of the diagnostics located in it.
    pub official_file: String,
}

/// Reads `official` and compares `ir` with it.
pub fn lint(ir: &Ir, official: &Path) -> Result<MetadataLint, String> {
    let label = official.display().to_string();
    let text = std::fs::read_to_string(official).map_err(|e| format!("{label}: {e}"))?;
    lint_text(ir, &text, &label)
}

/// [`lint`] on the official document's text; `label` names it in locations.
pub fn lint_text(ir: &Ir, official: &str, label: &str) -> Result<MetadataLint, String> {
    let off = csdl_read::read(official).map_err(|e| format!("{label}:{e}"))?;
    let export = crate::export::csdl::to_csdl(ir);
    let cand = csdl_read::read(&export).map_err(|e| format!("the CSDL export:{e}"))?;
    let cmp = compare::compare(&off, &cand);
    let places = Places::new(ir);
    let mut diagnostics: Vec<Diagnostic> = cmp
        .findings
        .iter()
        .map(|f| places.diagnostic(f, label))
        .collect();
    let mut figures = cmp.figures;
    let (total, resolved, unresolved) = paths::check(ir, &off, label);
    figures.paths_total = total;
    figures.paths_resolved = resolved;
    figures.path_resolution = compare::ratio(resolved, total);
    diagnostics.extend(unresolved);
    diagnostics.sort();
    Ok(MetadataLint {
        figures,
        diagnostics,
        official_file: label.to_string(),
    })
}

/// `0.875` → `.875`, `1.0` → `1.000` (three decimals, as the github notice prints them).
pub fn short_ratio(v: f64) -> String {
    let s = format!("{v:.3}");
    s.strip_prefix('0').map(str::to_string).unwrap_or(s)
}

/// The figures as `key value` pairs joined by `, ` (ratios as [`short_ratio`]).
pub fn figures_line(f: &Figures) -> String {
    let rows = f.rows().map(|(k, v)| match v {
        compare::Value::Count(n) => format!("{k} {n}"),
        compare::Value::Ratio(r) => format!("{k} {}", short_ratio(r)),
    });
    rows.join(", ")
}

/// The figures as a two-column table (`figure`, `value` with three decimals).
pub fn figures_table(f: &Figures) -> String {
    let mut out = format!("{:<26} {}\n", "figure", "value");
    for (k, v) in f.rows() {
        let v = match v {
            compare::Value::Count(n) => n.to_string(),
            compare::Value::Ratio(r) => format!("{r:.3}"),
        };
        out.push_str(&format!("{k:<26} {v}\n"));
    }
    out
}

/// Doc locations by the candidate's (lowercased) names.
struct Places<'a> {
    types: BTreeMap<String, &'a TypeDef>,
    enums: BTreeMap<String, Loc>,
    /// Lowercased short name → the first doc property whose type names it.
    references: BTreeMap<String, Loc>,
}

impl<'a> Places<'a> {
    fn new(ir: &'a Ir) -> Self {
        // In the export's order (schema by namespace, then name): the last of two names
        // equal but for case is the one a reader keeps, as for the referee.
        let types = export_order(ir.types.values().map(|t| (t.name.as_str(), t)));
        let enums = export_order(ir.enums.values().map(|e| (e.name.as_str(), e.loc.clone())));
        let mut references: BTreeMap<String, Loc> = BTreeMap::new();
        for t in ir.types.values() {
            for p in t.properties.iter().chain(&t.navigation) {
                for name in named(&p.ty) {
                    let loc = references.entry(name).or_insert_with(|| p.loc.clone());
                    if p.loc < *loc {
                        *loc = p.loc.clone();
                    }
                }
            }
        }
        Places {
            types,
            enums,
            references,
        }
    }

    fn property(&self, ty: &str, prop: &str) -> Option<&'a Property> {
        let t = self.types.get(ty)?;
        let mut all = t.properties.iter().chain(&t.navigation);
        all.find(|p| p.name.to_lowercase() == prop)
    }

    fn doc_loc(&self, anchor: &Anchor) -> Option<Loc> {
        match anchor {
            Anchor::Property { ty, prop } => self
                .property(ty, prop)
                .map(|p| p.loc.clone())
                .or_else(|| self.types.get(ty).map(|t| t.loc.clone())),
            Anchor::Type { ty } => self.types.get(ty).map(|t| t.loc.clone()),
            Anchor::Base { ty } => self.types.get(ty).map(|t| match &t.base_source {
                Some(b) => b.loc.clone(),
                None => t.loc.clone(),
            }),
            Anchor::Enum { name } => self.enums.get(name).cloned(),
            Anchor::Reference { short } => self.references.get(short).cloned(),
            Anchor::Official => None,
        }
    }

    fn diagnostic(&self, f: &Finding, label: &str) -> Diagnostic {
        let official = Loc {
            file: label.to_string(),
            line: f.official.line,
            col: f.official.col,
        };
        let mut message = f.message.clone();
        match &f.anchor {
            // The export writes an unresolved type as a fallback; say what the docs wrote.
            Anchor::Property { ty, prop } => {
                if let Some(TypeRef::Opaque { spelling }) = self.property(ty, prop).map(|p| &p.ty) {
                    message.push_str(&format!(
                        " (the export's fallback for the unresolved `{}`)",
                        spelling.trim()
                    ));
                }
            }
            Anchor::Reference { short } if self.references.contains_key(short) => {
                message.push_str("; a property here names it");
            }
            _ => {}
        }
        match self.doc_loc(&f.anchor) {
            Some(loc) => Diagnostic::new(f.code, loc, message).with_related(official),
            None => Diagnostic::new(f.code, official, message),
        }
    }
}

/// Lowercased name → value, inserted in the CSDL export's order (the last of two names that
/// differ only in case wins).
fn export_order<'n, V>(items: impl Iterator<Item = (&'n str, V)>) -> BTreeMap<String, V> {
    let mut items: Vec<(&str, V)> = items.collect();
    items.sort_by(|(a, _), (b, _)| (namespace_of(a), a).cmp(&(namespace_of(b), b)));
    let lower = items.into_iter().map(|(n, v)| (n.to_lowercase(), v));
    lower.collect()
}

/// The lowercased short names a doc type reference names: the type or enum, or for an
/// unresolved spelling each identifier in it (its last dotted part).
fn named(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Complex { name } | TypeRef::Enum { name } => {
            vec![simple_name(name).to_lowercase()]
        }
        TypeRef::Opaque { spelling } => {
            let words =
                spelling.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
            let mut out: Vec<String> = words
                .filter_map(|w| w.trim_matches('.').rsplit('.').next())
                .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
                .map(str::to_lowercase)
                .collect();
            out.sort();
            out.dedup();
            out
        }
        TypeRef::Primitive { .. } => vec![],
    }
}
