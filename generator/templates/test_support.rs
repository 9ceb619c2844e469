//! Helpers shared by the generated tests: JSON comparison, percent-decoding, and the runner
//! of the tables of cases (each case's failure, panic or crash is caught and counted, and
//! the test fails at the end listing every failing case with its place in the docs).

use std::cell::Cell;
use std::sync::Mutex;

/// Two JSON values are the same for a round trip: `null` and an absent member count as
/// equal (models skip `None`), and numbers compare by value (`1` and `1.0`).
pub fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let present = |m: &serde_json::Map<String, Value>| -> Vec<String> {
                m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect()
            };
            present(x) == present(y) && x.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| same(v, &y[k]))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Compare what the typed code wrote back with the docs' JSON text.
#[allow(dead_code)]
pub fn same_as(documented: &str, back: &serde_json::Value, what: &str) -> Result<(), String> {
    let original: serde_json::Value = serde_json::from_str(documented).map_err(|e| format!("the docs' JSON does not parse: {e}"))?;
    if same(&original, back) {
        Ok(())
    } else {
        Err(format!("{what}:\ndocumented: {original:#}\nback:       {back:#}"))
    }
}

/// Percent-decode a URL path or query component.
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// What a case came to: `Ok`, or why it failed.
pub type Outcome = Result<(), String>;

thread_local! {
    /// Set while a runner catches panics on this thread.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// The last caught panic's message and location.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Route panics on a catching thread to [`PANIC`] (instead of printing them); other threads
/// (tests running beside the runner) keep the previous hook.
fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                if let Ok(mut last) = PANIC.lock() {
                    *last = Some(info.to_string());
                }
            } else {
                previous(info);
            }
        }));
    });
}

/// The message of the panic just caught.
#[allow(dead_code)]
pub fn caught_panic() -> String {
    PANIC.lock().ok().and_then(|mut p| p.take()).unwrap_or_else(|| "panicked".to_string())
}

/// Run one case, a panic counting as a failure.
fn catch(case: impl FnOnce() -> Outcome) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(case)).unwrap_or_else(|_| Err(caught_panic()))
}

/// Set in the child process to the index of the first case it runs.
const CHILD: &str = "DOC2RS_CHILD_FROM";
/// The start of the lines a child reports on.
const LINE: &str = "doc2rs-case:";

