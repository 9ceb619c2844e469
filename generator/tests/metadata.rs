//! `lint --metadata` on the real corpus against the shared official metadata: the figures the
//! project computes agree with the referee (`../shared/tools/csdl_compare.py`) run on the same
//! export, to two decimals.
//!
//! Skipped with a notice when `../shared` (corpus or metadata) is absent, and the referee half
//! when `python3` is missing.

use doc2rs::Config;
use doc2rs::test_door::metadata::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn shared(rel: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let path = root.join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    eprintln!("notice: {} not found; skipped", path.display());
    None
}

/// The corpus run and its `lint --metadata`, made once for the tests that read them.
fn corpus_lint() -> Option<&'static (doc2rs::Generated, doc2rs::test_door::metadata::MetadataLint)>
{
    static RUN: OnceLock<Option<(doc2rs::Generated, doc2rs::test_door::metadata::MetadataLint)>> =
        OnceLock::new();
    RUN.get_or_init(|| {
        let (official, corpus) = (official()?, shared("corpus/graph-docs-beta-2021-07")?);
        let mut config = Config::new();
        config.docs(&corpus);
        let g = config.run().expect("the corpus runs");
        let lint = doc2rs::test_door::metadata::lint(&g.ir, &official).expect("the metadata reads");
        Some((g, lint))
    })
    .as_ref()
}

fn official() -> Option<PathBuf> {
    shared("metadata/graph-beta-2021-06-08.csdl.xml")
}

fn python3() -> bool {
    let ok = Command::new("python3").arg("--version").output().is_ok();
    if !ok {
        eprintln!("notice: python3 not found; the referee half is skipped");
    }
    ok
}

/// The official metadata against itself: every ratio 1, nothing found.
#[test]
fn official_metadata_agrees_with_itself() {
    let Some(official) = official() else { return };
    let text = std::fs::read_to_string(&official).unwrap();
    let doc = doc2rs::test_door::metadata::read(&text).unwrap();
    assert!(
        doc.types.len() > 2000 && doc.enums.len() > 500,
        "read it all"
    );
    assert!(!doc.operations.is_empty());
    let cmp = doc2rs::test_door::metadata::compare(&doc, &doc);
    assert!(cmp.findings.is_empty(), "{:?}", &cmp.findings[..3]);
    for (key, value) in cmp.figures.rows() {
        if let Value::Ratio(r) = value {
            assert_eq!(r, 1.0, "{key}");
        }
    }
}

#[test]
fn corpus_figures_agree_with_the_referee() {
    let (Some((g, lint)), Some(official)) = (corpus_lint(), official()) else {
        return;
    };
    eprintln!(
        "{}",
        doc2rs::test_door::metadata::figures_table(&lint.figures)
    );
    // What the docs give today (issue 8's targets where the docs allow them; type recall is
    // held where it is: ~300 official types are defined nowhere in these docs).
    let f = serde_json::to_value(lint.figures).unwrap();
    for (key, floor) in [
        ("type_recall", 0.875),
        ("property_type_agreement", 0.98),
        ("nav_recall", 0.92),
        ("base_type_agreement", 0.85),
        ("enum_member_recall", 0.88),
        ("operation_recall", 0.40),
    ] {
        let v = f[key].as_f64().unwrap();
        assert!(v >= floor, "{key} {v} fell below {floor}");
    }
    let label = official.display().to_string();
    assert_eq!(lint.official_file, label);
    // Findings point into the docs where the docs have the thing.
    let in_docs = lint.diagnostics.iter().filter(|d| d.loc.file != label);
    let in_docs: Vec<_> = in_docs.collect();
    assert!(
        in_docs.len() > 100,
        "{} findings in the docs",
        in_docs.len()
    );
    assert!(
        in_docs
            .iter()
            .all(|d| d.related.as_ref().is_some_and(|r| r.file == label))
    );
    assert!(
        lint.diagnostics
            .iter()
            .all(|d| d.code.as_str().starts_with("D2R6"))
    );

    if !python3() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.xml");
    std::fs::write(&export, doc2rs::export::csdl::to_csdl(&g.ir)).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let referee = root.join("../shared/tools/csdl_compare.py");
    let out = Command::new("python3")
        .arg(&referee)
        .arg(&official)
        .arg(&export)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = serde_json::to_value(lint.figures).unwrap();
    // the path figures are the project's own, not the referee's
    for (key, _) in lint
        .figures
        .rows()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("path"))
    {
        let (a, b) = (ours[key].as_f64().unwrap(), theirs[key].as_f64().unwrap());
        assert!((a - b).abs() < 0.005, "{key}: ours {a}, the referee's {b}");
    }
    eprintln!("referee: {theirs}");
}

