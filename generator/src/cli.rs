//! The `doc2rs` command line (the binary, `main.rs`, only sets up its allocator and calls
//! [`main`]). Exit codes: 0 output written (warnings allowed), 1 errors, 2 bad usage.

use crate::{Config, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "doc2rs",
    version,
    about = "Generate a Rust SDK from API reference markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the SDK crate from the docs.
    Generate {
        /// The docs folder (pages below it, any depth).
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
        /// The output crate folder.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Also print notes, not only warnings and errors.
        #[arg(long, short)]
        verbose: bool,
        /// Generate only what this names, and what it references: `area:NAME`,
        /// `namespace:NAME`, `type:GLOB`, `path:GLOB` (repeatable).
        #[arg(long)]
        include: Vec<String>,
        /// Leave out what this names (unless a selected item references it).
        #[arg(long)]
        exclude: Vec<String>,
        /// Print the wall time of each stage against the floor (read + markdown parse only)
        /// and peak memory.
        #[arg(long)]
        timings: bool,
        /// The generated crate depends on the runtime crate at this path (relative to the
        /// output folder, or absolute). Default: this repository's `runtime/`, when the
        /// generator was built from it.
        #[arg(long, value_name = "PATH", conflicts_with = "runtime_version")]
        runtime_path: Option<String>,
        /// The generated crate depends on the published runtime crate, this version.
        #[arg(long, value_name = "VERSION")]
        runtime_version: Option<String>,
    },
    /// Print the diagnostics for a docs folder and a summary by code; exit 1 on errors.
    Lint {
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: LintFormat,
        /// Also list notes (human and github formats).
        #[arg(long, short)]
        verbose: bool,
        /// Also compare the docs with this official CSDL document: its disagreements join
        /// the diagnostics and the comparison figures are printed.
        #[arg(long, value_name = "FILE.xml")]
        metadata: Option<PathBuf>,
    },
    /// Exit 0 when the checked-in code is what the docs produce; else print a diff and exit 1.
    Check {
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
    },
    /// Compare the API of two docs versions (folders, or git `REV:path` like `HEAD~3:docs`).
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value = "markdown")]
        format: DiffFormat,
        /// Exit 1 when there is a breaking change.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Prefix for the doc links in the markdown report.
        #[arg(long, default_value = "docs/")]
        link_base: String,
        /// Also write the complete itemised Markdown report to FILE (the summary printed
        /// stays within a GitHub comment's 65,536 characters).
        #[arg(long, value_name = "FILE")]
        full: Option<PathBuf>,
    },
    /// Print the intermediate schema (IR) as JSON.
    Ir {
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
    },
    /// Write the naive serde crate for the same docs (the compile-cost baseline of
    /// `bench/compile.sh`).
    #[command(hide = true)]
    Baseline {
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Export the IR as a schema in another format.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
        /// The output file; standard output when absent.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
}

#[derive(Clone, Copy, ValueEnum)]
enum LintFormat {
    /// `file:line:col: severity[code slug]: message`, then a summary by code.
    Human,
    /// One JSON document: diagnostics and summary.
    Json,
    /// GitHub workflow annotation lines (`::warning file=...,line=...::...`).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// OData CSDL 4.0 XML (an EDMX document).
    Csdl,
    /// OpenAPI 3.0.3 JSON (paths from the operations, schemas from the types and enums).
    Openapi,
}

/// Runs the command line (`doc2rs generate`, `check`, ...): parses the arguments, runs the
/// command, and says how it went as the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            docs,
            out,
            verbose,
            timings,
            include,
            exclude,
            runtime_path,
            runtime_version,
        } => {
            let mut config = Config::new();
            config.docs(&docs).out_dir(&out);
            if let Some(path) = runtime_path {
                config.runtime_path(path);
            }
            if let Some(version) = runtime_version {
                config.runtime_version(version);
            }
            for sel in &include {
                if let Err(e) = config.include(sel) {
                    eprintln!("doc2rs: error: {e}");
                    return ExitCode::from(2);
                }
            }
            for sel in &exclude {
                if let Err(e) = config.exclude(sel) {
                    eprintln!("doc2rs: error: {e}");
                    return ExitCode::from(2);
                }
            }
            config.on_progress(progress_bar());
            generate(config, docs, out, verbose, timings)
        }
        Command::Ir { docs } => ir(docs),
        Command::Check { docs, out } => check(docs, out),
        Command::Diff {
            old,
            new,
            format,
            fail_on,
            link_base,
            full,
        } => diff(&old, &new, format, fail_on, &link_base, full.as_deref()),
        Command::Lint {
            docs,
            format,
            verbose,
            metadata,
        } => lint(docs, format, verbose, metadata),
        Command::Export { format, docs, out } => export(format, docs, out),
        Command::Baseline { docs, out } => baseline(docs, out),
    }
}