/// Run a table of cases and fail listing every failing case with its place in the docs.
///
/// The cases run in a child process (this test binary again, running only `test`) that
/// reports each one on its stdout; a failure or a panic is caught in the child, and a case
/// that kills the process (a stack overflow aborts it) is reported as failed and the rest
/// run in a new child, so one crash cannot hide the other results. `setup` runs in the
/// child and gives the function that checks one case.
///
/// Environment: `DOC2RS_CASES=TEXT` runs only the cases whose name or doc location contains
/// `TEXT`; `DOC2RS_TRACE=1` prints each case before it runs; `DOC2RS_IN_PROCESS=1` runs the
/// cases in this process (under a debugger); `DOC2RS_KNOWN_FAILURES=FILE` names known
/// failures (see [`finish`]).
pub fn run_table<T: 'static, F: FnMut(&'static T) -> Outcome>(
    test: &str,
    what: &str,
    cases: &'static [T],
    label: fn(&T) -> (&'static str, &'static str),
    setup: impl FnOnce() -> F,
) {
    let filter = std::env::var("DOC2RS_CASES").ok().filter(|f| !f.is_empty());
    let selected = |case: &T| {
        let (name, at) = label(case);
        filter.as_ref().is_none_or(|f| name.contains(f.as_str()) || at.contains(f.as_str()))
    };
    let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty());
    let child = std::env::var(CHILD).ok().and_then(|v| v.parse::<usize>().ok());
    let in_process = child.is_none() && set("DOC2RS_IN_PROCESS");
    if child.is_some() || in_process {
        let (from, trace) = (child.unwrap_or(0), set("DOC2RS_TRACE"));
        let mut check = setup();
        install_hook();
        CATCHING.with(|c| c.set(true));
        let (mut passed, mut failed) = (Vec::new(), Vec::new());
        for (i, case) in cases.iter().enumerate().skip(from).filter(|(_, c)| selected(c)) {
            let (name, at) = label(case);
            if trace {
                eprintln!("{what}: {name} ({at})");
            }
            if child.is_some() {
                println!("{LINE}{i} start");
            }
            match catch(|| check(case)) {
                Ok(()) => {
                    passed.push(name);
                    if child.is_some() {
                        println!("{LINE}{i} ok");
                    }
                }
                Err(why) => {
                    if child.is_some() {
                        println!("{LINE}{i} fail {}", serde_json::to_string(&why).unwrap_or_default());
                    }
                    failed.push((name, format!("{name} ({at}): {why}")));
                }
            }
        }
        CATCHING.with(|c| c.set(false));
        match child {
            Some(_) => println!("{LINE}done"),
            None => finish(what, passed, failed),
        }
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let (mut passed, mut failed, mut from) = (Vec::new(), Vec::new(), 0);
    loop {
        let mut child = std::process::Command::new(&exe)
            .args([test, "--exact", "--nocapture", "--test-threads=1", "-q"])
            .env(CHILD, from.to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the test binary runs");
        let (mut running, mut done) = (None, false);
        let out = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        for line in std::io::BufRead::lines(out) {
            let line = line.expect("the child's stdout");
            let Some(report) = line.strip_prefix(LINE) else { continue };
            if report == "done" {
                done = true;
                continue;
            }
            let (i, rest) = report.split_once(' ').unwrap_or((report, ""));
            let i: usize = i.parse().expect("a case index");
            let (name, at) = label(&cases[i]);
            match rest.split_once(' ').unwrap_or((rest, "")) {
                ("start", _) => running = Some(i),
                ("ok", _) => {
                    passed.push(name);
                    running = None;
                }
                (_, why) => {
                    let why: String = serde_json::from_str(why).unwrap_or_else(|_| why.to_string());
                    failed.push((name, format!("{name} ({at}): {why}")));
                    running = None;
                }
            }
        }
        let status = child.wait().expect("the child exits");
        if done {
            break;
        }
        let Some(i) = running else {
            panic!("{what}: the test process failed before running a case ({status})");
        };
        let (name, at) = label(&cases[i]);
        failed.push((
            name,
            format!("{name} ({at}): the test process died ({status}; a stack overflow aborts it): run with DOC2RS_CASES={name} to see it"),
        ));
        from = i + 1;
    }
    finish(what, passed, failed);
}

/// Print `N passed, M failed`; fail listing every failing case. Cases named in the file
/// `DOC2RS_KNOWN_FAILURES` names (one name a line, `#` comments) are known failures: listed,
/// not failing the test; a known failure that passes fails it (the list is kept exact).
fn finish(what: &str, passed: Vec<&str>, failed: Vec<(&str, String)>) {
    let list = std::env::var("DOC2RS_KNOWN_FAILURES").ok().filter(|f| !f.is_empty());
    let known: Vec<String> = match &list {
        Some(file) => std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("DOC2RS_KNOWN_FAILURES={file}: {e}"))
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        None => Vec::new(),
    };
    let is_known = |name: &str| known.iter().any(|k| k == name);
    let (expected, failed): (Vec<_>, Vec<_>) = failed.into_iter().partition(|(name, _)| is_known(name));
    let fixed: Vec<&str> = passed.iter().copied().filter(|name| is_known(name)).collect();
    let mut summary = format!("{what}: {} passed, {} failed", passed.len(), failed.len());
    if !expected.is_empty() {
        summary.push_str(&format!(", {} known failures (named in {})", expected.len(), list.as_deref().unwrap_or("")));
    }
    println!("{summary}");
    for (_, why) in &expected {
        println!("known failure: {why}");
    }
    if !failed.is_empty() || !fixed.is_empty() {
        let mut text: Vec<String> = failed.into_iter().map(|(_, why)| why).collect();
        if !fixed.is_empty() {
            text.push(format!("known failures that now pass (remove them from {}): {}", list.as_deref().unwrap_or(""), fixed.join(", ")));
        }
        panic!("{summary}\n\n{}\n\n{summary}", text.join("\n\n"));
    }
}
