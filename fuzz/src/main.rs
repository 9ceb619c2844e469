//! `doc2rs-fuzz TARGET|all --seconds N [--seed S]`: run a target for N seconds (each
//! target, for `all`) and print executions and findings. Exit 1 when anything was found.
//!
//! The work runs in a child process (`--worker`) that reports progress, so an abort the
//! panic hook cannot catch (a stack overflow) is still found: the parent replays the inputs
//! since the last progress report one at a time, writing each to disk before it runs, and
//! saves the one that kills the child.

use doc2rs_fuzz::{Seeds, Target, check, input, install_panic_hook};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: doc2rs-fuzz TARGET|all --seconds N [--seed S] [--corpus-step K]
       doc2rs-fuzz --replay FILE   (every property on a saved input; kind from its extension)
targets: page json path typespell ident pipeline";

struct Args {
    targets: Vec<Target>,
    seconds: f64,
    seed: u64,
    step: usize,
    worker: bool,
    start: u64,
    trace: Option<u64>,
    replay: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        targets: Vec::new(),
        seconds: 10.0,
        seed: 1,
        step: 8,
        worker: false,
        start: 0,
        trace: None,
        replay: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--seconds" => a.seconds = value("--seconds")?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => a.seed = value("--seed")?.parse().map_err(|e| format!("{e}"))?,
            "--corpus-step" => {
                a.step = value("--corpus-step")?
                    .parse()
                    .map_err(|e| format!("{e}"))?
            }
            "--worker" => a.worker = true,
            "--replay" => a.replay = Some(PathBuf::from(value("--replay")?)),
            "--start" => a.start = value("--start")?.parse().map_err(|e| format!("{e}"))?,
            "--trace" => a.trace = Some(value("--trace")?.parse().map_err(|e| format!("{e}"))?),
            "all" => a.targets.extend(Target::ALL),
            t => a
                .targets
                .push(Target::parse(t).ok_or(format!("unknown target `{t}`\n{USAGE}"))?),
        }
    }
    if a.targets.is_empty() && a.replay.is_none() {
        return Err(USAGE.into());
    }
    Ok(a)
}

fn findings_dir() -> PathBuf {
    doc2rs_fuzz::repo_root().join("fuzz/findings")
}

fn current_file(t: Target) -> PathBuf {
    findings_dir().join(format!(".current-{}", t.name()))
}

