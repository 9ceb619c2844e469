//! doc2rs: Microsoft Graph-style API reference markdown → a Rust SDK.
//!
//! The pipeline runs one way: [`load`] reads pages into the [`page`] model, [`ir::build`]
//! resolves them into the [`ir`], [`emit`] turns the IR into formatted Rust files, and
//! [`write`] puts them on disk safely. See ARCHITECTURE.md.

pub mod check;
pub mod config;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod export;
pub mod ident;
pub mod ir;
pub mod jsonc;
pub mod load;
pub mod memo;
pub mod metadata;
pub mod page;
pub mod source;
pub mod summary;
pub mod timing;
pub mod write;

pub use config::{Config, Generated, Timings};
pub use diag::{Code, Diagnostic, Severity};
