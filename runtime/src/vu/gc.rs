//! VU initialisation and Boa's per-thread garbage collector.
//!
//! boa_gc collects when a thread's GC bytes pass a threshold (1 MiB at first, raised to
//! live / 0.7 after a collection that frees little), and a collection traces every context
//! on the thread. A worker building its VUs only adds live objects, so those collections
//! free nothing while their cost grows with each VU built: 28 % of the CPU of starting
//! 1,000 VUs. [`InitPause`] lifts the threshold while one VU initialises (bounded, so an
//! init that churns through garbage is still collected) and then puts it where rk6's
//! headroom policy ([`configure_thread`]) would for the live heap. Responses also tell the
//! collector about the ordinary heap they hold (`boa_gc::add_external_bytes`), which its
//! byte count does not see. The setters come from rk6's patched boa_gc
//! (`runtime/vendor/boa_gc/RK6_PATCH.md`).

use std::time::Duration;

/// Garbage one VU's init may leave before a collection runs anyway.
const INIT_HEADROOM: usize = 64 << 20;

/// Growth allowed after a collection: at least this many GC bytes...
const MIN_HEADROOM: usize = 1 << 20;
/// ...or this share of what survived, whichever is more...
const HEADROOM_PERCENT: usize = 10;
/// ...where the minimum doubles, up to this, while collections come closer together than
/// [`BUSY_INTERVAL`] (and halves again once they are four times that apart).
const MAX_PACED_HEADROOM: usize = 8 << 20;
const BUSY_INTERVAL: Duration = Duration::from_millis(100);

/// Puts this thread's collector on rk6's headroom policy: after a collection the next one
/// comes after max(1 MiB, 10 % of the survivors) of growth. Boa's own rule (survivors /
/// 70 %, never lowered) let a thread of 100 VUs pile up 4–8 MiB of garbage; measured with
/// 1,000 VUs of the realistic script: peak RSS 404 → 354 MiB, the same requests per
/// CPU-second on the 50-VU check loop (three alternating runs each).
///
/// The 1 MiB is paced: a thread of 25 VUs in a `http.get` loop met it ~30 times a second,
/// and each collection traces all 25 contexts (7 % of the instructions of a 50-VU loop,
/// per callgrind). The minimum doubles while collections are closer than 100 ms apart (at
/// that rate, by arithmetic, it settles at 4 MiB and ~8 collections a second). Sleeping
/// VUs kept their peak RSS in alternating runs (100 and 1,000 VUs, and 1,000 of the
/// realistic script), where a fixed 2 MiB minimum cost the realistic script 8 % more: most
/// of its garbage is strings, which the collector does not count.
pub(crate) fn configure_thread() {
    boa_gc::set_headroom_policy(boa_gc::HeadroomPolicy {
        min_bytes: MIN_HEADROOM,
        max_bytes: MAX_PACED_HEADROOM,
        percent: HEADROOM_PERCENT,
        busy_interval: BUSY_INTERVAL,
    });
}

/// Holds off collections on this thread until dropped.
pub(crate) struct InitPause;

impl InitPause {
    pub(crate) fn begin() -> Self {
        let lifted = boa_gc::allocated_bytes().saturating_add(INIT_HEADROOM);
        boa_gc::set_collection_threshold(boa_gc::collection_threshold().max(lifted));
        InitPause
    }
}

impl Drop for InitPause {
    fn drop(&mut self) {
        boa_gc::apply_headroom_policy();
    }
}

/// A VU's own heap: at least this much growth between its collections...
const VU_MIN_HEADROOM: usize = 64 << 10;
/// ...or this share of what survived, whichever is more...
const VU_HEADROOM_PERCENT: usize = 50;
/// ...where the minimum doubles up to this while the VU collects more often than every
/// [`BUSY_INTERVAL`].
const VU_MAX_PACED_HEADROOM: usize = 1 << 20;

/// A heap for one VU's context. A collection then traces that VU's objects only, so its
/// cost no longer grows with the number of VUs on the thread (a shared heap traced every
/// VU's objects on each collection). Its headroom is sized for one context rather than for
/// a thread: thousands of VUs each keep at most a few hundred KiB of garbage.
pub(crate) fn vu_heap() -> boa_gc::Heap {
    boa_gc::Heap::new(boa_gc::HeadroomPolicy {
        min_bytes: VU_MIN_HEADROOM,
        max_bytes: VU_MAX_PACED_HEADROOM,
        percent: VU_HEADROOM_PERCENT,
        busy_interval: BUSY_INTERVAL,
    })
}

