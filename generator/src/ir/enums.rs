//! Enum pages and enum tables → [`EnumDef`]s: a table of members under a `x values`
//! heading (or the table of an enum page), each page on its own; duplicates across pages
//! merged (members added, a diagnostic).

use super::resolve::qualify;
use super::{EnumDef, EnumMember, area_of, namespace_of};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::page::{BlockKind, Page, PageKind, Table, TableKind, name_from_title};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static VALUES_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^`?([A-Za-z_][A-Za-z0-9_.]*)`?\s+(flags\s+)?(enum\s+)?values?$").unwrap()
});

/// The enums of all pages by qualified name, each defined once (case-insensitively).
#[derive(Default)]
pub(super) struct Enums {
    defs: BTreeMap<String, EnumDef>,
    /// Lower-cased name → the name in `defs`.
    keys: BTreeMap<String, String>,
}

impl Enums {
    /// Add a page's enum; a second definition of a name adds the members the first lacks.
    pub(super) fn add(&mut self, e: EnumDef, diags: &mut Diagnostics) {
        let key = e.name.to_lowercase();
        match self.keys.get(&key) {
            Some(existing) => {
                let first = &self.defs[existing];
                diags.push(
                    Diagnostic::new(
                        Code::EnumDuplicate,
                        e.loc.clone(),
                        format!("enum `{}` is defined more than once", e.name),
                    )
                    .with_related(first.loc.clone()),
                );
                merge_members(self.defs.get_mut(existing).unwrap(), e);
            }
            None => {
                self.keys.insert(key, e.name.clone());
                self.defs.insert(e.name.clone(), e);
            }
        }
    }

    /// Remove the enum whose lower-cased name is `key` (a type of that name wins).
    pub(super) fn remove_key(&mut self, key: &str) -> Option<EnumDef> {
        let name = self.keys.remove(key)?;
        self.defs.remove(&name)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &EnumDef> {
        self.defs.values()
    }

    pub(super) fn into_defs(self) -> BTreeMap<String, EnumDef> {
        self.defs
    }
}

/// The enums one page defines.
pub(super) fn read(page: &Page) -> Vec<EnumDef> {
    let ns = page.ns();
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
