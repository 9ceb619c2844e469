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
enum Format {
    /// OData CSDL 4.0 XML (an EDMX document).
    Csdl,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate { docs, out, verbose } => generate(docs, out, verbose),
        Command::Ir { docs } => ir(docs),
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

fn generate(docs: PathBuf, out: PathBuf, verbose: bool) -> ExitCode {
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
