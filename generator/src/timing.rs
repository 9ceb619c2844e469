//! Fine-grained wall times for `--timings`: passes inside the stages record a span when
//! recording is on (the CLI turns it on; libraries and tests never pay more than a check of
//! one flag). Spans are listed in the order they started, indented by their depth.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static ON: AtomicBool = AtomicBool::new(false);
type Record = (Instant, usize, &'static str, Duration);
static SPANS: Mutex<Vec<Record>> = Mutex::new(Vec::new());

/// Start recording (and forget earlier spans).
pub fn record() {
    if let Ok(mut s) = SPANS.lock() {
        s.clear();
    }
    ON.store(true, Ordering::Relaxed);
}

/// The spans recorded since [`record`], in the order they started: (depth, name, wall time).
pub fn spans() -> Vec<(usize, &'static str, Duration)> {
    let mut spans = SPANS.lock().map(|s| s.clone()).unwrap_or_default();
    spans.sort_by_key(|s| (s.0, s.1));
    spans.into_iter().map(|(_, d, n, t)| (d, n, t)).collect()
}

/// A pass being timed; recorded when dropped.
pub struct Span {
    depth: usize,
    name: &'static str,
    start: Option<Instant>,
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(start) = self.start
            && let Ok(mut s) = SPANS.lock()
        {
            s.push((start, self.depth, self.name, start.elapsed()));
        }
    }
}

/// Time a pass at `depth` (1 = inside a stage) until the returned guard is dropped.
pub fn span(depth: usize, name: &'static str) -> Span {
    Span {
        depth,
        name,
        start: ON.load(Ordering::Relaxed).then(Instant::now),
    }
}

/// Time `f` as a pass.
pub fn time<T>(depth: usize, name: &'static str, f: impl FnOnce() -> T) -> T {
    let _s = span(depth, name);
    f()
}
