//! Names stay put across real doc edits: generate names from the 2020-06 and the 2020-11
//! Graph beta trees (five months of edits) and check that every item present in both with
//! the same documented method, path or type keeps its Rust name.
//!
//! - types and enums: by qualified name → `module::Name`;
//! - request builders: operations paired by method and first documented path shape →
//!   `requests::module::Name`;
//! - constructors: within a pair, each path shape both document → the constructor name.
//!
//! A rename of a paired item is "undocumented" (the docs did not change what it names); the
//! test prints each with what changed around it and allows at most 10. The trees live at
//! `../shared/corpus/graph-docs-beta-2020-{06,11}` from the workspace root; the test is
//! skipped with a message when they are absent.

use doc2rs::ir::Ir;
use doc2rs::ir::path::PathTemplate;
use doc2rs::test_door::emit::Names;
use doc2rs::test_door::emit::OpNames;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn tree(name: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = root.join("../shared/corpus").join(name);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: {} not found; stability test skipped",
            dir.display()
        );
        None
    }
}

fn ir(dir: &Path) -> Ir {
    let docs = doc2rs::test_door::load::load(dir).expect("the tree loads");
    let mut diags = docs.diagnostics;
    doc2rs::test_door::build(&docs.pages, &mut diags)
}

/// (method, path shape) → what is found there.
type ByShape<T> = BTreeMap<(String, String), T>;

struct Named {
    ir: Ir,
    names: Names,
    ops: OpNames,
}

impl Named {
    fn new(ir: Ir) -> Self {
        let (names, ops) = (Names::new(&ir), OpNames::new(&ir));
        Named { ir, names, ops }
    }

    fn item(&self, q: &str) -> String {
        format!("{}::{}", self.names.module_of(q), self.names.type_name(q))
    }

    fn builder(&self, id: &str) -> String {
        format!("{}::{}", self.ops.module(id), self.ops.name(id))
    }

    /// (method, first path shape) → op index; shapes of every path → (op index, path index).
    fn by_shape(&self) -> (ByShape<usize>, ByShape<(usize, usize)>) {
        let (mut first, mut any) = (BTreeMap::new(), BTreeMap::new());
        for (i, op) in self.ir.operations.iter().enumerate() {
            first.insert((op.method.as_str().to_string(), op.paths[0].shape()), i);
            for (j, p) in op.paths.iter().enumerate() {
                any.entry((op.method.as_str().to_string(), p.shape()))
                    .or_insert((i, j));
            }
        }
        (first, any)
    }
}

#[derive(Default)]
struct Report {
    undocumented: Vec<String>,
    documented: Vec<String>,
    kept: usize,
}

fn compare(old: &Named, new: &Named) -> Report {
    let mut r = Report::default();
    for q in old.ir.types.keys().chain(old.ir.enums.keys()) {
        if !(new.ir.types.contains_key(q) || new.ir.enums.contains_key(q)) {
            continue;
        }
        let (a, b) = (old.item(q), new.item(q));
        if a == b {
            r.kept += 1;
        } else {
            r.undocumented.push(format!("type `{q}`: `{a}` → `{b}`"));
        }
    }
    let (old_first, _) = old.by_shape();
    let (new_first, new_any) = new.by_shape();
    for ((method, shape), &i) in &old_first {
        let o = &old.ir.operations[i];
        let a = old.builder(&o.id);
        if let Some(&j) = new_first.get(&(method.clone(), shape.clone())) {
            let n = &new.ir.operations[j];
            let b = new.builder(&n.id);
            if a == b {
                r.kept += 1;
            } else {
                r.undocumented.push(format!(
                    "builder `{method} {}` ({} → {}): `{a}` → `{b}`",
                    o.paths[0].raw, o.id, n.id
                ));
            }
            constructors(old, new, i, j, &mut r);
        } else if let Some(&(j, _)) = new_any.get(&(method.clone(), shape.clone())) {
            let n = &new.ir.operations[j];
            let b = new.builder(&n.id);
            if a == b {
                r.kept += 1;
            } else {
                r.documented.push(format!(
                    "builder `{method} {}`: `{a}` → `{b}`: the operation's first documented path is now `{}` ({} → {})",
                    o.paths[0].raw, n.paths[0].raw, o.id, n.id
                ));
            }
            constructors(old, new, i, j, &mut r);
        }
    }
    r
}

