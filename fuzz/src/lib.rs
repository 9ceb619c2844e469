//! doc2rs-fuzz: a fuzzing harness on stable Rust. Inputs come from `arbitrary` data shaped
//! by a page generator ([`pagegen`]) and from mutated corpus pages ([`mutate`]); each input is
//! a pure function of (seed, target, index), so any one can be replayed. Every input must
//! satisfy the [`props`].

pub mod mutate;
pub mod pagegen;
pub mod props;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Page,
    Json,
    Path,
    Typespell,
    Ident,
    Pipeline,
}

impl Target {
    pub const ALL: [Target; 6] = [
        Target::Page,
        Target::Json,
        Target::Path,
        Target::Typespell,
        Target::Ident,
        Target::Pipeline,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Page => "page",
            Target::Json => "json",
            Target::Path => "path",
            Target::Typespell => "typespell",
            Target::Ident => "ident",
            Target::Pipeline => "pipeline",
        }
    }

    /// Extension of a saved input (and of its regression fixture).
    pub fn ext(self) -> &'static str {
        match self {
            Target::Page | Target::Pipeline => "md",
            Target::Json => "json",
            Target::Path => "path",
            Target::Typespell => "type",
            Target::Ident => "ident",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// Seed inputs per target, taken from real pages.
#[derive(Default)]
pub struct Seeds {
    pub pages: Vec<(String, String)>,
    pub json: Vec<String>,
    pub paths: Vec<String>,
    pub types: Vec<String>,
    pub names: Vec<String>,
}

fn md_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            md_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

/// The repository root (this crate sits in `fuzz/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("fuzz/ has a parent")
        .to_path_buf()
}

impl Seeds {
    /// Pages from the repository's `docs/` and test fixtures, and every `step`-th page of the
    /// shared corpus when it is there (`DOC2RS_FUZZ_CORPUS` overrides its place).
    pub fn load(step: usize) -> Seeds {
        let root = repo_root();
        let mut files = Vec::new();
        md_files(&root.join("docs"), &mut files);
        md_files(&root.join("generator/tests/fixtures"), &mut files);
        let corpus = std::env::var_os("DOC2RS_FUZZ_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("../shared/corpus/graph-docs-beta-2021-07"));
        let mut big = Vec::new();
        md_files(&corpus, &mut big);
        big.sort();
        if big.is_empty() {
            eprintln!(
                "doc2rs-fuzz: no corpus at {} (seeds from docs/ and fixtures only)",
                corpus.display()
            );
        }
        files.sort();
        files.extend(big.into_iter().step_by(step.max(1)));
        let mut s = Seeds::default();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let name = f
                .strip_prefix(&root)
                .or_else(|_| f.strip_prefix(&corpus))
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            s.extract(&text);
            s.pages.push((name, text));
        }
        for v in [&mut s.json, &mut s.paths, &mut s.types, &mut s.names] {
            v.sort();
            v.dedup();
        }
        s
    }

    /// Parts of a page: code block bodies and annotations (JSON), request lines (paths),
    /// table cells (types and names).
    fn extract(&mut self, text: &str) {
        let mut in_code = false;
        let mut body = String::new();
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with("```") {
                if in_code {
                    let json = match body.find("\n\n") {
                        Some(i) if !body.trim_start().starts_with(['{', '[']) => &body[i..],
                        _ => &body[..],
                    };
                    if json.trim_start().starts_with(['{', '[']) {
                        self.json.push(json.trim().to_string());
                    }
                    body.clear();
                }
                in_code = !in_code;
                continue;
            }
            if in_code {
                body.push_str(line);
                body.push('\n');
                if let Some((m, rest)) = t.split_once(' ')
                    && ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&m)
                {
                    self.paths.push(rest.trim().to_string());
                }
                continue;
            }
            if let Some(a) = t.strip_prefix("<!--").and_then(|a| a.strip_suffix("-->")) {
                self.json.push(a.trim().to_string());
            }
            if t.starts_with('|') && !t.starts_with("|:") && !t.starts_with("|-") {
                let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
                if cells.len() >= 2 {
                    self.names.push(cells[0].to_string());
                    self.types.push(cells[1].to_string());
                }
            }
        }
    }

    fn unit(&self, t: Target) -> &[String] {
        match t {
            Target::Json => &self.json,
            Target::Path => &self.paths,
            Target::Typespell => &self.types,
            _ => &self.names,
        }
    }
}

/// One input of a target.
#[derive(Debug, Clone)]
pub enum Input {
    Text(String),
    Pages(Vec<(String, String)>),
}

impl Input {
    /// The input as a file (pages joined with marker lines).
    pub fn to_file(&self) -> String {
        match self {
            Input::Text(t) => t.clone(),
            Input::Pages(p) => props::join_pages(p),
        }
    }
}

