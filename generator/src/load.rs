//! Reading a docs folder: every `*.md` page below it, in sorted order, parsed in parallel.

use crate::diag::{Code, Diagnostics, Loc};
use crate::page::{Page, parse::parse_page};
use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// The pages of a docs folder and what reading them found.
pub struct Docs {
    pub root: PathBuf,
    pub pages: Vec<Page>,
    pub diagnostics: Diagnostics,
    /// Every file read (absolute), for `cargo:rerun-if-changed`.
    pub files: Vec<PathBuf>,
}

/// Files directly in the docs root that are not pages.
fn is_page(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let upper = name.to_ascii_uppercase();
    rel.ends_with(".md")
        && !(rel == name
            && (upper.starts_with("README")
                || upper.starts_with("LICENSE")
                || upper.starts_with("NOTICE")))
}

/// The page files below `root` and the other files, as sorted `/`-separated relative paths.
pub(crate) fn list(root: &Path) -> io::Result<(Vec<String>, Vec<String>)> {
    let mut skipped = Vec::new();
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if is_page(&rel) {
                    out.push(rel);
                } else if rel.contains('/') {
                    skipped.push(rel);
                }
            }
        }
    }
    out.sort();
    skipped.sort();
    Ok((out, skipped))
}

/// Parse pages given as (relative path, text) pairs: for tests and in-memory use.
pub fn from_texts(root: &Path, pages: &[(String, String)]) -> Docs {
    let mut diagnostics = Diagnostics::default();
    let mut parsed = Vec::new();
    let mut sorted: Vec<&(String, String)> = pages.iter().collect();
    sorted.sort();
    for (rel, text) in sorted {
        parsed.push(parse_page(rel, text, &mut diagnostics));
    }
    Docs {
        root: root.to_path_buf(),
        pages: parsed,
        diagnostics,
        files: vec![],
    }
}

/// Read and parse every page below `root`. Fails only when the folder cannot be listed;
/// unreadable pages are diagnostics.
pub fn load(root: &Path) -> io::Result<Docs> {
    load_with_progress(root, &|_, _| {})
}

/// [`load`], calling `progress(done, total)` as pages are parsed (from any thread).
pub(crate) fn load_with_progress(
    root: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> io::Result<Docs> {
    let (files, skipped) = list(root)?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    if files.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no .md pages below {}", root.display()),
        ));
    }
    let parsed: Vec<(Option<Page>, Diagnostics)> = files
        .par_iter()
        .map(|rel| {
            let mut diags = Diagnostics::default();
            let loc = Loc {
                file: rel.clone(),
                line: 1,
                col: 1,
            };
            let page = match std::fs::read(root.join(rel)) {
                Ok(bytes) => {
                    let text = match String::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(e) => {
                            diags.emit(
                                Code::NotUtf8,
                                loc,
                                "page is not valid UTF-8; invalid bytes replaced",
                            );
                            String::from_utf8_lossy(e.as_bytes()).into_owned()
                        }
                    };
                    Some(parse_page(rel, &text, &mut diags))
                }
                Err(e) => {
                    diags.emit(Code::ReadFailed, loc, format!("cannot read page: {e}"));
                    None
                }
            };
            progress(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                files.len(),
            );
            (page, diags)
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    for rel in skipped {
        let loc = Loc {
            file: rel,
            line: 1,
            col: 1,
        };
        diagnostics.emit(Code::FileSkipped, loc, "not a `.md` page; not read");
    }
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, d) in parsed {
        diagnostics.extend(d);
        pages.extend(page);
    }
    Ok(Docs {
        root: root.to_path_buf(),
        pages,
        diagnostics,
        files: files.iter().map(|f| root.join(f)).collect(),
    })
}

/// The floor for benchmarks: list and read every page and run pulldown-cmark over it,
/// nothing else (same parallelism as [`load`]). Returns the number of events seen.
pub(crate) fn floor(root: &Path) -> io::Result<usize> {
    use pulldown_cmark::{Options, Parser};
    let (files, _) = list(root)?;
    let opts = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    Ok(files
        .par_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join(rel)).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            Parser::new_ext(&text, opts).into_offset_iter().count()
        })
        .sum())
}
