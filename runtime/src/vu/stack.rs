//! A VU's coroutine stack, and handing the pages it no longer uses back to the kernel while
//! the VU waits.
//!
//! Measured (release build, `http.get` + `sleep(1)`): an iteration touches ~20 KiB of its
//! VU's stack (the suspension inside `http.get` alone sits ~12.7 KiB deep), but the VU spends
//! its time suspended in `sleep` at ~3.4 KiB, or between jobs at less. Touched pages stay
//! resident for the VU's life, so 1,000 sleeping VUs kept ~16 MiB of stack nobody was using.
//! When a VU settles into a long wait, the host tells the kernel to drop the pages below the
//! live part (`MADV_DONTNEED`); the next iteration faults in fresh zero pages.
//!
//! Releasing is Linux-only: there `MADV_DONTNEED` on a private anonymous mapping frees the
//! pages at once. Elsewhere the advice may be ignored or deferred, so other targets keep
//! the pages (more resident memory per sleeping VU, same behaviour).

use std::cell::Cell;
use std::io;

use corosensei::stack::{DefaultStack, Stack};

/// The unit the kernel maps; only whole pages below the floor are released.
const PAGE: usize = 4096;

/// Room left below the last noted frame for the frames of the switch to the host
/// (`Yielder::suspend` and corosensei's switch: a few hundred bytes even unoptimised).
/// Measured: `sleep` notes its floor 6.0 KiB below the stack's top, so 2 KiB of room keeps
/// the live part within two pages.
const MARGIN: usize = 2048;

thread_local! {
    /// The floor noted by the coroutine that is suspending on this thread; the host takes
    /// it as soon as `resume` returns, before any other coroutine of the thread runs.
    static FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// Notes how deep the running coroutine is; call it right before `Yielder::suspend`.
#[inline(never)]
pub(crate) fn note_floor() {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    FLOOR.with(|f| f.set(here.saturating_sub(MARGIN) & !(PAGE - 1)));
}

/// Native stack kept free below the floor Boa checks at each call
/// (`Context::set_native_stack_floor`): room for the deepest native work between two
/// calls, so recursion in builtins on a deep value throws a `RangeError` instead of
/// overflowing the stack.
const NATIVE_STACK_MARGIN: usize = 1024 * 1024;

/// The floor for a context running on a stack whose lowest usable address is `lowest`.
pub(crate) fn native_stack_floor(lowest: usize) -> usize {
    lowest + NATIVE_STACK_MARGIN
}

/// Roughly where the running code is on its stack (the address of a local).
#[inline(never)]
pub(crate) fn current_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

thread_local! {
    /// The floor for contexts created on this thread's own stack (a worker's init code).
    static THREAD_FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// Notes the floor for this thread's own stack of `size` bytes; call at the thread's start.
pub(crate) fn note_thread_stack(size: usize) {
    let lowest = current_address().saturating_sub(size);
    THREAD_FLOOR.with(|f| f.set(native_stack_floor(lowest)));
}

/// The floor noted by [`note_thread_stack`], or 0 (no check) on other threads.
pub(crate) fn thread_floor() -> usize {
    THREAD_FLOOR.with(Cell::get)
}

/// The host's view of one VU's stack.
pub(crate) struct VuStack {
    /// Lowest usable address (above the guard page).
    lowest: usize,
    /// Below this, nothing of the suspended coroutine lives; 0 when unknown.
    floor: usize,
}

impl VuStack {
    /// Maps a stack of `size` bytes (plus a guard page); pages are touched on first use.
    pub fn new(size: usize) -> io::Result<(DefaultStack, VuStack)> {
        let stack = DefaultStack::new(size)?;
        let lowest = stack.limit().get() + PAGE;
        Ok((stack, VuStack { lowest, floor: 0 }))
    }

    /// Lowest usable address (above the guard page).
    pub fn lowest(&self) -> usize {
        self.lowest
    }

    /// Takes the floor the coroutine noted before it suspended; call right after `resume`
    /// returns. A suspension that noted nothing leaves the floor unknown (nothing released).
    pub fn suspended(&mut self) {
        self.floor = FLOOR.with(|f| f.replace(0));
    }

    /// Gives the pages below the floor back to the kernel (on Linux; see the module doc).
    /// Only while the coroutine is suspended: they read as zeros afterwards.
    pub fn release(&self) {
        if self.floor <= self.lowest {
            return;
        }
        // SAFETY: [lowest, floor) lies inside this VU's stack mapping, below every frame of
        // the suspended coroutine (the floor is MARGIN under its last frame, and the switch
        // to the host needs less); nothing runs on this stack until it is resumed, and then
        // only from its saved stack pointer downwards, which finds zero-filled pages.
        unsafe { drop_pages(self.lowest, self.floor - self.lowest) };
    }
}

/// Tells the kernel the `len` bytes from `start` are garbage: their pages are freed now and
/// read as zeros when touched again.
///
/// # Safety
/// `[start, start + len)` must be page-aligned, mapped private anonymous memory that
/// nothing reads before writing it.
#[cfg(target_os = "linux")]
unsafe fn drop_pages(start: usize, len: usize) {
    // SAFETY: the caller's contract.
    let rc = unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED) };
    // Failing leaves the pages resident, which is only memory; nothing to report.
    let _ = rc;
}

