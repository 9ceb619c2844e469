//! Pages → IR, as a list of passes, each in the module that owns it: read the resource and
//! enum pages, merge duplicates and index the names, resolve the types, then the hierarchy,
//! the operations of the API pages and what the paths and examples say. Every irregularity
//! is a diagnostic.

use super::enums::{self, Enums};
use super::resolve::Resolver;
use super::resources::{self, RawType, ResourceExamples};
use super::{EnumDef, Ir, hierarchy, navigation, ops, path_repair, possible_values, validate};
use crate::diag::{Code, Diagnostics};
use crate::page::{Page, PageKind};
use crate::timing::time;
use rayon::prelude::*;

/// Build the IR from parsed pages (any order; sorted here by file).
pub fn build(pages: &[Page], diags: &mut Diagnostics) -> Ir {
    let mut pages: Vec<&Page> = pages.iter().collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut ir = Ir::default();
    let (raw_types, resource_examples, mut enums) = time(2, "collect resources and enums", || {
        read_pages(&pages, &mut ir, diags)
    });
    let (types, index) = time(2, "merge duplicates, index names", || {
        resources::merge_duplicates(raw_types, &mut enums, diags)
    });
    let r = Resolver::new(&index);
    let (claims, hints) = time(2, "resolve properties, cross-check JSON", || {
        let resolved = resources::resolve(types, &r, &mut ir, diags);
        ir.enums = enums.into_defs();
        resolved
    });
    time(2, "hierarchy: stated bases", || {
        hierarchy::assign_stated(&mut ir, &claims, diags)
    });
    time(2, "possible values", || {
        possible_values::type_string_enums(&mut ir, diags)
    });
    time(2, "examples, operations", || {
        resources::add_examples(&mut ir, resource_examples, &r, diags);
        ops::collect(&pages, &r, &mut ir, diags);
    });
    time(2, "repair paths", || path_repair::across(&mut ir, diags));
    time(2, "merge duplicate operations", || {
        ops::merge_duplicates(&mut ir, diags)
    });
    time(2, "paths from examples", || {
        ops::add_example_paths(&mut ir, diags)
    });
    // again for the paths the examples added
    time(2, "repair paths", || path_repair::across(&mut ir, diags));
    time(2, "pair example calls", || {
        ops::pair_example_calls(&mut ir, diags)
    });
    ir.service_root = ops::service_root(&ir);
    time(2, "hierarchy: from examples", || {
        hierarchy::from_examples(&mut ir, diags)
    });
    time(2, "hierarchy: finish", || hierarchy::finish(&mut ir, diags));
    time(2, "widen responses", || {
        ops::widen_responses(&mut ir, diags)
    });
    time(2, "navigation from paths", || {
        navigation::from_paths(&mut ir, diags)
    });
    time(2, "drop inherited rows", || {
        hierarchy::drop_inherited_rows(&mut ir)
    });
    time(2, "reconcile examples", || {
        validate::reconcile_examples(&mut ir, &hints, diags)
    });
    // An undefined name is reported once, at its first place.
    diags.collapse(Code::TypeUnresolved, |d| {
        d.message.split('`').nth(1).unwrap_or("").to_lowercase()
    });
    ir
}

/// Each resource and enum page on its own (in parallel), then combined in page order; every
/// page is listed in `ir.pages`.
fn read_pages(
    pages: &[&Page],
    ir: &mut Ir,
    diags: &mut Diagnostics,
) -> (Vec<RawType>, ResourceExamples, Enums) {
    type PageParts = (Vec<RawType>, ResourceExamples, Vec<EnumDef>, Diagnostics);
    let parts: Vec<PageParts> = pages
        .par_iter()
        .map(|page| {
            let (mut types, mut examples, mut d) = (Vec::new(), Vec::new(), Diagnostics::default());
            if page.kind == PageKind::Resource || page.kind == PageKind::Unknown {
                resources::read(page, &mut types, &mut examples, &mut d);
            }
            (types, examples, enums::read(page), d)
        })
        .collect();
    let mut raw_types: Vec<RawType> = Vec::new();
    let mut resource_examples: ResourceExamples = Vec::new();
    let mut all_enums = Enums::default();
    for (page, (types, examples, page_enums, d)) in pages.iter().zip(parts) {
        ir.pages.insert(page.file.clone(), page.kind);
        raw_types.extend(types);
        resource_examples.extend(examples);
        diags.extend(d);
        for e in page_enums {
            all_enums.add(e, diags);
        }
    }
    (raw_types, resource_examples, all_enums)
}
