//! The library entry point, in the spirit of prost-build's `Config`: say where the docs
//! are and where the code goes, then `generate()`. Used by the CLI and by `build.rs`.

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::emit::{self, EmitOptions, Files, Layout, RuntimeDep};
use crate::ir::{self, Ir};
use crate::load;
use crate::write::{self, WriteReport};
use std::path::{Path, PathBuf};

/// What a generation run produced (in memory; see [`Config::generate`] to also write it).
pub struct Generated {
    pub ir: Ir,
    pub files: Files,
    /// What the generated tests cover.
    pub report: emit::EmitReport,
    pub diagnostics: Vec<Diagnostic>,
    /// Every page read, for `cargo:rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
    /// Wall time of each stage.
    pub timings: Timings,
}

/// Wall time per pipeline stage.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Read + markdown → page model (parallel).
    pub load: std::time::Duration,
    /// Page model → IR.
    pub ir: std::time::Duration,
    /// IR → tokens → formatted text (includes `format`).
    pub emit: std::time::Duration,
    /// prettyplease alone.
    pub format: std::time::Duration,
    /// Writing files (only changed ones).
    pub write: std::time::Duration,
    /// CPU time (all threads) of `load`, `ir` and `emit`, where the platform reports it.
    pub load_cpu: Option<std::time::Duration>,
    pub ir_cpu: Option<std::time::Duration>,
    pub emit_cpu: Option<std::time::Duration>,
}

impl Generated {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

#[derive(Debug)]
pub enum Error {
    /// The docs folder could not be read.
    Docs(PathBuf, std::io::Error),
    Emit(emit::EmitError),
    /// The selection names nothing, or a selector does not parse.
    Selection(String),
    Write(PathBuf, std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Docs(p, e) => write!(f, "cannot read docs folder {}: {e}", p.display()),
            Error::Emit(e) => write!(f, "{e}"),
            Error::Selection(e) => write!(f, "{e}"),
            Error::Write(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for Error {}

/// Builder for a generation run.
#[derive(Clone)]
pub struct Config {
    docs: PathBuf,
    out: Option<PathBuf>,
    emit: EmitOptions,
    cargo: bool,
    print_warnings: bool,
    selection: ir::select::Selection,
    progress: Option<std::sync::Arc<ProgressFn>>,
    /// Where the generated crate gets `doc2rs-runtime`; `None`: see [`Config::runtime_path`].
    runtime: Option<RuntimeDep>,
}

/// `progress(stage, done, total)`: pages as they are parsed, then one step per later stage.
pub type ProgressFn = dyn Fn(&str, usize, usize) + Send + Sync;

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// Defaults: docs in `docs/`, complete-crate layout, output to `generated/`.
    pub fn new() -> Self {
        Config {
            docs: PathBuf::from("docs"),
            out: None,
            emit: EmitOptions::default(),
            cargo: false,
            print_warnings: false,
            selection: Default::default(),
            progress: None,
            runtime: None,
        }
    }

    /// For `build.rs`: include layout, output to `OUT_DIR`, cargo directives printed.
    pub fn for_build_script() -> Self {
        let mut c = Config::new();
        c.emit.layout = Layout::Include;
        c.cargo = true;
        c
    }

    pub fn docs(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.docs = dir.into();
        self
    }

    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out = Some(dir.into());
        self
    }

    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.emit.layout = layout;
        self
    }

    pub fn crate_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.emit.crate_name = name.into();
        self
    }

