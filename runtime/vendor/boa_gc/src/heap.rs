//! rk6 patch: more than one heap on a thread.
//!
//! Upstream boa_gc keeps one heap per thread, and a collection traces every object on it. A
//! host running many contexts on a thread (rk6 runs hundreds of VUs per worker thread) then
//! pays for all of them on every collection, however little the allocating context holds.
//! A [`Heap`] is a heap of its own: while it is entered ([`Heap::enter`]), allocations go
//! to it and collections trace only it; leaving puts the thread's previous heap back.
//!
//! Ownership rule: an object allocated in a heap may only be referenced from objects of the
//! same heap (and from Rust handles). One context per heap, with nothing handing `Gc`
//! values from one context to another, keeps the rule. A reference from another heap would
//! not count as a root when this heap collects.
//!
//! When a heap is dropped, it collects once and hands whatever is still referenced (a
//! handle that outlived its context) to the thread's current heap, so no live object is
//! freed with it.

use std::mem;

use crate::{Allocator, BoaGc, Collector, GcConfig, GcRuntimeData, HeadroomPolicy, BOA_GC};

/// A separate GC heap (see the module documentation).
#[derive(Debug)]
pub struct Heap {
    gc: BoaGc,
}

impl Heap {
    /// An empty heap collecting by `policy` (see [`crate::set_headroom_policy`]), with
    /// `policy.min_bytes` as its first threshold.
    #[must_use]
    pub fn new(policy: HeadroomPolicy) -> Self {
        let max_bytes = policy.max_bytes.max(policy.min_bytes);
        Self {
            gc: BoaGc {
                config: GcConfig {
                    threshold: policy.min_bytes,
                    headroom: Some(HeadroomPolicy { max_bytes, ..policy }),
                    ..GcConfig::default()
                },
                runtime: GcRuntimeData {
                    paced_min: policy.min_bytes,
                    ..GcRuntimeData::default()
                },
                strongs: Vec::new(),
                weaks: Vec::new(),
                weak_maps: Vec::new(),
            },
        }
    }

    /// Makes this the thread's heap until the returned scope is dropped: allocations, the
    /// thread-level functions of this crate and collections all act on it.
    pub fn enter(&mut self) -> HeapScope<'_> {
        swap_with_thread(&mut self.gc);
        HeapScope { heap: self }
    }

    /// GC bytes held by this heap, live or not yet collected.
    #[must_use]
    pub fn allocated_bytes(&self) -> usize {
        self.gc.runtime.bytes_allocated
    }

    /// Collections this heap has run.
    #[must_use]
    pub fn collections(&self) -> usize {
        self.gc.runtime.collections
    }
}

/// While alive, its [`Heap`] is the thread's heap.
#[derive(Debug)]
pub struct HeapScope<'a> {
    heap: &'a mut Heap,
}

impl Drop for HeapScope<'_> {
    fn drop(&mut self) {
        swap_with_thread(&mut self.heap.gc);
    }
}

fn swap_with_thread(gc: &mut BoaGc) {
    BOA_GC.with(|current| mem::swap(&mut *current.borrow_mut(), gc));
}

impl Drop for Heap {
    fn drop(&mut self) {
        if self.gc.runtime.bytes_allocated > 0 {
            Collector::collect(&mut self.gc);
        }
        if self.gc.strongs.is_empty() && self.gc.weaks.is_empty() && self.gc.weak_maps.is_empty()
        {
            return;
        }
        // Survivors move to the thread's heap; without one (the thread is ending) they are
        // freed with this heap, as the thread's own heap frees its objects then.
        let gc = &mut self.gc;
        let _ = BOA_GC.try_with(|current| {
            let mut thread = current.borrow_mut();
            thread.strongs.append(&mut gc.strongs);
            thread.weaks.append(&mut gc.weaks);
            thread.weak_maps.append(&mut gc.weak_maps);
            thread.runtime.bytes_allocated += mem::take(&mut gc.runtime.bytes_allocated);
            Allocator::apply_headroom_policy(&mut thread, false);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{force_collect, Gc, GcRefCell};

    fn policy() -> HeadroomPolicy {
        HeadroomPolicy {
            min_bytes: 1 << 20,
            max_bytes: 1 << 20,
            percent: 50,
            busy_interval: std::time::Duration::from_millis(100),
        }
    }

    #[test]
    fn a_collection_traces_and_frees_only_the_entered_heap() {
        let mut a = Heap::new(policy());
        let mut b = Heap::new(policy());
        let kept = {
            let _in = a.enter();
            // Garbage in `a`, and one object still referenced.
            for i in 0..100 {
                drop(Gc::new(GcRefCell::new(i)));
            }
            Gc::new(GcRefCell::new(7_u64))
        };
        let a_bytes = a.allocated_bytes();
        {
            let _in = b.enter();
            for i in 0..100 {
                drop(Gc::new(GcRefCell::new(i)));
            }
            force_collect();
        }
        assert_eq!(b.collections(), 1);
        assert_eq!(b.allocated_bytes(), 0, "b's garbage is freed");
        assert_eq!(a.collections(), 0);
        assert_eq!(a.allocated_bytes(), a_bytes, "a is not touched by b's collection");
        {
            let _in = a.enter();
            force_collect();
        }
        assert!(a.allocated_bytes() > 0 && a.allocated_bytes() < a_bytes);
        assert_eq!(*kept.borrow(), 7);
    }

    #[test]
    fn survivors_of_a_dropped_heap_move_to_the_thread_heap() {
        let before = crate::allocated_bytes();
        let mut heap = Heap::new(policy());
        let survivor = {
            let _in = heap.enter();
            drop(Gc::new(GcRefCell::new(1_u64)));
            Gc::new(GcRefCell::new(vec![1_u64, 2, 3]))
        };
        drop(heap);
        assert!(crate::allocated_bytes() > before, "the survivor is counted by the thread heap");
        force_collect();
        assert_eq!(survivor.borrow().iter().sum::<u64>(), 6);
        drop(survivor);
        force_collect();
        assert_eq!(crate::allocated_bytes(), before);
    }
}
