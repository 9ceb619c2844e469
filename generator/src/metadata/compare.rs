//! The referee's comparison (`../shared/tools/csdl_compare.py`), ported rule for rule, plus
//! one [`Finding`] for each disagreement it counts.
//!
//! - An official type is matched by its full name, else by its short name (the first
//!   candidate type with that short name, in document order).
//! - An official property is matched when the matched candidate type declares that name as a
//!   property or a navigation property (its own, not inherited); its type agrees by
//!   [`same_type`]. Navigation properties: the name alone.
//! - Bases: every official type with a base, matched, agrees by [`same_type`].
//! - Enums: by full name (when it has members) else the first candidate enum with the short
//!   name; members by lowercased name.
//! - Operations: the unique lowercased names of `Action`s and `Function`s.
//!
//! A ratio over nothing is 1.

use super::csdl_read::{Csdl, Pos, StructType};
use crate::diag::Code;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The referee's figures, with its `--json` keys, in its order; then the path figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    pub types_official: usize,
    pub types_candidate: usize,
    pub type_recall: f64,
    pub type_precision: f64,
    pub property_recall: f64,
    pub property_type_agreement: f64,
    pub nav_recall: f64,
    pub base_type_agreement: f64,
    pub enum_member_recall: f64,
    pub operation_recall: f64,
    /// Documented request paths (not the referee's: [`super::paths`]).
    pub paths_total: usize,
    /// Of those, the paths that exist in the official service.
    pub paths_resolved: usize,
    pub path_resolution: f64,
}

/// A figure's value: a count or a ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(usize),
    Ratio(f64),
}

impl Figures {
    /// `(key, value)` in the referee's order.
    pub fn rows(&self) -> [(&'static str, Value); 13] {
        use Value::{Count, Ratio};
        [
            ("types_official", Count(self.types_official)),
            ("types_candidate", Count(self.types_candidate)),
            ("type_recall", Ratio(self.type_recall)),
            ("type_precision", Ratio(self.type_precision)),
            ("property_recall", Ratio(self.property_recall)),
            (
                "property_type_agreement",
                Ratio(self.property_type_agreement),
            ),
            ("nav_recall", Ratio(self.nav_recall)),
            ("base_type_agreement", Ratio(self.base_type_agreement)),
            ("enum_member_recall", Ratio(self.enum_member_recall)),
            ("operation_recall", Ratio(self.operation_recall)),
            ("paths_total", Count(self.paths_total)),
            ("paths_resolved", Count(self.paths_resolved)),
            ("path_resolution", Ratio(self.path_resolution)),
        ]
    }
}

/// What in the docs a finding is about, by candidate (export) key; the caller turns it into a
/// doc location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Anchor {
    /// A property (or navigation property) of a candidate type, by lowercased name.
    Property { ty: String, prop: String },
    /// A candidate type.
    Type { ty: String },
    /// The base of a candidate type.
    Base { ty: String },
    /// A candidate enum.
    Enum { name: String },
    /// Something the docs do not define: a doc property naming it (by lowercased short
    /// name), else the official file.
    Reference { short: String },
    /// Only the official file.
    Official,
}

/// One disagreement: its code, a message, where it is in the official file, and what in the
/// docs it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    pub official: Pos,
    pub anchor: Anchor,
}

/// The figures and findings of `official` against `candidate`.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub figures: Figures,
    pub findings: Vec<Finding>,
}

pub(super) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn short(n: &str) -> &str {
    n.rsplit('.').next().unwrap_or(n)
}

fn is_collection(t: &str) -> bool {
    t.starts_with("collection(")
}

/// The referee's `same_type`: equal ignoring case, or the same short name and both (or
/// neither) collections (a namespace difference counts as agreement).
pub fn same_type(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    a == b || (short(&a) == short(&b) && is_collection(&a) == is_collection(&b))
}

/// `Collection(x)` → `x`.
fn element(t: &str) -> &str {
    t.strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t)
}