/// Every documented path is walked against the official service: the share that exists there,
/// and each one that does not is a warning at its doc line.
#[test]
fn corpus_paths_resolve_against_the_official_service() {
    let Some((g, lint)) = corpus_lint() else {
        return;
    };
    let f = &lint.figures;
    let paths: usize = g.ir.operations.iter().map(|o| o.paths.len()).sum();
    assert_eq!(f.paths_total, paths);
    eprintln!(
        "paths: {} of {} resolve ({:.4})",
        f.paths_resolved, f.paths_total, f.path_resolution
    );
    // What the 2021-06-08 metadata allows: the rest lack a cast to the derived type that
    // declares the segment (Intune pages) or name what that metadata does not have yet.
    assert!(f.path_resolution >= 0.95, "{}", f.path_resolution);
    let unresolved: Vec<_> = lint
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "D2R610")
        .collect();
    assert_eq!(unresolved.len(), f.paths_total - f.paths_resolved);
    // each at the request line that documents it
    let lines: std::collections::BTreeSet<(String, u32)> =
        g.ir.operations
            .iter()
            .flat_map(|o| &o.paths)
            .filter_map(|p| p.loc.as_ref().map(|l| (l.file.clone(), l.line)))
            .collect();
    for d in &unresolved {
        assert!(d.loc.file.starts_with("api/"), "{d}");
        assert!(lines.contains(&(d.loc.file.clone(), d.loc.line)), "{d}");
        assert!(d.message.contains(" does not resolve; expected "), "{d}");
    }
    // repairs are reported where the docs misspell the path
    let repaired = g.diagnostics.iter().filter(|d| d.code.as_str() == "D2R412");
    assert!(repaired.count() >= 30);
}

fn fixture(rel: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metadata");
    dir.join(rel).to_string_lossy().into_owned()
}

fn lint(format: &str) -> (String, Option<i32>) {
    let (docs, official) = (fixture("docs"), fixture("official.xml"));
    let out = Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args([
            "lint",
            "--docs",
            &docs,
            "--metadata",
            &official,
            "--format",
            format,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), out.status.code())
}

