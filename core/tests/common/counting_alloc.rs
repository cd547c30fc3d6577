//! A counting global allocator shared by the zero-heap tests.
//!
//! Each test binary installs it with
//! `#[global_allocator] static GLOBAL: Counting = Counting;`.
//! Allocations are counted per thread, so libtest's own threads (which
//! format and print while a test runs) and tests running in parallel never
//! disturb a measurement.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Forwards to the system allocator and counts `alloc` and `realloc` calls
/// on the calling thread.
pub struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    // try_with: during thread teardown the slot may be gone.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards unchanged to the system allocator; counting
// touches only a const-initialised thread-local, which never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Run `f` and return its result with the number of allocations it made on
/// this thread.
pub fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = std::hint::black_box(f());
    (out, ALLOCATIONS.with(Cell::get) - before)
}

/// Run `f`, failing the test if it allocated; first checks that the counter
/// sees allocations at all, so a broken counter cannot pass silently.
#[track_caller]
pub fn assert_no_alloc<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let ((), seen) = allocations_in(|| drop(std::hint::black_box(Box::new([0u8; 32]))));
    assert_eq!(seen, 1, "the counting allocator is broken");
    let (out, n) = allocations_in(f);
    assert_eq!(n, 0, "{what} allocated {n} times");
    out
}