fn baseline(docs: PathBuf, out: PathBuf) -> ExitCode {
    let g = match run(&docs) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let written = crate::emit::naive::emit(&g.ir, "naive-baseline")
        .map_err(|e| e.to_string())
        .and_then(|files| {
            crate::write::write_tree(&out, &files).map_err(|e| format!("{}: {e}", out.display()))
        });
    match written {
        Ok(_) => {
            eprintln!(
                "doc2rs: naive baseline for {} types, {} enums -> {}",
                g.ir.types.len(),
                g.ir.enums.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn print_diagnostics(diags: &[crate::Diagnostic], verbose: bool) {
    for d in diags
        .iter()
        .filter(|d| verbose || d.severity >= Severity::Warning)
    {
        eprintln!("{d}");
    }
}

fn generate(config: Config, docs: PathBuf, out: PathBuf, verbose: bool, timings: bool) -> ExitCode {
    let floor = if timings {
        crate::timing::record();
        let start = Instant::now();
        let cpu = crate::timing::process_cpu();
        let events = crate::load::floor(&docs).unwrap_or(0);
        let cpu = crate::timing::cpu_between(cpu, crate::timing::process_cpu());
        Some(((start.elapsed(), cpu), events))
    } else {
        None
    };
    let start = Instant::now();
    match config.generate() {
        Ok((g, report)) => {
            let t = crate::timing::span(0, "print diagnostics");
            print_diagnostics(&g.diagnostics, verbose);
            drop(t);
            if verbose {
                for (at, why) in &g.report.skipped_examples {
                    eprintln!("{at}: example not turned into a test: {why}");
                }
            }
            let count = |s: Severity| g.diagnostics.iter().filter(|d| d.severity == s).count();
            eprintln!(
                "doc2rs: {} pages, {} types, {} enums, {} operations, {} examples ({} example tests, {} skipped, {} local-server tests) -> {}: {} written, {} unchanged, {} removed; {} errors, {} warnings, {} notes; {:.2?}",
                g.ir.pages.len(),
                g.ir.types.len(),
                g.ir.enums.len(),
                g.report.operations,
                g.ir.examples.len(),
                g.report.example_tests,
                g.report.skipped_examples.len(),
                g.report.client_tests,
                out.display(),
                report.written.len(),
                report.unchanged,
                report.removed.len(),
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Note),
                start.elapsed()
            );
            if let Some((floor, events)) = floor {
                print_timings(&g.timings, floor, events, start.elapsed());
            }
            if g.errors() > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn ir(docs: PathBuf) -> ExitCode {
    let g = match run(&docs) {
        Ok(g) => g,
        Err(code) => return code,
    };
    match serde_json::to_string_pretty(&g.ir) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn export(format: Format, docs: PathBuf, out: Option<PathBuf>) -> ExitCode {
    let g = match run(&docs) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let (text, report) = match format {
        Format::Csdl => {
            let (text, report) = crate::export::csdl::to_csdl_with_report(&g.ir);
            (text, format!("csdl: {report:?}"))
        }
        Format::Openapi => {
            let (doc, report) = crate::export::openapi::to_openapi_with_report(&g.ir);
            let text = crate::export::openapi::pretty(&doc);
            (text, format!("openapi: {report:?}"))
        }
    };
    eprintln!("doc2rs: {report}");
    let written = match &out {
        Some(path) => std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display())),
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("doc2rs: error: cannot write {e}");
            ExitCode::from(1)
        }
    }
}

fn lint(docs: PathBuf, format: LintFormat, verbose: bool, metadata: Option<PathBuf>) -> ExitCode {
    let mut g = match run(&docs) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let metadata = match metadata.map(|m| crate::metadata::lint(&g.ir, &m)) {
        Some(Ok(m)) => {
            g.diagnostics.extend(m.diagnostics.iter().cloned());
            g.diagnostics.sort();
            Some(m)
        }
        Some(Err(e)) => {
            eprintln!("doc2rs: error: {e}");
            return ExitCode::from(1);
        }
        None => None,
    };
    let official = metadata.as_ref().map(|m| m.official_file.as_str());
    let summary = crate::summary::Summary::of(&g);
    let shown = g
        .diagnostics
        .iter()
        .filter(|d| verbose || d.severity >= Severity::Warning);
    match format {
        LintFormat::Human => {
            for d in shown {
                println!("{d}");
            }
            println!("\n{} diagnostics by code:", g.diagnostics.len());
            for (code, n) in summary.top_codes() {
                println!("{n:>7}  {code}");
            }
            if let Some(m) = &metadata {
                print!("\n{}", crate::metadata::figures_table(&m.figures));
            }
        }
        LintFormat::Json => {
            let mut doc = serde_json::json!({ "diagnostics": g.diagnostics, "summary": summary });
            if let Some(m) = &metadata {
                doc["metadata"] = serde_json::json!(m.figures);
            }
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        LintFormat::Github => {
            let prefix = docs.to_string_lossy().trim_end_matches('/').to_string();
            for d in shown {
                let level = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "notice",
                };
                // Workflow commands: `%`, CR and LF are escaped in the message.
                let msg = d
                    .message
                    .replace('%', "%25")
                    .replace('\r', "%0D")
                    .replace('\n', "%0A");
                // Findings in the official metadata file carry its path as given.
                let file = match official == Some(d.loc.file.as_str()) {
                    true => d.loc.file.clone(),
                    false => format!("{prefix}/{}", d.loc.file),
                };
                println!(
                    "::{level} file={file},line={},col={},title={} {}::{msg}",
                    d.loc.line,
                    d.loc.col,
                    d.code,
                    d.code.slug()
                );
            }
            let top: Vec<String> = summary
                .top_codes()
                .iter()
                .map(|(c, n)| format!("{c}: {n}"))
                .collect();
            println!(
                "::notice title=doc2rs summary::{} diagnostics. {}",
                g.diagnostics.len(),
                top.join(", ")
            );
            if let Some(m) = &metadata {
                let line = crate::metadata::figures_line(&m.figures);
                println!("::notice title=doc2rs metadata::{line}");
            }
        }
    }
    if g.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_timings(
    t: &crate::Timings,
    floor: (std::time::Duration, Option<std::time::Duration>),
    events: usize,
    total: std::time::Duration,
) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "{:<40} {:>9} {:>8} {:>9}",
        "stage", "ms", "x floor", "cpu ms"
    );
    let row = |name: &str, d: std::time::Duration, cpu: Option<std::time::Duration>| {
        let cpu = cpu.map(|c| format!("{:>9.1}", ms(c))).unwrap_or_default();
        eprintln!(
            "{name:<40} {:>9.1} {:>8.2} {cpu}",
            ms(d),
            ms(d) / ms(floor.0).max(1e-9)
        )
    };
    row("floor (read + markdown)", floor.0, floor.1);
    row("load (read + page model)", t.load, t.load_cpu);
    row("ir", t.ir, t.ir_cpu);
    row("emit (tokens + format)", t.emit, t.emit_cpu);
    row("  format (cpu, all threads)", t.format, None);
    row("write", t.write, None);
    row("total", total, None);
    // What no emitter change can go below: the floor's own work, then prettyplease printing
    // the output on every thread at once with nothing else to do.
    let threads = rayon::current_num_threads().max(1) as u32;
    row(
        "bound: floor + format / threads",
        floor.0 + t.format / threads,
        None,
    );
    let spans = crate::timing::spans();
    if !spans.is_empty() {
        eprintln!("passes (wall, in the order they started)");
        for (depth, name, d) in spans {
            row(&format!("{:w$}{name}", "", w = 2 * depth), d, None);
        }
    }
    eprintln!(
        "threads: {}; markdown events in the floor: {events}",
        rayon::current_num_threads()
    );
    match peak_rss_mib() {
        Some(mib) => eprintln!("peak memory (VmHWM): {mib} MiB"),
        None => eprintln!("peak memory: not available on this platform"),
    }
}

/// Peak resident set size of this process, from /proc (Linux).
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn check(docs: PathBuf, out: PathBuf) -> ExitCode {
    // The output folder matters: the runtime's path in `Cargo.toml` is relative to it.
    let mut config = Config::new();
    config.docs(&docs).out_dir(&out);
    let g = match config.run() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            return ExitCode::from(1);
        }
    };
    let changes = match crate::check::compare(&g.files, &out) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("doc2rs: error: cannot read {}: {e}", out.display());
            return ExitCode::from(1);
        }
    };
    if changes.is_empty() {
        eprintln!(
            "doc2rs: {} is up to date with {}",
            out.display(),
            docs.display()
        );
        return ExitCode::SUCCESS;
    }
    for c in &changes {
        match c {
            crate::check::FileChange::Missing(p) => println!("missing: {p}"),
            crate::check::FileChange::Stale(p) => println!("no longer generated: {p}"),
            crate::check::FileChange::Changed(_, diff) => print!("{diff}"),
        }
    }
    eprintln!(
        "doc2rs: {} is stale ({} files differ); fix it with: cargo run -p doc2rs -- generate --docs {} --out {}",
        out.display(),
        changes.len(),
        docs.display(),
        out.display()
    );
    ExitCode::from(1)
}