fn constructors(old: &Named, new: &Named, i: usize, j: usize, r: &mut Report) {
    let (o, n) = (&old.ir.operations[i], &new.ir.operations[j]);
    let (oc, nc) = (old.ops.constructors(&o.id), new.ops.constructors(&n.id));
    let same_first = o.paths[0].shape() == n.paths[0].shape();
    for (pi, p) in o.paths.iter().enumerate() {
        let Some(pj) = n.paths.iter().position(|q| q.shape() == p.shape()) else {
            continue;
        };
        if oc[pi] == nc[pj] {
            r.kept += 1;
            continue;
        }
        let line = format!(
            "constructor `{} {}` of `{}`: `{}` → `{}`",
            o.method,
            p.raw,
            new.builder(&n.id),
            oc[pi],
            nc[pj]
        );
        if same_first {
            r.undocumented.push(line);
        } else {
            let first = |t: &PathTemplate| t.raw.clone();
            r.documented.push(format!(
                "{line}: the first documented path `{}` → `{}`",
                first(&o.paths[0]),
                first(&n.paths[0])
            ));
        }
    }
}

/// The two trees' IRs, built once for the tests below.
fn five_months() -> Option<&'static (Ir, Ir)> {
    static PAIR: OnceLock<Option<(Ir, Ir)>> = OnceLock::new();
    PAIR.get_or_init(|| {
        let a = tree("graph-docs-beta-2020-06")?;
        let b = tree("graph-docs-beta-2020-11")?;
        Some((ir(&a), ir(&b)))
    })
    .as_ref()
}

#[test]
fn names_survive_five_months_of_doc_edits() {
    let Some((a, b)) = five_months() else { return };
    let (old, new) = (Named::new(a.clone()), Named::new(b.clone()));
    let r = compare(&old, &new);
    println!(
        "stability 2020-06 → 2020-11: {} names kept, {} renamed where the docs changed what they name, {} undocumented renames",
        r.kept,
        r.documented.len(),
        r.undocumented.len()
    );
    for line in &r.documented {
        println!("  documented: {line}");
    }
    for line in &r.undocumented {
        println!("  UNDOCUMENTED: {line}");
    }
    assert!(
        r.undocumented.len() <= 10,
        "{} undocumented renames (at most 10 allowed)",
        r.undocumented.len()
    );
}

/// Figures for the latest tree: names that needed a numeric disambiguator, and the longest
/// request type name.
#[test]
fn latest_tree_name_figures() {
    let Some(dir) = tree("graph-docs-beta-2021-07") else {
        return;
    };
    let n = Named::new(ir(&dir));
    let longest =
        n.ir.operations
            .iter()
            .map(|o| n.ops.name(&o.id))
            .max_by_key(|s| (s.len(), std::cmp::Reverse(s.to_string())))
            .unwrap_or_default();
    println!(
        "2021-07: {} operations, {} names with a numeric disambiguator, longest request type name `{longest}` ({} chars)",
        n.ir.operations.len(),
        n.ops.disambiguated.len(),
        longest.len()
    );
    for d in &n.ops.disambiguated {
        println!("  disambiguated: {d}");
    }
}

/// The review of five months of edits fits a GitHub comment; the full report keeps every
/// change.
#[test]
fn five_months_review_fits_a_comment() {
    let Some((a, b)) = five_months() else { return };
    let changes = doc2rs::diff::diff(a, b);
    let md = doc2rs::diff::to_markdown(&changes, Some("docs/"));
    let full = doc2rs::diff::to_markdown_full(&changes, Some("docs/"));
    let renamed = changes
        .iter()
        .filter(|c| {
            use doc2rs::diff::ChangeKind::*;
            matches!(c.kind, OperationRenamed | ConstructorRenamed | TypeRenamed)
        })
        .count();
    println!(
        "diff 2020-06 → 2020-11: {} changes ({} renames), summary {} chars, full report {} chars, semver {}",
        changes.len(),
        renamed,
        md.len(),
        full.len(),
        doc2rs::diff::semver(&changes)
    );
    if let Ok(path) = std::env::var("DOC2RS_REVIEW_OUT") {
        std::fs::write(&path, &md).unwrap();
        std::fs::write(format!("{path}.full.md"), &full).unwrap();
    }
    assert!(
        md.len() <= doc2rs::diff::COMMENT_LIMIT,
        "{} chars",
        md.len()
    );
    assert!(md.contains("Semver: **major**"));
    assert!(full.len() > md.len());
}