/// A finding's kind: its message with numbers and quoted text blanked.
fn kind_of(msg: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in msg.chars().take(160) {
        match c {
            '`' => {
                quoted = !quoted;
                out.push('`');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn save(t: Target, seed: u64, index: u64, text: &str, msg: &str) -> PathBuf {
    let dir = findings_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}-{seed}-{index}.{}", t.name(), t.ext()));
    let _ = std::fs::write(&path, text);
    let _ = std::fs::write(path.with_extension("txt"), msg);
    path
}

fn show(text: &str) -> String {
    let s: String = text.chars().take(400).collect();
    let more = if text.chars().count() > 400 {
        " ..."
    } else {
        ""
    };
    format!("{s:?}{more}")
}

/// The child: run inputs from `start` until the time is up (or, tracing, `trace` inputs),
/// printing `progress NEXT EXECS FINDINGS` lines and a final `done` line.
fn worker(a: &Args) -> ExitCode {
    let t = a.targets[0];
    let seeds = Seeds::load(a.step);
    install_panic_hook();
    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds.max(0.0));
    let (mut i, mut execs, mut findings) = (a.start, 0u64, 0u64);
    let mut kinds = BTreeSet::new();
    let abort_at: Option<u64> = std::env::var("DOC2RS_FUZZ_ABORT_AT")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut last = Instant::now();
    let out = std::io::stdout();
    let mut out = out.lock();
    let _ = writeln!(out, "progress {i} 0 0");
    let _ = out.flush();
    loop {
        if Instant::now() >= deadline || a.trace.is_some_and(|n| i >= a.start + n) {
            break;
        }
        let inp = input(&seeds, t, a.seed, i);
        if a.trace.is_some() {
            let _ = std::fs::create_dir_all(findings_dir());
            let _ = std::fs::write(current_file(t), format!("{i}\n{}", inp.to_file()));
        }
        if abort_at == Some(i) {
            // Test hook for the replay of inputs that kill the worker.
            std::process::abort();
        }
        let r = check(t, &inp, i % 4 == 0);
        execs += 1;
        if let Err(msg) = r {
            findings += 1;
            if kinds.insert(kind_of(&msg)) && kinds.len() <= 50 {
                let text = inp.to_file();
                let path = save(t, a.seed, i, &text, &msg);
                let _ = writeln!(
                    out,
                    "finding {} #{i}: {msg}\n  saved {}\n  input {}",
                    t.name(),
                    path.display(),
                    show(&text)
                );
            }
        }
        i += 1;
        if execs.is_multiple_of(1000) || last.elapsed() > Duration::from_millis(200) {
            let _ = writeln!(out, "progress {i} {execs} {findings}");
            let _ = out.flush();
            last = Instant::now();
        }
    }
    let _ = writeln!(out, "done {i} {execs} {findings}");
    let _ = out.flush();
    ExitCode::SUCCESS
}

struct Child {
    next: u64,
    execs: u64,
    findings: u64,
    done: bool,
    status: String,
    stderr: String,
}

fn spawn(t: Target, a: &Args, start: u64, seconds: f64, trace: Option<u64>) -> Child {
    let exe = std::env::current_exe().expect("own executable");
    let mut cmd = Command::new(exe);
    cmd.args(["--worker", t.name()])
        .args(["--seed", &a.seed.to_string()])
        .args(["--start", &start.to_string()])
        .args(["--seconds", &seconds.to_string()])
        .args(["--corpus-step", &a.step.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(n) = trace {
        cmd.args(["--trace", &n.to_string()]);
    }
    let mut child = cmd.spawn().expect("spawn worker");
    let stderr = child.stderr.take().expect("stderr");
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !line.starts_with("doc2rs-fuzz: no corpus") || s.is_empty() {
                s.push_str(&line);
                s.push('\n');
            }
        }
        s
    });
    let mut c = Child {
        next: start,
        execs: 0,
        findings: 0,
        done: false,
        status: String::new(),
        stderr: String::new(),
    };
    for line in BufReader::new(child.stdout.take().expect("stdout"))
        .lines()
        .map_while(Result::ok)
    {
        let mut parts = line.split(' ');
        match parts.next() {
            Some(w @ ("progress" | "done")) => {
                let n: Vec<u64> = parts.filter_map(|p| p.parse().ok()).collect();
                if let [next, execs, findings] = n[..] {
                    (c.next, c.execs, c.findings) = (next, execs, findings);
                }
                c.done |= w == "done";
            }
            _ if trace.is_none() => println!("{line}"),
            _ => {}
        }
    }
    let status = child.wait().expect("wait for worker");
    c.status = status.to_string();
    c.done &= status.success();
    c.stderr = err_thread.join().unwrap_or_default();
    c
}

/// Run one target for `seconds`; returns (executions, findings).
fn supervise(t: Target, a: &Args) -> (u64, u64) {
    let deadline = Instant::now() + Duration::from_secs_f64(a.seconds);
    let (mut start, mut execs, mut findings) = (0u64, 0u64, 0u64);
    loop {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64();
        if left <= 0.0 {
            break;
        }
        let c = spawn(t, a, start, left, None);
        execs += c.execs;
        findings += c.findings;
        if c.done {
            break;
        }
        // The worker died outside the panic hook: find the input that kills it.
        let from = c.next;
        let _ = std::fs::remove_file(current_file(t));
        let tr = spawn(t, a, from, 120.0, Some(2001));
        let current = std::fs::read_to_string(current_file(t)).unwrap_or_default();
        let (idx, text) = current.split_once('\n').unwrap_or(("", ""));
        let idx: u64 = idx.parse().unwrap_or(from);
        execs += tr.execs;
        if tr.done {
            println!(
                "note {}: worker died ({}) but the inputs from #{from} replay cleanly; stderr: {}",
                t.name(),
                c.status,
                c.stderr.trim()
            );
            start = tr.next;
            continue;
        }
        findings += 1;
        let msg = format!(
            "abnormal exit ({}): {}",
            tr.status,
            tr.stderr.lines().last().unwrap_or("").trim()
        );
        let path = save(t, a.seed, idx, text, &msg);
        println!(
            "finding {} #{idx}: {msg}\n  saved {}\n  input {}",
            t.name(),
            path.display(),
            show(text)
        );
        start = idx + 1;
    }
    (execs, findings)
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if a.worker {
        return worker(&a);
    }
    if let Some(file) = &a.replay {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        let kind = file.extension().and_then(|e| e.to_str()).unwrap_or("md");
        return match doc2rs_fuzz::props::check_fixture(kind, &text) {
            Ok(()) => {
                println!("{}: every property holds", file.display());
                ExitCode::SUCCESS
            }
            Err(why) => {
                println!("{}: {why}", file.display());
                ExitCode::from(1)
            }
        };
    }
    let (mut total, mut total_findings) = (0u64, 0u64);
    let mut rows = Vec::new();
    for &t in &a.targets {
        let start = Instant::now();
        let (execs, findings) = supervise(t, &a);
        let secs = start.elapsed().as_secs_f64();
        let row = format!(
            "{:<10} {:>12} executions {:>6} findings  ({:.0}/s over {:.1}s, seed {})",
            t.name(),
            execs,
            findings,
            execs as f64 / secs.max(1e-9),
            secs,
            a.seed
        );
        println!("{row}");
        rows.push(row);
        total += execs;
        total_findings += findings;
    }
    if rows.len() > 1 {
        println!("--");
        for r in &rows {
            println!("{r}");
        }
    }
    println!("total      {total:>12} executions {total_findings:>6} findings");
    if total_findings > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