/// The input number `index` of `target` under `seed`: a pure function of the three.
pub fn input(seeds: &Seeds, target: Target, seed: u64, index: u64) -> Input {
    let mix = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((target as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03))
        .wrapping_add(index.wrapping_mul(0x94D0_49BB_1331_11EB));
    let mut rng = fastrand::Rng::with_seed(mix);
    let structured = rng.bool() || seeds.pages.is_empty();
    let mut data = vec![0u8; rng.usize(..4096)];
    rng.fill(&mut data);
    let mut u = arbitrary::Unstructured::new(&data);
    let unit_max = 4096;
    let page_max = 256 * 1024;
    match target {
        Target::Page | Target::Pipeline => {
            let pages: Vec<(String, String)> = if structured {
                let mut pages = pagegen::pages(&mut u).unwrap_or_default();
                if target == Target::Page {
                    pages.truncate(1);
                }
                if rng.u8(..4) == 0 {
                    for p in &mut pages {
                        p.1 = mutate::mutate(&mut rng, &p.1, "", page_max);
                    }
                }
                pages
            } else {
                let n = if target == Target::Page {
                    1
                } else {
                    1 + rng.usize(..3)
                };
                let mut pages: Vec<(String, String)> = Vec::new();
                for _ in 0..n {
                    let (name, text) = &seeds.pages[rng.usize(..seeds.pages.len())];
                    let (_, other) = &seeds.pages[rng.usize(..seeds.pages.len())];
                    let text = mutate::mutate(&mut rng, text, other, page_max);
                    if pages.iter().all(|(n, _)| n != name) {
                        pages.push((name.clone(), text));
                    }
                }
                pages
            };
            if target == Target::Page {
                Input::Text(pages.into_iter().next().map(|p| p.1).unwrap_or_default())
            } else {
                Input::Pages(pages)
            }
        }
        _ => {
            let pool = seeds.unit(target);
            let text = if structured || pool.is_empty() {
                let generated = match target {
                    Target::Json => pagegen::json(&mut u, 0),
                    Target::Path => pagegen::path(&mut u),
                    Target::Typespell => pagegen::type_spelling(&mut u),
                    _ => pagegen::name(&mut u),
                }
                .unwrap_or_default();
                if rng.u8(..4) == 0 {
                    mutate::mutate(&mut rng, &generated, "", unit_max)
                } else {
                    generated
                }
            } else {
                let a = &pool[rng.usize(..pool.len())];
                let b = &pool[rng.usize(..pool.len())];
                mutate::mutate(&mut rng, a, b, unit_max)
            };
            Input::Text(text)
        }
    }
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Panics are recorded (message and place) instead of printed.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic)".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            last.get_or_insert(format!("{msg}{at}"));
        }
    }));
}

/// Every property for one input; `Err` is a finding (a panic included).
pub fn check(target: Target, input: &Input, determinism: bool) -> Result<(), String> {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match (target, input) {
        (Target::Page, Input::Text(t)) => props::check_page("resources/fuzz.md", t),
        (Target::Json, Input::Text(t)) => props::check_json(t),
        (Target::Path, Input::Text(t)) => props::check_path(t),
        (Target::Typespell, Input::Text(t)) => props::check_type(t),
        (Target::Ident, Input::Text(t)) => props::check_ident(t),
        (Target::Pipeline, Input::Pages(p)) => {
            for (name, text) in p {
                props::check_page(name, text)?;
            }
            props::check_pipeline(p, determinism)
        }
        _ => Err("input does not fit the target".into()),
    }));
    match result {
        Ok(r) => r,
        Err(_) => {
            let msg = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_else(|| "panic".into());
            Err(format!("panic: {msg}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_a_function_of_seed_target_and_index() {
        let seeds = Seeds::default();
        for t in Target::ALL {
            for i in 0..20 {
                assert_eq!(
                    input(&seeds, t, 7, i).to_file(),
                    input(&seeds, t, 7, i).to_file()
                );
            }
        }
    }

    #[test]
    fn pages_survive_joining_and_splitting() {
        let pages = vec![
            ("api/a.md".to_string(), "# A\n\ntext".to_string()),
            ("resources/b.md".to_string(), "no newline".to_string()),
        ];
        let back = props::split_pages(&props::join_pages(&pages));
        assert_eq!(back[0].0, "api/a.md");
        assert_eq!(back[1], pages[1]);
        assert_eq!(back[0].1.trim_end(), pages[0].1);
    }

    #[test]
    fn injection_is_detected() {
        let mut files = doc2rs::test_door::emit::Files::new();
        files.insert("src/x.rs".into(), "fn evil__Injected() {}".into());
        assert!(props::check_rust(&files).is_err());
        files.insert(
            "src/x.rs".into(),
            "/// \"; } fn evil__Injected() {\nfn ok() { let _ = \"evil__Injected\"; }".into(),
        );
        assert!(props::check_rust(&files).is_ok());
    }

    #[test]
    fn a_placeholder_left_in_the_output_is_detected() {
        // A run makes the model template, whose placeholders include `"__name"`, `999002`.
        props::run(&props::wrap("ident", "thing")).unwrap();
        let check = |text: &str| {
            let mut files = doc2rs::test_door::emit::Files::new();
            files.insert("src/x.rs".into(), text.into());
            props::check_rust(&files)
        };
        for left in [
            "pub struct __T;",
            "fn f() { r#__x(); }",
            "const NAME: &str = \"__name\";",
            "const NAME: &str = r#\"__name\"#;",
            "const N: usize = 999002;",
        ] {
            let e = check(left).unwrap_err();
            assert!(e.starts_with("template placeholder"), "{left}: {e}");
        }
        for fine in [
            "pub struct T_;",
            "const NAME: &str = \"__no_such_placeholder\";",
            "const N: u64 = 999002u64;",
            "/// \"__name\" in prose\nfn f() {}",
        ] {
            assert!(check(fine).is_ok(), "{fine}");
        }
    }
}