/// Compares two documents read by [`super::csdl_read::read`].
pub fn compare(official: &Csdl, candidate: &Csdl) -> Comparison {
    let mut findings = Vec::new();
    let mut short_names: BTreeMap<&str, &str> = BTreeMap::new();
    for n in candidate.types.keys() {
        short_names.entry(short(n)).or_insert(n);
    }
    let find = |n: &str| -> Option<String> {
        match candidate.types.contains_key(n) {
            true => Some(n.to_string()),
            false => short_names.get(short(n)).map(|s| s.to_string()),
        }
    };
    let mut tally = Tally::default();
    let mut matched = 0;
    for (n, o) in official.types.iter() {
        let Some(c) = find(n) else {
            findings.push(Finding {
                code: Code::MetadataTypeMissing,
                message: format!(
                    "the official {} `{}` ({}, {}) is not documented",
                    o.kind,
                    o.name,
                    plural(o.props.len(), "property", "properties"),
                    plural(o.navs.len(), "navigation property", "navigation properties"),
                ),
                official: o.pos,
                anchor: Anchor::Reference {
                    short: short(n).to_string(),
                },
            });
            continue;
        };
        matched += 1;
        let k = candidate.types.get(&c).expect("found above");
        properties(official, o, k, &c, &mut tally, &mut findings);
        if !o.base.is_empty() {
            tally.bases += 1;
            if same_type(&o.base, &k.base) {
                tally.bases_agree += 1;
            } else {
                let (code, message) = match k.base.is_empty() {
                    true => (
                        Code::MetadataBaseMissing,
                        format!(
                            "`{}` derives from `{}` in the official metadata; the docs state no base",
                            o.name, o.base_shown
                        ),
                    ),
                    false => (
                        Code::MetadataBaseDiffers,
                        format!(
                            "`{}` derives from `{}` in the official metadata; the docs say `{}`",
                            o.name, o.base_shown, k.base_shown
                        ),
                    ),
                };
                findings.push(Finding {
                    code,
                    message,
                    official: o.pos,
                    anchor: Anchor::Base { ty: c.clone() },
                });
            }
        }
    }
    let (en, em) = enums(official, candidate, &mut findings);
    let ops_off: BTreeSet<String> = official
        .operations
        .iter()
        .map(|o| o.name.to_lowercase())
        .collect();
    let ops_cand: BTreeSet<String> = candidate
        .operations
        .iter()
        .map(|o| o.name.to_lowercase())
        .collect();
    let mut reported = BTreeSet::new();
    for op in &official.operations {
        let name = op.name.to_lowercase();
        if ops_cand.contains(&name) || !reported.insert(name.clone()) {
            continue;
        }
        let overloads = official
            .operations
            .iter()
            .filter(|o| o.name.to_lowercase() == name)
            .count();
        let bound = op.bound.as_deref().filter(|b| !b.is_empty());
        let anchor = match bound.and_then(|b| find(&element(b).to_lowercase())) {
            Some(ty) => Anchor::Type { ty },
            None => Anchor::Official,
        };
        let mut message = format!("the official {} `{}`", op.kind.to_lowercase(), op.name);
        if let Some(b) = bound {
            message.push_str(&format!(" (bound to `{b}`)"));
        }
        if overloads > 1 {
            message.push_str(&format!(" (and {} more of that name)", overloads - 1));
        }
        message.push_str(" is not documented");
        findings.push(Finding {
            code: Code::MetadataOperationMissing,
            message,
            official: op.pos,
            anchor,
        });
    }
    let official_short: BTreeSet<&str> = official.types.keys().map(short).collect();
    let precise = candidate
        .types
        .keys()
        .filter(|n| official.types.contains_key(n) || official_short.contains(short(n)))
        .count();
    let figures = Figures {
        types_official: official.types.len(),
        types_candidate: candidate.types.len(),
        type_recall: ratio(matched, official.types.len()),
        type_precision: ratio(precise, candidate.types.len()),
        property_recall: ratio(tally.props_matched, tally.props),
        property_type_agreement: ratio(tally.props_agree, tally.props_matched),
        nav_recall: ratio(tally.navs_matched, tally.navs),
        base_type_agreement: ratio(tally.bases_agree, tally.bases),
        enum_member_recall: ratio(em, en),
        operation_recall: ratio(ops_off.intersection(&ops_cand).count(), ops_off.len()),
        // filled by [`super::lint_text`], which has the docs' paths
        paths_total: 0,
        paths_resolved: 0,
        path_resolution: 1.0,
    };
    Comparison { figures, findings }
}

/// The referee's counters over matched types.
#[derive(Default)]
struct Tally {
    props: usize,
    props_matched: usize,
    props_agree: usize,
    navs: usize,
    navs_matched: usize,
    bases: usize,
    bases_agree: usize,
}

