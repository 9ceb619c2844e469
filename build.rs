//! Regenerates the SDK from `docs/` into `OUT_DIR` at build time (the include layout:
//! `src/lib.rs` includes `OUT_DIR/mod.rs`).

fn main() {
    let mut config = doc2rs::Config::for_build_script();
    config.docs("docs");
    if let Err(e) = config.generate() {
        eprintln!("doc2rs: {e}");
        std::process::exit(1);
    }
}
