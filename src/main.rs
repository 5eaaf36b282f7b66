//! The `plainly` binary: parse the arguments, run, exit with the code.

/// mimalloc: a tree of documents means millions of short-lived strings, made
/// on one thread and often freed on another, where glibc's allocator
/// serialized the threads on its arena locks (see the README's Performance
/// section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc options, by their index in `mi_option_e` (mimalloc.h, the same in
/// its v2 and v3; the -sys crate does not name these two).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Commit memory as it is used and give freed memory back at once: peak
    // memory stays near what the files being checked need (on the benchmark
    // tree, with huge pages still on, 40 MB instead of 58 MB at the same
    // speed).
    // SAFETY: plain option setters, called before any other thread exists.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    no_huge_pages();
    plainly::install_panic_hook();
    let code = plainly::cli::main();
    std::process::exit(code);
}

/// Turns transparent huge pages off for this process. mimalloc asks the
/// kernel for them on its arenas, and the kernel then zeroes 2 MB at the
/// first touch of each: a quarter of start-up went to that, and peak memory
/// on the benchmark tree was 39 MB instead of 26 MB, at the same speed. The
/// flag holds from the next page fault on, so it also covers the arena
/// mimalloc set up before `main`.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: sets a flag of this process; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two indices name the options meant: mimalloc's documented
    /// defaults for arena eager commit (2) and purge delay (1000 ms) are
    /// what they read before `main` sets them. A mimalloc that renumbered
    /// its options fails here, not silently in production.
    #[test]
    fn option_indices_name_the_options_we_mean() {
        // SAFETY: plain option getters.
        let (eager, delay) = unsafe {
            (
                libmimalloc_sys::mi_option_get(MI_OPTION_ARENA_EAGER_COMMIT),
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
            )
        };
        assert_eq!((eager, delay), (2, 1000));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off_once_asked() {
        no_huge_pages();
        // SAFETY: reads a flag of this process.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
