//! Regenerates the SDK from `docs/` into `OUT_DIR` at build time.

fn main() {
    let mut config = doc2rs::Config::for_build_script();
    config.docs("docs");
    if let Err(e) = config.generate() {
        panic!("doc2rs failed: {e}");
    }
}
