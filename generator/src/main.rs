//! The `doc2rs` binary: the allocator and its tuning, then the command line
//! ([`doc2rs::cli`]).

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

/// No transparent huge pages for this process. mimalloc asks for them on its arenas, and
/// the kernel then zeroes 2 MiB at a fault, again each time freed memory is faulted back:
/// on the corpus that was a quarter of all CPU time (page zeroing), for no gain.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag on this process; no memory is
    // passed. A failure leaves the default, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc keeps the memory freed during a run instead of returning it to the kernel
/// after 10 ms: a run frees and reallocates its syntax trees chunk after chunk, and each
/// return (`madvise`, with a TLB shootdown on every core) and the page faults that bring
/// the memory back cost about a tenth of the CPU time on the corpus; peak memory grows by
/// about 75 MiB (to about 330 MiB).
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc 2 and 3 (`mimalloc.h`); -1: never purge.
    const PURGE_DELAY: std::ffi::c_int = 15;
    unsafe extern "C" {
        fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    }
    // SAFETY: sets one of mimalloc's tuning options (linked in as the global allocator); no
    // pointer is passed, and any value of this option is valid.
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    no_huge_pages();
    keep_freed_memory();
    doc2rs::cli::main()
}
