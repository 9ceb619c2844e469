//! The `doc2rs` command line. Exit codes: 0 output written (warnings allowed), 1 errors,
//! 2 bad usage.

use clap::{Parser, Subcommand, ValueEnum};
use doc2rs::{Config, Severity};
use std::path::PathBuf;
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
        /// Print the wall time of each stage against the floor (read + markdown parse only)
        /// and peak memory.
        #[arg(long)]
        timings: bool,
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
    },
    /// Print the intermediate schema (IR) as JSON.
    Ir {
        #[arg(long, default_value = "docs")]
        docs: PathBuf,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            docs,
            out,
            verbose,
            timings,
        } => generate(docs, out, verbose, timings),
        Command::Ir { docs } => ir(docs),
        Command::Lint {
            docs,
            format,
            verbose,
        } => lint(docs, format, verbose),
        Command::Export { format, docs, out } => export(format, docs, out),
    }
}

fn print_diagnostics(diags: &[doc2rs::Diagnostic], verbose: bool) {
    for d in diags
        .iter()
        .filter(|d| verbose || d.severity >= Severity::Warning)
    {
        eprintln!("{d}");
    }
}

fn generate(docs: PathBuf, out: PathBuf, verbose: bool, timings: bool) -> ExitCode {
    let floor = if timings {
        let start = Instant::now();
        let events = doc2rs::load::floor(&docs).unwrap_or(0);
        Some((start.elapsed(), events))
    } else {
        None
    };
    let start = Instant::now();
    let mut config = Config::new();
    config.docs(&docs).out_dir(&out);
    match config.generate() {
        Ok((g, report)) => {
            print_diagnostics(&g.diagnostics, verbose);
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
    let mut config = Config::new();
    config.docs(&docs);
    match config.run() {
        Ok(g) => match serde_json::to_string_pretty(&g.ir) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("doc2rs: error: {e}");
                ExitCode::from(1)
            }
        },
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            ExitCode::from(1)
        }
    }
}

fn export(format: Format, docs: PathBuf, out: Option<PathBuf>) -> ExitCode {
    let mut config = Config::new();
    config.docs(&docs);
    let g = match config.run() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            return ExitCode::from(1);
        }
    };
    let (text, report) = match format {
        Format::Csdl => doc2rs::export::csdl::to_csdl_with_report(&g.ir),
    };
    eprintln!("doc2rs: csdl: {report:?}");
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

fn lint(docs: PathBuf, format: LintFormat, verbose: bool) -> ExitCode {
    let mut config = Config::new();
    config.docs(&docs);
    let g = match config.run() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("doc2rs: error: {e}");
            return ExitCode::from(1);
        }
    };
    let summary = doc2rs::summary::Summary::of(&g);
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
        }
        LintFormat::Json => {
            let doc = serde_json::json!({ "diagnostics": g.diagnostics, "summary": summary });
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
                println!(
                    "::{level} file={prefix}/{},line={},col={},title={} {}::{msg}",
                    d.loc.file,
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
        }
    }
    if g.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_timings(
    t: &doc2rs::Timings,
    floor: std::time::Duration,
    events: usize,
    total: std::time::Duration,
) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    eprintln!("stage                         ms   x floor");
    let row = |name: &str, d: std::time::Duration| {
        eprintln!(
            "{name:<24} {:>9.1} {:>8.2}",
            ms(d),
            ms(d) / ms(floor).max(1e-9)
        )
    };
    row("floor (read + markdown)", floor);
    row("load (read + page model)", t.load);
    row("ir", t.ir);
    row("emit (tokens + format)", t.emit);
    row("  of which format", t.format);
    row("write", t.write);
    row("total", total);
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
