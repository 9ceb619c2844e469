//! doc2rs: Microsoft Graph-style API reference markdown → a Rust SDK.
//!
//! The pipeline runs one way: `load` reads pages into the `page` model, `ir::build`
//! resolves them into the [`ir`], `emit` turns the IR into formatted Rust files, and
//! `write` puts them on disk safely. A user drives it with [`Config`] and reads the
//! [`Generated`] result (the IR, the files, the diagnostics). See ARCHITECTURE.md.

mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod diff;
mod emit;
pub mod export;
mod ident;
pub mod ir;
mod jsonc;
mod load;
mod memo;
mod metadata;
mod page;
mod source;
mod summary;
mod timing;
mod write;

pub use config::{Config, Generated, Timings};
pub use diag::{Code, Diagnostic, Severity};
pub use emit::{EmitError, EmitReport, Layout, RuntimeDep};
pub use load::Docs;
pub use write::WriteReport;

/// The internals the fuzzer (`fuzz/`) and the integration tests (`generator/tests/`)
/// exercise directly: not part of the API, hidden from the docs, free to change in any
/// release. A user of the library needs none of it (`Config` → `Generated`: the IR,
/// the files and the diagnostics).
#[doc(hidden)]
pub mod test_door {
    pub use crate::ir::build::build;
    pub use crate::ir::hierarchy::descendants;

    pub mod check {
        pub use crate::check::compare;
    }
    pub mod emit {
        pub use crate::emit::Files;
        pub use crate::emit::names::Names;
        pub use crate::emit::requests::OpNames;
        pub use crate::emit::template::is_placeholder_literal;
    }
    pub mod ident {
        pub use crate::ident::{
            Namer, Style, field_ident, field_name, make_ident, type_ident, variant_ident,
        };
    }
    pub mod jsonc {
        pub use crate::jsonc::{line_col, parse_lenient};
    }
    pub mod load {
        pub use crate::load::{from_texts, load};
    }
    pub mod metadata {
        pub use crate::metadata::compare::{Value, compare};
        pub use crate::metadata::csdl_read::read;
        pub use crate::metadata::{MetadataLint, figures_table, lint};
    }
    pub mod page {
        pub use crate::page::parse::parse_page;
        pub use crate::page::{BlockKind, PageKind};
    }
    pub mod typespell {
        pub use crate::ir::typespell::{Base, parse_type_spelling};
    }
    pub mod summary {
        pub use crate::summary::Summary;
    }
    pub mod write {
        pub use crate::write::{existing_files, staging_dir};
    }
}