/// The fixture (`tests/fixtures/metadata`): a few pages and an official document that
/// disagrees with them once per finding kind.
#[test]
fn cli_prints_figures_and_findings_in_every_format() {
    let official = fixture("official.xml");

    let (human, code) = lint("human");
    assert_eq!(code, Some(0), "findings are warnings and notes: {human}");
    let table = human.split("\nfigure ").nth(1).expect("a figures table");
    for row in [
        "types_official             5",
        "types_candidate            3",
        "type_recall                0.600",
        "type_precision             1.000",
        "property_recall            0.857",
        "property_type_agreement    0.500",
        "nav_recall                 0.500",
        "base_type_agreement        0.500",
        "enum_member_recall         0.250",
        "operation_recall           0.500",
        "paths_total                3",
        "paths_resolved             2",
        "path_resolution            0.667",
    ] {
        assert!(table.contains(&format!("\n{row}\n")), "{row}:\n{human}");
    }
    for line in [
        "resources/widget.md:19:2: warning[D2R602 metadata-property-type]: `microsoft.graph.widget.size` is `Edm.Int32` in the official metadata; the docs say `Edm.Int64`",
        "resources/widget.md:30:6: warning[D2R601 metadata-property-missing]: `microsoft.graph.widget` has the property `weight` (Edm.Double)",
        "resources/widget.md:30:6: warning[D2R606 metadata-navigation-missing]: `microsoft.graph.widget` has the navigation property `maker`",
        "resources/widget.md:20:2: warning[D2R600 metadata-type-missing]: the official ComplexType `microsoft.graph.finish` (1 property, 0 navigation properties)",
        "resources/part.md:18:6: warning[D2R604 metadata-base-missing]: `microsoft.graph.part` derives from `microsoft.graph.entity`",
        "resources/shape.md:6:1: warning[D2R608 metadata-enum-member-missing]: the enum `microsoft.graph.shape` lacks 1 official member: `square`",
    ] {
        assert!(human.contains(line), "{line}:\n{human}");
    }
    // A path the service does not have: at its request line, naming the container.
    assert!(
        human.contains(&format!(
            "api/widget-list.md:16:1: warning[D2R610 path-unresolved]: `GET /gizmos` does not exist \
             in the official metadata: segment 1 `gizmos` does not resolve; expected an entity set, \
             a singleton or an operation import (`gizmos` is named nowhere in the official metadata) \
             (see also {official}:41:7)"
        )),
        "{human}"
    );
    // Found only in the official file: located there.
    assert!(human.contains(&format!(
        "{official}:34:7: warning[D2R600 metadata-type-missing]: the official ComplexType `microsoft.graph.gadget`"
    )));
    assert!(
        human.contains(&format!(" (see also {official}:22:9)")),
        "{human}"
    );
    // Notes are listed with -v only, and counted either way.
    assert!(!human.contains("note[D2R603"));
    assert!(
        human.contains("      1  D2R603 metadata-enum-as-string\n"),
        "{human}"
    );
    assert!(
        human.contains("      1  D2R609 metadata-operation-missing\n"),
        "{human}"
    );

    let (json, code) = lint("json");
    assert_eq!(code, Some(0));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let m = &doc["metadata"];
    assert_eq!(m["types_official"], 5);
    assert_eq!(m["enum_member_recall"], 0.25);
    assert_eq!(m.as_object().unwrap().len(), 13, "{m}");
    assert_eq!(m["paths_total"], 3);
    assert_eq!(m["paths_resolved"], 2);
    let diags = doc["diagnostics"].as_array().unwrap();
    let codes = |c: &str| diags.iter().filter(|d| d["code"] == c).count();
    for (c, n) in [
        ("D2R600", 2),
        ("D2R601", 1),
        ("D2R602", 2),
        ("D2R603", 1),
        ("D2R604", 1),
        ("D2R606", 1),
        ("D2R607", 1),
        ("D2R608", 1),
        ("D2R609", 1),
        ("D2R610", 1),
    ] {
        assert_eq!(codes(c), n, "{c}");
    }
    assert_eq!(
        doc["summary"]["diagnostics"]["D2R602 metadata-property-type"],
        2
    );

    let (github, code) = lint("github");
    assert_eq!(code, Some(0));
    let last = github.lines().last().unwrap();
    assert_eq!(
        last,
        "::notice title=doc2rs metadata::types_official 5, types_candidate 3, type_recall .600, \
         type_precision 1.000, property_recall .857, property_type_agreement .500, nav_recall .500, \
         base_type_agreement .500, enum_member_recall .250, operation_recall .500, \
         paths_total 3, paths_resolved 2, path_resolution .667"
    );
    let docs = fixture("docs");
    assert!(github.contains(&format!(
        "::warning file={docs}/resources/widget.md,line=19,col=2,title=D2R602 metadata-property-type::"
    )));
    assert!(
        github.contains(&format!(
            "::warning file={official},line=34,col=7,title=D2R600 metadata-type-missing::"
        )),
        "{github}"
    );
}

#[test]
fn cli_metadata_errors() {
    let docs = fixture("docs");
    let out = Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args(["lint", "--docs", &docs, "--metadata", "no/such/file.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: no/such/file.xml:"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "<Edmx>\n<Schema>\n</Edmx>\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_doc2rs"))
        .args(["lint", "--docs", &docs, "--metadata", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.xml:3:"), "{stderr}");
}

/// The fixture's figures are the referee's too.
#[test]
fn fixture_figures_agree_with_the_referee() {
    let Some(referee) = shared("tools/csdl_compare.py") else {
        return;
    };
    if !python3() {
        return;
    }
    let mut config = Config::new();
    config.docs(fixture("docs"));
    let g = config.run().unwrap();
    let official = PathBuf::from(fixture("official.xml"));
    let lint = doc2rs::test_door::metadata::lint(&g.ir, &official).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.xml");
    std::fs::write(&export, doc2rs::export::csdl::to_csdl(&g.ir)).unwrap();
    let out = Command::new("python3")
        .arg(referee)
        .arg(&official)
        .arg(&export)
        .arg("--json")
        .output()
        .unwrap();
    let theirs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ours = serde_json::to_value(lint.figures).unwrap();
    // the path figures are the project's own
    let ours_map = ours.as_object_mut().unwrap();
    ours_map.retain(|k, _| !k.starts_with("path"));
    assert_eq!(ours, theirs);
}
