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
pub(crate) fn record() {
    if let Ok(mut s) = SPANS.lock() {
        s.clear();
    }
    ON.store(true, Ordering::Relaxed);
}

/// The spans recorded since [`record`], in the order they started: (depth, name, wall time).
pub(crate) fn spans() -> Vec<(usize, &'static str, Duration)> {
    let mut spans = SPANS.lock().map(|s| s.clone()).unwrap_or_default();
    spans.sort_by_key(|s| (s.0, s.1));
    spans.into_iter().map(|(_, d, n, t)| (d, n, t)).collect()
}

/// A pass being timed; recorded when dropped.
pub(crate) struct Span {
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
pub(crate) fn span(depth: usize, name: &'static str) -> Span {
    Span {
        depth,
        name,
        start: ON.load(Ordering::Relaxed).then(Instant::now),
    }
}

/// Time `f` as a pass.
pub(crate) fn time<T>(depth: usize, name: &'static str, f: impl FnOnce() -> T) -> T {
    let _s = span(depth, name);
    f()
}

/// CPU time used so far by the whole process (every thread, user and system), where the
/// platform says (Linux: `getrusage`).
pub(crate) fn process_cpu() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage writes a `rusage` into the pointer it is given, which points to
        // one (zeroed, so any field it leaves is valid).
        let usage = unsafe {
            if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
                return None;
            }
            usage.assume_init()
        };
        let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
        Some(Duration::from_micros(
            micros(usage.ru_utime) + micros(usage.ru_stime),
        ))
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The CPU time used between two [`process_cpu`] readings.
pub(crate) fn cpu_between(start: Option<Duration>, end: Option<Duration>) -> Option<Duration> {
    Some(end?.saturating_sub(start?))
}
