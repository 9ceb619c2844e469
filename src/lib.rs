//! Microsoft Graph (beta) models, generated at build time from the API reference pages in
//! `docs/` by doc2rs (see `build.rs`). The same code is checked in as the `generated/` crate
//! so that every docs change shows up as a reviewable diff.

include!(concat!(env!("OUT_DIR"), "/mod.rs"));