/// The properties of official type `o` against candidate type `k` (key `c`), counted in `n`.
fn properties(
    official: &Csdl,
    o: &StructType,
    k: &StructType,
    c: &str,
    n: &mut Tally,
    findings: &mut Vec<Finding>,
) {
    for (p, prop) in o.props.iter() {
        n.props += 1;
        // Like `props.get(p) or navs.get(p)`: an empty type falls through to navs.
        let kt = k
            .props
            .get(p)
            .filter(|x| !x.ty.is_empty())
            .or_else(|| k.navs.get(p));
        let Some(kt) = kt else {
            findings.push(Finding {
                code: Code::MetadataPropertyMissing,
                message: format!(
                    "`{}` has the property `{}` ({}) in the official metadata; the docs do not list it",
                    o.name, prop.name, prop.shown
                ),
                official: prop.pos,
                anchor: Anchor::Type { ty: c.to_string() },
            });
            continue;
        };
        n.props_matched += 1;
        if same_type(&prop.ty, &kt.ty) {
            n.props_agree += 1;
            continue;
        }
        let official_enum = official.enums.contains_key(element(&prop.ty));
        let as_string = element(&kt.ty) == "edm.string"
            && prop.ty.starts_with("Collection(") == kt.ty.starts_with("Collection(");
        let code = match official_enum && as_string {
            true => Code::MetadataEnumAsString,
            false => Code::MetadataPropertyType,
        };
        let message = match code {
            Code::MetadataEnumAsString => format!(
                "`{}.{}` is the enum `{}` in the official metadata; the docs say String",
                o.name, prop.name, prop.shown
            ),
            _ => format!(
                "`{}.{}` is `{}` in the official metadata; the docs say `{}`",
                o.name, prop.name, prop.shown, kt.shown
            ),
        };
        findings.push(Finding {
            code,
            message,
            official: prop.pos,
            anchor: Anchor::Property {
                ty: c.to_string(),
                prop: p.to_string(),
            },
        });
    }
    for (p, nav) in o.navs.iter() {
        n.navs += 1;
        if k.navs.contains_key(p) || k.props.contains_key(p) {
            n.navs_matched += 1;
            continue;
        }
        findings.push(Finding {
            code: Code::MetadataNavigationMissing,
            message: format!(
                "`{}` has the navigation property `{}` ({}) in the official metadata; the docs do not list it",
                o.name, nav.name, nav.shown
            ),
            official: nav.pos,
            anchor: Anchor::Type { ty: c.to_string() },
        });
    }
}

/// Enum members: (official members, found in the candidate).
fn enums(official: &Csdl, candidate: &Csdl, findings: &mut Vec<Finding>) -> (usize, usize) {
    let (mut en, mut em) = (0, 0);
    for (n, o) in official.enums.iter() {
        // Like `cand_e.get(n) or next(first with the short name)`: an empty set falls through.
        let full = candidate
            .enums
            .get(n)
            .filter(|e| !e.members.is_empty())
            .map(|_| n);
        let c = full.or_else(|| candidate.enums.keys().find(|x| short(x) == short(n)));
        en += o.members.len();
        let Some(c) = c else {
            if !o.members.is_empty() {
                findings.push(Finding {
                    code: Code::MetadataEnumMissing,
                    message: format!(
                        "the official enum `{}` ({}) is not documented",
                        o.name,
                        plural(o.members.len(), "member", "members")
                    ),
                    official: o.pos,
                    anchor: Anchor::Reference {
                        short: short(n).to_string(),
                    },
                });
            }
            continue;
        };
        let k = candidate.enums.get(c).expect("a key of the candidate");
        let missing: Vec<&(String, Pos)> = o
            .members
            .iter()
            .filter(|(m, _)| !k.members.contains_key(*m))
            .map(|(_, v)| v)
            .collect();
        em += o.members.len() - missing.len();
        if let Some(first) = missing.iter().map(|(_, pos)| *pos).min() {
            let mut names: Vec<&(String, Pos)> = missing;
            names.sort_by_key(|(_, pos)| *pos);
            let names: Vec<String> = names.iter().map(|(m, _)| format!("`{m}`")).collect();
            findings.push(Finding {
                code: Code::MetadataEnumMemberMissing,
                message: format!(
                    "the enum `{}` lacks {}: {}",
                    o.name,
                    plural(names.len(), "official member", "official members"),
                    names.join(", ")
                ),
                official: first,
                anchor: Anchor::Enum {
                    name: c.to_string(),
                },
            });
        }
    }
    (en, em)
}