    /// The generated crate depends on the runtime crate at `path` (relative to the output
    /// folder, or absolute). Unless this or [`Config::runtime_version`] is set, a generator
    /// built from the doc2rs repository points at the repository's `runtime/` (by a path
    /// relative to the output folder) and any other at the runtime version it was built with.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.runtime = Some(RuntimeDep::Path(path.into()));
        self
    }

    /// The generated crate depends on the published runtime crate, `version`.
    pub fn runtime_version(&mut self, version: impl Into<String>) -> &mut Self {
        self.runtime = Some(RuntimeDep::Version(version.into()));
        self
    }

    /// The runtime dependency written into the generated `Cargo.toml`.
    pub fn runtime_dependency(&self) -> RuntimeDep {
        if let Some(runtime) = &self.runtime {
            return runtime.clone();
        }
        let repo_runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        match relative_path(&self.resolved_out_dir(), &repo_runtime) {
            Some(path) if repo_runtime.join("Cargo.toml").is_file() => RuntimeDep::Path(path),
            _ => RuntimeDep::default(),
        }
    }

    /// Print `cargo:rerun-if-changed` and `cargo:warning` lines (on for build scripts).
    pub fn cargo_directives(&mut self, on: bool) -> &mut Self {
        self.cargo = on;
        self
    }

    /// Generate only what this selector names (and what it references). Selectors:
    /// `area:NAME`, `namespace:NAME`, `type:GLOB`, `path:GLOB`. Repeatable.
    pub fn include(&mut self, selector: &str) -> Result<&mut Self, Error> {
        self.selection
            .include
            .push(selector.parse().map_err(Error::Selection)?);
        Ok(self)
    }

    /// Leave out what this selector names (unless something selected references it).
    pub fn exclude(&mut self, selector: &str) -> Result<&mut Self, Error> {
        self.selection
            .exclude
            .push(selector.parse().map_err(Error::Selection)?);
        Ok(self)
    }

    /// Report progress while pages are parsed (the CLI draws a bar on a terminal).
    pub fn on_progress(
        &mut self,
        progress: impl Fn(&str, usize, usize) + Send + Sync + 'static,
    ) -> &mut Self {
        self.progress = Some(std::sync::Arc::new(progress));
        self
    }

    /// Build scripts: print every warning as a `cargo:warning` line instead of a one-line
    /// summary.
    pub fn print_warnings(&mut self, on: bool) -> &mut Self {
        self.print_warnings = on;
        self
    }

    /// Read, resolve and emit, without writing anything.
    pub fn run(&self) -> Result<Generated, Error> {
        let start = std::time::Instant::now();
        let cpu = crate::timing::process_cpu();
        let docs = match &self.progress {
            Some(p) => {
                load::load_with_progress(&self.docs, &|done, total| p("parsing", done, total))
            }
            None => load::load(&self.docs),
        }
        .map_err(|e| Error::Docs(self.docs.clone(), e))?;
        let load = start.elapsed();
        let load_cpu = crate::timing::cpu_between(cpu, crate::timing::process_cpu());
        let mut g = self.run_on(docs)?;
        g.timings.load = load;
        g.timings.load_cpu = load_cpu;
        Ok(g)
    }

    /// Resolve and emit pages already loaded (see [`load::from_texts`]).
    pub fn run_on(&self, docs: load::Docs) -> Result<Generated, Error> {
        let mut diags: Diagnostics = docs.diagnostics;
        let start = std::time::Instant::now();
        let cpu = crate::timing::process_cpu();
        let step = |stage: &str| {
            if let Some(p) = &self.progress {
                p(stage, 0, 1);
            }
        };
        step("resolving");
        let mut ir = crate::timing::time(1, "build", || ir::build::build(&docs.pages, &mut diags));
        crate::timing::time(1, "select", || ir::select::apply(&mut ir, &self.selection))
            .map_err(Error::Selection)?;
        let t = crate::timing::span(1, "sort diagnostics");
        let diagnostics = diags.into_sorted();
        drop(t);
        let ir_time = start.elapsed();
        let emit_cpu = crate::timing::process_cpu();
        let ir_cpu = crate::timing::cpu_between(cpu, emit_cpu);
        step("emitting");
        let start = std::time::Instant::now();
        // The pages are not needed any more: freed (millions of small strings) alongside the
        // emission rather than after it.
        let load::Docs { pages, files, .. } = docs;
        let emit_options = EmitOptions {
            runtime: self.runtime_dependency(),
            ..self.emit.clone()
        };
        let (emitted, ()) = rayon::join(
            || emit::emit(&ir, &emit_options),
            || {
                use rayon::prelude::*;
                pages.into_par_iter().for_each(drop);
            },
        );
        let inputs = files;
        let (files, report) = emitted.map_err(Error::Emit)?;
        if let Some(p) = &self.progress {
            p("done", 1, 1);
        }
        let timings = Timings {
            ir: ir_time,
            emit: start.elapsed(),
            format: report.format_time,
            ir_cpu,
            emit_cpu: crate::timing::cpu_between(emit_cpu, crate::timing::process_cpu()),
            ..Timings::default()
        };

        Ok(Generated {
            ir,
            files,
            report,
            diagnostics,
            inputs,
            timings,
        })
    }

    /// The output folder: the configured one, else `OUT_DIR` for build scripts, else `generated`.
    pub fn resolved_out_dir(&self) -> PathBuf {
        if let Some(o) = &self.out {
            return o.clone();
        }
        if self.cargo
            && let Some(o) = std::env::var_os("OUT_DIR")
        {
            return PathBuf::from(o);
        }
        PathBuf::from("generated")
    }

    /// Run and write the files (only those whose content changed; stale generated files
    /// removed). Returns the run and what was written.
    pub fn generate(&self) -> Result<(Generated, WriteReport), Error> {
        if self.cargo {
            println!("cargo:rerun-if-changed={}", self.docs.display());
        }
        let mut generated = self.run()?;
        if self.cargo {
            for f in &generated.inputs {
                println!("cargo:rerun-if-changed={}", f.display());
            }
            let warnings: Vec<_> = generated
                .diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warning)
                .collect();
            if self.print_warnings {
                for d in &warnings {
                    println!("cargo:warning={}", d.to_string().replace('\n', " "));
                }
            } else if !warnings.is_empty() {
                println!(
                    "cargo:warning=doc2rs: {count} warnings in {docs} (list them with `doc2rs lint --docs {docs}`)",
                    count = warnings.len(),
                    docs = self.docs.display()
                );
            }
        }
        let out = self.resolved_out_dir();
        let start = std::time::Instant::now();
        let report =
            write::write_tree(&out, &generated.files).map_err(|e| Error::Write(out.clone(), e))?;
        generated.timings.write = start.elapsed();
        Ok((generated, report))
    }

    pub fn docs_dir(&self) -> &Path {
        &self.docs
    }
}

