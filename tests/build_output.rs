//! What `build.rs` writes into OUT_DIR is the same code as the checked-in `generated/` crate.

use std::path::Path;

#[test]
fn build_script_output_equals_generated_crate() {
    let out = Path::new(env!("OUT_DIR"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/src");
    let mut compared = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "lib.rs" {
            continue; // the crate root differs by design: build.rs output is include!d
        }
        let checked_in = std::fs::read_to_string(&path).unwrap();
        let built = std::fs::read_to_string(out.join(&name))
            .unwrap_or_else(|_| panic!("OUT_DIR lacks {name}"));
        assert_eq!(
            built, checked_in,
            "{name} differs between build.rs output and generated/"
        );
        compared += 1;
    }
    assert!(compared >= 2, "compared {compared} module files");
}

#[test]
fn sdk_types_are_usable_from_the_root_crate() {
    let job: graph_docs_sdk::graph::SynchronizationJob = serde_json::from_str(
        r#"{"id": "j1", "schedule": {"interval": "PT40M", "state": "Active"}}"#,
    )
    .unwrap();
    assert_eq!(job.id.as_deref(), Some("j1"));
    assert_eq!(job.schedule.unwrap().interval.unwrap().as_str(), "PT40M");
}
