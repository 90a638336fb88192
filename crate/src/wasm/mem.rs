//! `memcmp` for the WASM build, eight bytes at a time.
//!
//! wasm32-unknown-unknown has no C library: byte comparisons (`==` and `Ord` on `str` and `[u8]`,
//! hash-map key checks) call the `memcmp` of Rust's compiler-builtins, which compares one byte
//! per loop iteration. Natively the C library's vectorised `memcmp` does the same work. The
//! in-memory tree compares each looked-up path with the stored one, so a resolve of a large
//! universe spent 5–7% of its WASM time in that loop. compiler-builtins defines its `memcmp` as a
//! weak symbol so that a program can supply its own; this one compares 64-bit words (WASM loads
//! need no alignment) and falls back to bytes only for the tail.

/// Compares `n` bytes at `a` and `b`: negative, zero or positive as the first differing byte of
/// `a` is smaller than, equal to or greater than that of `b` (as unsigned bytes), the C contract.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        // SAFETY: i + 8 <= n, and the caller guarantees n readable bytes at a and b.
        let (x, y) = unsafe {
            (
                a.add(i).cast::<u64>().read_unaligned(),
                b.add(i).cast::<u64>().read_unaligned(),
            )
        };
        if x != y {
            // Little-endian: the lowest differing byte of the words is the first in memory.
            let shift = (x ^ y).trailing_zeros() & !7;
            return i32::from((x >> shift) as u8) - i32::from((y >> shift) as u8);
        }
        i += 8;
    }
    while i < n {
        // SAFETY: i < n.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// `bcmp`: zero when the `n` bytes at `a` and `b` are equal, non-zero otherwise (compilers emit it
/// for equality-only comparisons).
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    // SAFETY: the same contract as memcmp.
    unsafe { memcmp(a, b, n) }
}
