//! A summary of a generation run: pages by kind, definitions, operations, examples and
//! diagnostics by code. Checked in for the corpus (`corpus-summary.json`) so that a change
//! that loses types or adds diagnostics shows up in review.

use crate::config::Generated;
use crate::page::PageKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub pages: BTreeMap<String, usize>,
    pub types: usize,
    pub properties: usize,
    pub navigation_properties: usize,
    pub enums: usize,
    pub enum_members: usize,
    pub operations: usize,
    pub paths: usize,
    pub examples: usize,
    pub example_tests: usize,
    pub local_server_tests: usize,
    pub areas: usize,
    /// `D2R302 type-unresolved` → count
    pub diagnostics: BTreeMap<String, usize>,
}

impl Summary {
    pub fn of(g: &Generated) -> Self {
        let mut pages = BTreeMap::new();
        for kind in g.ir.pages.values() {
            let k = match kind {
                PageKind::Api => "api",
                PageKind::Resource => "resource",
                PageKind::Enum => "enum",
                PageKind::Conceptual => "conceptual",
                PageKind::Unknown => "unknown",
            };
            *pages.entry(k.to_string()).or_default() += 1;
        }
        let mut diagnostics = BTreeMap::new();
        for d in &g.diagnostics {
            *diagnostics
                .entry(format!("{} {}", d.code, d.code.slug()))
                .or_default() += 1;
        }
        let mut areas: Vec<&str> = g.ir.types.values().map(|t| t.area.as_str()).collect();
        areas.extend(g.ir.enums.values().map(|e| e.area.as_str()));
        areas.extend(g.ir.operations.iter().map(|o| o.area.as_str()));
        areas.sort_unstable();
        areas.dedup();
        Summary {
            pages,
            types: g.ir.types.len(),
            properties: g.ir.types.values().map(|t| t.properties.len()).sum(),
            navigation_properties: g.ir.types.values().map(|t| t.navigation.len()).sum(),
            enums: g.ir.enums.len(),
            enum_members: g.ir.enums.values().map(|e| e.members.len()).sum(),
            operations: g.ir.operations.len(),
            paths: g.ir.operations.iter().map(|o| o.paths.len()).sum(),
            examples: g.ir.examples.len(),
            example_tests: g.report.example_tests,
            local_server_tests: g.report.client_tests,
            areas: areas.len(),
            diagnostics,
        }
    }

    /// Diagnostics by code, most frequent first.
    pub fn top_codes(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self
            .diagnostics
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}