/// `to` as a `/`-separated path relative to the folder `from` (which need not exist yet):
/// both made absolute with symbolic links resolved as far as they exist.
fn relative_path(from: &Path, to: &Path) -> Option<String> {
    fn real(path: &Path) -> Option<PathBuf> {
        let absolute = std::path::absolute(path).ok()?;
        let mut existing = absolute.as_path();
        let mut rest = Vec::new();
        loop {
            if let Ok(real) = existing.canonicalize() {
                let mut real = real;
                real.extend(rest.iter().rev());
                return Some(real);
            }
            rest.push(existing.file_name()?.to_os_string());
            existing = existing.parent()?;
        }
    }
    let (from, to) = (real(from)?, real(to)?);
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    for c in &to[common..] {
        parts.push(c.as_os_str().to_str()?.to_string());
    }
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod runtime_path_tests {
    use super::*;

    #[test]
    fn the_runtime_is_found_relative_to_the_output() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let rel = relative_path(&repo.join("generated"), &repo.join("runtime"));
        assert_eq!(rel.as_deref(), Some("../runtime"));
        let rel = relative_path(&repo.join("not/yet/made"), &repo.join("runtime"));
        assert_eq!(rel.as_deref(), Some("../../../runtime"));
        let mut c = Config::new();
        c.out_dir(repo.join("generated"));
        assert_eq!(
            c.runtime_dependency(),
            RuntimeDep::Path("../runtime".into())
        );
        c.runtime_version("0.1");
        assert_eq!(c.runtime_dependency(), RuntimeDep::Version("0.1".into()));
    }
}
