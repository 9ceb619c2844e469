//! Every input the fuzzer (`fuzz/`, `bench/fuzz.sh`) found failing is kept in
//! `tests/fixtures/fuzz-regressions/`, named after what went wrong. Each must now satisfy
//! every property of `fuzz/src/props.rs` (included here, so the harness and this test
//! check the same things): the unit check for its kind (the extension: `md` page, `json`,
//! `path`, `type` spelling, `ident`), then the whole pipeline on it wrapped into pages —
//! no panic, every diagnostic inside its file, the emitted Rust parses and holds no
//! injected code, and the output is the same in another page order and thread count.

#[path = "../../fuzz/src/props.rs"]
#[allow(dead_code)]
mod props;

use std::path::Path;

#[test]
fn every_fuzz_finding_stays_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for f in &files {
        let kind = f.extension().and_then(|e| e.to_str()).unwrap_or("md");
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        match std::panic::catch_unwind(|| props::check_fixture(kind, &text)) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{name}: {why}")),
            Err(_) => failures.push(format!("{name}: panicked")),
        }
    }
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{} fuzz regressions hold", files.len());
}