/// A future that runs in its own heap: every poll enters it, and the future is dropped
/// inside it too (its context's objects live there).
pub(crate) struct InHeap<F> {
    future: Option<std::pin::Pin<Box<F>>>,
    heap: boa_gc::Heap,
}

impl<F: std::future::Future> InHeap<F> {
    pub(crate) fn new(heap: boa_gc::Heap, future: F) -> Self {
        InHeap {
            future: Some(Box::pin(future)),
            heap,
        }
    }
}

impl<F: std::future::Future> std::future::Future for InHeap<F> {
    type Output = F::Output;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let this = self.get_mut();
        let _in = this.heap.enter();
        let Some(future) = this.future.as_mut() else {
            return std::task::Poll::Pending;
        };
        let out = future.as_mut().poll(cx);
        if out.is_ready() {
            this.future = None;
        }
        out
    }
}

impl<F> Drop for InHeap<F> {
    fn drop(&mut self) {
        if self.future.is_some() {
            let _in = self.heap.enter();
            self.future = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The threshold the thread policy sets when `live` GC bytes survive.
    fn next_threshold(live: usize) -> usize {
        live + boa_gc::paced_headroom().max(live / 100 * HEADROOM_PERCENT)
    }

    #[test]
    fn pause_lifts_the_threshold_and_leaves_the_policys() {
        configure_thread();
        let pause = InitPause::begin();
        assert!(boa_gc::collection_threshold() >= boa_gc::allocated_bytes() + INIT_HEADROOM);
        // Live GC data allocated during the pause (kept alive past it).
        let kept: Vec<boa_gc::Gc<[u64; 64]>> =
            (0..20_000).map(|_| boa_gc::Gc::new([0; 64])).collect();
        drop(pause);
        let live = boa_gc::allocated_bytes();
        assert!(live >= 20_000 * 512, "{live}");
        let after = boa_gc::collection_threshold();
        assert_eq!(after, live + MIN_HEADROOM.max(live / 10));
        assert_eq!(boa_gc::paced_headroom(), MIN_HEADROOM);
        drop(kept);
    }

    #[test]
    fn collections_follow_the_policy_and_count_external_bytes() {
        configure_thread();
        let kept: Vec<boa_gc::Gc<[u64; 64]>> =
            (0..40_000).map(|_| boa_gc::Gc::new([0; 64])).collect();
        boa_gc::force_collect();
        let live = boa_gc::allocated_bytes();
        // A collection sets the threshold by the policy, lower than Boa's live / 70 %.
        assert_eq!(boa_gc::collection_threshold(), next_threshold(live));
        assert!(next_threshold(live) < live / 70 * 100);
        // Garbage whose GC bytes stay under the threshold is collected once the memory it
        // holds outside the GC heap is counted.
        drop(
            (0..100)
                .map(|_| boa_gc::Gc::new([0u64; 64]))
                .collect::<Vec<_>>(),
        );
        assert!(boa_gc::allocated_bytes() > live);
        boa_gc::add_external_bytes(boa_gc::collection_threshold());
        let _trigger = boa_gc::Gc::new(0u64);
        assert!(
            boa_gc::allocated_bytes() <= live + 64,
            "{}",
            boa_gc::allocated_bytes()
        );
        drop(kept);
    }

    /// One collection triggered by the allocator, as a VU's garbage would.
    fn allocator_collection() {
        boa_gc::add_external_bytes(boa_gc::collection_threshold() + 1);
        drop(boa_gc::Gc::new(0u64));
    }

    #[test]
    fn quick_collections_raise_the_minimum_headroom_and_quiet_ones_lower_it() {
        configure_thread();
        assert_eq!(boa_gc::paced_headroom(), MIN_HEADROOM);
        // Back-to-back collections (microseconds apart): 1 -> 2 -> 4 -> 8 MiB, then capped.
        for _ in 0..5 {
            allocator_collection();
        }
        assert_eq!(boa_gc::paced_headroom(), MAX_PACED_HEADROOM);
        // The threshold is what survived plus the paced minimum (the object that triggered
        // the collection was allocated after it).
        let live = boa_gc::allocated_bytes();
        let threshold = boa_gc::collection_threshold();
        assert!(
            threshold <= live + MAX_PACED_HEADROOM && threshold + 64 >= live + MAX_PACED_HEADROOM,
            "{threshold} for {live} live"
        );
        // A forced collection keeps the pace.
        boa_gc::force_collect();
        assert_eq!(boa_gc::paced_headroom(), MAX_PACED_HEADROOM);
        // A collection more than four busy intervals after the last one halves it.
        std::thread::sleep(BUSY_INTERVAL * 5);
        allocator_collection();
        assert_eq!(boa_gc::paced_headroom(), MAX_PACED_HEADROOM / 2);
    }
}
