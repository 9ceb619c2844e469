//! Pages → IR, as a list of passes, each in the module that owns it: read the resource and
//! enum pages, merge duplicates and index the names, resolve the types, then the hierarchy,
//! the operations of the API pages and what the paths and examples say. Every irregularity
//! is a diagnostic.

use super::enums::{self, Enums};
use super::hierarchy::{self, Claim};
use super::representation::JsonHints;
use super::resolve::{NameIndex, Resolver};
use super::resources::{self, RawType, ResourceExamples};
use super::{EnumDef, Ir, navigation, ops, path_repair, possible_values, validate};
use crate::diag::{Code, Diagnostics};
use crate::page::{Page, PageKind};
use crate::timing::time;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// What the passes hand on: the pages (sorted by file), the IR being built, and what the
/// first passes make before there are types in it.
#[derive(Default)]
pub(super) struct State<'p> {
    pub(super) pages: Vec<&'p Page>,
    pub(super) ir: Ir,
    /// Each page's types, before duplicates merge.
    pub(super) raw_types: Vec<RawType>,
    /// The types by name, duplicates merged, before resolution.
    pub(super) merged: BTreeMap<String, RawType>,
    pub(super) enums: Enums,
    pub(super) resource_examples: ResourceExamples,
    pub(super) index: NameIndex,
    pub(super) claims: Vec<Claim>,
    pub(super) hints: JsonHints,
}

/// A pass: a step of [`PASSES`] over the state, reporting what it finds.
pub(super) type Pass = fn(&mut State, &mut Diagnostics);

/// The passes in order, each named (the name is its `--timings` span).
pub(super) const PASSES: &[(&str, Pass)] = &[
    ("collect resources and enums", read_pages),
    ("merge duplicates, index names", |s, d| {
        let raw = std::mem::take(&mut s.raw_types);
        (s.merged, s.index) = resources::merge_duplicates(raw, &mut s.enums, d);
    }),
    ("resolve properties, cross-check JSON", |s, d| {
        let merged = std::mem::take(&mut s.merged);
        let r = Resolver::new(&s.index);
        (s.claims, s.hints) = resources::resolve(merged, &r, &mut s.ir, d);
        s.ir.enums = std::mem::take(&mut s.enums).into_defs();
    }),
    ("hierarchy: stated bases", |s, d| {
        hierarchy::assign_stated(&mut s.ir, &s.claims, d)
    }),
    ("possible values", |s, d| {
        possible_values::type_string_enums(&mut s.ir, d)
    }),
    ("examples, operations", |s, d| {
        let r = Resolver::new(&s.index);
        let examples = std::mem::take(&mut s.resource_examples);
        resources::add_examples(&mut s.ir, examples, &r, d);
        ops::collect(&s.pages, &r, &mut s.ir, d);
    }),
    ("repair paths", |s, d| path_repair::across(&mut s.ir, d)),
    ("merge duplicate operations", |s, d| {
        ops::merge_duplicates(&mut s.ir, d)
    }),
    ("paths from examples", |s, d| {
        ops::add_example_paths(&mut s.ir, d)
    }),
    // again for the paths the examples added
    ("repair paths again", |s, d| {
        path_repair::across(&mut s.ir, d)
    }),
    ("pair example calls", |s, d| {
        ops::pair_example_calls(&mut s.ir, d)
    }),
    ("service root", |s, _| {
        s.ir.service_root = ops::service_root(&s.ir)
    }),
    ("hierarchy: from examples", |s, d| {
        hierarchy::from_examples(&mut s.ir, d)
    }),
    ("hierarchy: finish", |s, d| hierarchy::finish(&mut s.ir, d)),
    ("widen responses", |s, d| ops::widen_responses(&mut s.ir, d)),
    ("navigation from paths", |s, d| {
        navigation::from_paths(&mut s.ir, d)
    }),
    ("drop inherited rows", |s, _| {
        hierarchy::drop_inherited_rows(&mut s.ir)
    }),
    ("reconcile examples", |s, d| {
        validate::reconcile_examples(&mut s.ir, &s.hints, d)
    }),
    // An undefined name is reported once, at its first place.
    ("one report per undefined name", |_, d| {
        d.collapse(Code::TypeUnresolved, |d| {
            d.message.split('`').nth(1).unwrap_or("").to_lowercase()
        })
    }),
];

/// Build the IR from parsed pages (any order; sorted here by file).
pub fn build(pages: &[Page], diags: &mut Diagnostics) -> Ir {
    let mut state = State::new(pages);
    for (name, pass) in PASSES {
        time(2, name, || pass(&mut state, diags));
    }
    state.ir
}

impl<'p> State<'p> {
    /// The state before the first pass: the pages sorted by file.
    pub(super) fn new(pages: &'p [Page]) -> Self {
        let mut pages: Vec<&Page> = pages.iter().collect();
        pages.sort_by(|a, b| a.file.cmp(&b.file));
        State {
            pages,
            ..State::default()
        }
    }
}

/// Each resource and enum page on its own (in parallel), then combined in page order; every
/// page is listed in `ir.pages`.
fn read_pages(s: &mut State, diags: &mut Diagnostics) {
    type PageParts = (Vec<RawType>, ResourceExamples, Vec<EnumDef>, Diagnostics);
    let parts: Vec<PageParts> = s
        .pages
        .par_iter()
        .map(|page| {
            let (mut types, mut examples, mut d) = (Vec::new(), Vec::new(), Diagnostics::default());
            if page.kind == PageKind::Resource || page.kind == PageKind::Unknown {
                resources::read(page, &mut types, &mut examples, &mut d);
            }
            (types, examples, enums::read(page), d)
        })
        .collect();
    for (page, (types, examples, page_enums, d)) in s.pages.iter().zip(parts) {
        s.ir.pages.insert(page.file.clone(), page.kind);
        s.raw_types.extend(types);
        s.resource_examples.extend(examples);
        diags.extend(d);
        for e in page_enums {
            s.enums.add(e, diags);
        }
    }
}