/// Keeps the pages: outside Linux nothing is released (see the module doc).
///
/// # Safety
/// None needed; the signature matches the Linux version's.
#[cfg(not(target_os = "linux"))]
unsafe fn drop_pages(_start: usize, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;
    use corosensei::{Coroutine, CoroutineResult, Yielder};
    use std::hint::black_box;

    /// Pages of [lo, hi) resident in memory.
    #[cfg(target_os = "linux")]
    fn resident(lo: usize, hi: usize) -> usize {
        let mut v = vec![0u8; (hi - lo) / PAGE];
        // SAFETY: [lo, hi) is a mapped, page-aligned range of the test's stack.
        let rc = unsafe { libc::mincore(lo as *mut libc::c_void, hi - lo, v.as_mut_ptr()) };
        assert_eq!(rc, 0, "mincore failed");
        v.iter().filter(|b| *b & 1 == 1).count()
    }

    /// Recurses `depth` times with a 1 KiB frame each, writing every frame.
    #[inline(never)]
    fn deep(depth: usize) -> u64 {
        let frame = black_box([depth as u8; 1024]);
        if depth == 0 {
            return 0;
        }
        frame.iter().map(|b| *b as u64).sum::<u64>() + deep(depth - 1)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn release_drops_the_pages_below_a_suspended_coroutine_and_keeps_its_live_frames() {
        let (stack, mut vu) = VuStack::new(256 * 1024).expect("stack");
        let mut co = Coroutine::with_stack(stack, |y: &Yielder<(), ()>, ()| {
            let before = deep(64);
            let live = black_box([7u8; 3000]);
            note_floor();
            y.suspend(());
            // Deep again after the release: the dropped pages come back as fresh zero pages.
            let after = deep(64);
            (before, after, live.iter().all(|b| *b == 7))
        });
        assert!(matches!(co.resume(()), CoroutineResult::Yield(())));
        vu.suspended();
        assert!(vu.floor > vu.lowest, "the coroutine noted no floor");
        let touched = resident(vu.lowest, vu.floor);
        assert!(
            touched >= 12,
            "64 KiB of recursion left only {touched} pages"
        );
        vu.release();
        assert_eq!(resident(vu.lowest, vu.floor), 0);
        match co.resume(()) {
            CoroutineResult::Return((before, after, live_intact)) => {
                assert_eq!(before, after);
                assert!(live_intact, "a live frame was released");
            }
            CoroutineResult::Yield(()) => panic!("coroutine suspended twice"),
        }
    }

    #[test]
    fn without_a_noted_floor_nothing_is_released() {
        let (stack, mut vu) = VuStack::new(64 * 1024).expect("stack");
        let mut co = Coroutine::with_stack(stack, |y: &Yielder<(), ()>, ()| {
            let v = deep(16);
            y.suspend(());
            v
        });
        let _ = co.resume(());
        vu.suspended();
        assert_eq!(vu.floor, 0);
        vu.release();
        assert!(matches!(co.resume(()), CoroutineResult::Return(_)));
    }
}
