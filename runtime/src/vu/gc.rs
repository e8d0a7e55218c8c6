//! VU initialisation and Boa's per-thread garbage collector.
//!
//! boa_gc collects when a thread's GC bytes pass a threshold (1 MiB at first, raised to
//! live / 0.7 after a collection that frees little), and a collection traces every context
//! on the thread. A worker building its VUs only adds live objects, so those collections
//! free nothing while their cost grows with each VU built: 28 % of the CPU of starting
//! 1,000 VUs. [`InitPause`] lifts the threshold while one VU initialises (bounded, so an
//! init that churns through garbage is still collected) and leaves it where the collector's
//! own rule puts it for the live heap, so iterations collect as they would have.
//! The setters come from rk6's patched boa_gc (`runtime/vendor/boa_gc/RK6_PATCH.md`).

/// Garbage one VU's init may leave before a collection runs anyway.
const INIT_HEADROOM: usize = 64 << 20;

/// Holds off collections on this thread until dropped.
pub(crate) struct InitPause {
    before: usize,
}

impl InitPause {
    pub(crate) fn begin() -> Self {
        let before = boa_gc::collection_threshold();
        let lifted = boa_gc::allocated_bytes().saturating_add(INIT_HEADROOM);
        boa_gc::set_collection_threshold(before.max(lifted));
        InitPause { before }
    }
}

impl Drop for InitPause {
    fn drop(&mut self) {
        let percent = boa_gc::used_space_percentage().max(1);
        let rule = boa_gc::allocated_bytes() / percent * 100;
        boa_gc::set_collection_threshold(self.before.max(rule));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_lifts_the_threshold_and_leaves_the_collectors_rule() {
        let start = boa_gc::collection_threshold();
        let pause = InitPause::begin();
        assert!(boa_gc::collection_threshold() >= boa_gc::allocated_bytes() + INIT_HEADROOM);
        // Live GC data allocated during the pause (kept alive past it).
        let kept: Vec<boa_gc::Gc<[u64; 64]>> =
            (0..20_000).map(|_| boa_gc::Gc::new([0; 64])).collect();
        drop(pause);
        let live = boa_gc::allocated_bytes();
        assert!(live >= 20_000 * 512, "{live}");
        let after = boa_gc::collection_threshold();
        assert_eq!(
            after,
            start.max(live / boa_gc::used_space_percentage() * 100)
        );
        assert!(after > live, "the next collection waits for new garbage");
        drop(kept);
    }
}
