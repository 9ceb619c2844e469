//! The build-script workflow for real: a scratch crate whose `build.rs` runs
//! `doc2rs::Config::for_build_script()` on its own docs folder. Building it generates the
//! code into OUT_DIR; editing a page regenerates (the page is in `rerun-if-changed`); an
//! untouched rebuild does not rerun the generator.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cargo(dir: &Path, target: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The newest generated `graph.rs` in the scratch crate's OUT_DIRs.
fn generated_module(target: &Path) -> String {
    let build = target.join("debug/build");
    let newest = std::fs::read_dir(build)
        .unwrap()
        .map(|e| e.unwrap().path().join("out/graph.rs"))
        .filter(|p| p.exists())
        .max_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .expect("no generated graph.rs in OUT_DIR");
    std::fs::read_to_string(newest).unwrap()
}

#[test]
fn build_rs_regenerates_on_a_doc_edit() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = generator.parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Dependencies are compiled once into a target dir kept under the workspace's.
    let target: PathBuf = workspace.join("target/build-script-test");
    // Forget earlier runs' scratch crates (their dependencies stay compiled).
    if let Ok(entries) = std::fs::read_dir(target.join("debug/build")) {
        for e in entries.flatten() {
            if e.file_name()
                .to_string_lossy()
                .starts_with("build-script-test-")
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    std::fs::create_dir_all(root.join("docs/resources")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    let page = root.join("docs/resources/widget.md");
    std::fs::copy(generator.join("tests/fixtures/entity-primitives.md"), &page).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"build-script-test\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ndoc2rs-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\nhttp = \"1\"\n\n\
             [build-dependencies]\ndoc2rs = {{ path = {:?} }}\n\n[workspace]\n",
            workspace.join("runtime").display().to_string(),
            generator.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("build.rs"),
        "fn main() {\n    let mut config = doc2rs::Config::for_build_script();\n    config.docs(\"docs\");\n    if let Err(e) = config.generate() {\n        eprintln!(\"{e}\");\n        std::process::exit(1);\n    }\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/lib.rs"),
        "include!(concat!(env!(\"OUT_DIR\"), \"/mod.rs\"));\n",
    )
    .unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();

    let (ok, log) = cargo(root, &target);
    assert!(ok, "first build fails:\n{log}");
    let before = generated_module(&target);
    assert!(before.contains("pub struct Widget") && !before.contains("pub color_scheme"));

    // An untouched rebuild does not rerun the generator.
    let (ok, log) = cargo(root, &target);
    assert!(
        ok && !log.contains("Compiling build-script-test"),
        "rebuilt without a change:\n{log}"
    );

    // A doc edit reruns it.
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace(
            "|enabled|Boolean|",
            "|colorScheme|String|A new property.|\n|enabled|Boolean|",
        ),
    )
    .unwrap();
    let (ok, log) = cargo(root, &target);
    assert!(ok, "rebuild fails:\n{log}");
    assert!(log.contains("Compiling build-script-test"), "{log}");
    assert!(
        generated_module(&target).contains("pub color_scheme: Option<String>"),
        "the new property is generated"
    );
}