/// A docs folder, or a git `REV:path` materialised into a temporary folder.
fn docs_source(spec: &str) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    let path = PathBuf::from(spec);
    if path.is_dir() {
        return Ok((path, None));
    }
    if !spec.contains(':') {
        return Err(format!("`{spec}` is neither a folder nor a git `REV:path`"));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let archive = std::process::Command::new("git")
        .args(["archive", "--format=tar", spec])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {spec}: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        ));
    }
    let mut tar = std::process::Command::new("tar")
        .args(["-x", "-C"])
        .arg(dir.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if let Some(stdin) = tar.stdin.as_mut() {
        std::io::Write::write_all(stdin, &archive.stdout).map_err(|e| e.to_string())?;
    }
    let status = tar.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("tar failed extracting {spec}"));
    }
    Ok((dir.path().to_path_buf(), Some(dir)))
}

fn diff(
    old: &str,
    new: &str,
    format: DiffFormat,
    fail_on: Option<FailOn>,
    link_base: &str,
    full: Option<&Path>,
) -> ExitCode {
    let run = |spec: &str| -> Result<(crate::Generated, Option<tempfile::TempDir>), String> {
        let (dir, guard) = docs_source(spec)?;
        let mut config = Config::new();
        config.docs(&dir);
        config.run().map(|g| (g, guard)).map_err(|e| e.to_string())
    };
    let (old_g, new_g) = match (run(old), run(new)) {
        (Ok((a, _ga)), Ok((b, _gb))) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("doc2rs: error: {e}");
            return ExitCode::from(1);
        }
    };
    let changes = crate::diff::diff(&old_g.ir, &new_g.ir);
    if let Some(file) = full {
        let report = crate::diff::to_markdown_full(&changes, Some(link_base));
        if let Err(e) = std::fs::write(file, report) {
            eprintln!("doc2rs: error: cannot write {}: {e}", file.display());
            return ExitCode::from(1);
        }
    }
    match format {
        DiffFormat::Markdown => {
            print!("{}", crate::diff::to_markdown(&changes, Some(link_base)));
            let stat = crate::check::stat(&old_g.files, &new_g.files);
            if !stat.is_empty() {
                println!("\n<details><summary>Generated code</summary>\n\n```");
                let (mut a, mut r) = (0, 0);
                for (file, added, removed) in &stat {
                    println!(" {file} | +{added} -{removed}");
                    a += added;
                    r += removed;
                }
                println!(
                    " {} files changed, {a} insertions(+), {r} deletions(-)\n```\n</details>",
                    stat.len()
                );
            }
        }
        DiffFormat::Json => {
            let stat: Vec<_> = crate::check::stat(&old_g.files, &new_g.files)
                .into_iter()
                .map(|(f, a, r)| serde_json::json!({"file": f, "added": a, "removed": r}))
                .collect();
            let mut doc = crate::diff::to_json(&changes);
            doc["generated_stat"] = serde_json::Value::Array(stat);
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    let breaking = changes
        .iter()
        .any(|c| matches!(c.impact, crate::diff::Impact::Breaking));
    if breaking && matches!(fail_on, Some(FailOn::Breaking)) {
        eprintln!("doc2rs: breaking changes found");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// A progress bar on stderr, drawn only on a terminal and only once a run has taken over a
/// second.
fn progress_bar() -> impl Fn(&str, usize, usize) + Send + Sync + 'static {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    use std::io::IsTerminal;
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("doc2rs: {msg:10} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if std::io::stderr().is_terminal() {
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(100));
            }
        });
    }
    move |stage, done, total| {
        if stage == "done" {
            bar.finish_and_clear();
            return;
        }
        bar.set_message(stage.to_string());
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

/// Read and resolve a docs folder in memory; errors are printed.
fn run(docs: &std::path::Path) -> Result<crate::Generated, ExitCode> {
    let mut config = Config::new();
    config.docs(docs);
    config.run().map_err(|e| {
        eprintln!("doc2rs: error: {e}");
        ExitCode::from(1)
    })
}
