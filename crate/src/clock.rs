//! Time for traces and benchmarks, passed in by the embedder.
//!
//! The core never reads a clock itself: `std::time::Instant` panics on wasm32-unknown-unknown, and
//! hermetic tests need time they control. Native front ends pass [`MonotonicClock`]-like values
//! built on `Instant`; the browser passes one built on `performance.now()`.

/// A monotonic clock measured in nanoseconds from an arbitrary origin.
pub trait Clock {
    /// Nanoseconds since this clock's origin; never decreases.
    fn now_nanos(&self) -> u64;
}

/// A clock that never moves: for tests and for callers that do not want timings.
#[derive(Debug, Default, Clone, Copy)]
pub struct FrozenClock;

impl Clock for FrozenClock {
    fn now_nanos(&self) -> u64 {
        0
    }
}

/// A clock driven by a closure (the WASM edge wraps `performance.now()` in one).
pub struct FnClock<F: Fn() -> u64>(pub F);

impl<F: Fn() -> u64> Clock for FnClock<F> {
    fn now_nanos(&self) -> u64 {
        (self.0)()
    }
}
