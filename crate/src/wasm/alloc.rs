//! The WASM build's global allocator: size-class free lists for small blocks in front of the
//! standard library's allocator (dlmalloc on wasm32-unknown-unknown).
//!
//! A resolve allocates and frees tens of thousands of small strings and vectors. dlmalloc's
//! `malloc`/`free` (bins, chunk headers, coalescing) took about 15% of the WASM resolve; the
//! native build uses mimalloc, whose small-block path is a free-list pop. This does the same for
//! blocks of at most [`MAX_SMALL`] bytes and alignment at most [`GRAIN`]: each size class (a
//! multiple of 8 bytes) keeps a list of freed blocks, threaded through the blocks themselves, and
//! new blocks are cut from 64 KiB chunks taken from the backing allocator. Freeing is a push,
//! allocating a pop; Rust passes the size to `dealloc`, so blocks carry no header. Larger or more
//! aligned requests go to the backing allocator unchanged.
//!
//! Memory in a class's list is kept for that class: it is not returned to the backing allocator
//! (WASM memory never shrinks anyway) nor reused for other sizes, so the retained small-block
//! memory is at most each class's peak use. wasm32-unknown-unknown without the `atomics` feature
//! has one thread, which is what makes the unsynchronised state sound; the build refuses the
//! `atomics` feature.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the WASM allocator's free lists are not synchronised: build without `atomics`");

/// Block sizes are multiples of this many bytes, and small blocks are aligned to it.
pub const GRAIN: usize = 8;
/// The largest request served from the free lists.
pub const MAX_SMALL: usize = 512;
const CLASSES: usize = MAX_SMALL / GRAIN;
/// Bytes taken from the backing allocator at a time to cut new small blocks from.
const CHUNK: usize = 64 * 1024;

/// Small blocks from per-size free lists, everything else from `A`.
pub struct Pools<A> {
    backing: A,
    state: UnsafeCell<State>,
}

struct State {
    /// The head of each class's list of free blocks (null when empty); each free block holds the
    /// address of the next.
    free: [*mut u8; CLASSES],
    /// The unused rest of the current chunk: `[bump, end)`.
    bump: *mut u8,
    end: *mut u8,
}

// SAFETY: only built for single-threaded targets (see the compile_error above); natively the
// type is used by one thread at a time in tests, never as the global allocator.
unsafe impl<A: Sync> Sync for Pools<A> {}

impl<A> Pools<A> {
    /// Free lists in front of `backing`.
    pub const fn new(backing: A) -> Self {
        Pools {
            backing,
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                bump: ptr::null_mut(),
                end: ptr::null_mut(),
            }),
        }
    }
}

/// The size class of `layout`, or `None` when the backing allocator serves it.
fn class(layout: Layout) -> Option<usize> {
    (layout.size() <= MAX_SMALL && layout.align() <= GRAIN)
        .then(|| layout.size().max(1).div_ceil(GRAIN) - 1)
}

impl<A: GlobalAlloc> Pools<A> {
    /// A block of class `c`: the head of its free list, else cut from the current chunk.
    ///
    /// # Safety
    /// No other call on this allocator may run at the same time.
    unsafe fn take(&self, c: usize) -> *mut u8 {
        // SAFETY: single-threaded (the caller's contract), and no reference into the state
        // outlives this call.
        let st = unsafe { &mut *self.state.get() };
        let head = st.free[c];
        if !head.is_null() {
            // SAFETY: a free block of this class holds the next block's address in its first
            // bytes (written by `give`), and every block is at least GRAIN bytes, GRAIN-aligned.
            st.free[c] = unsafe { head.cast::<*mut u8>().read() };
            return head;
        }
        let size = (c + 1) * GRAIN;
        if (st.end as usize) - (st.bump as usize) < size {
            // SAFETY: CHUNK and GRAIN make a valid, non-zero layout.
            let chunk = unsafe {
                self.backing
                    .alloc(Layout::from_size_align_unchecked(CHUNK, GRAIN))
            };
            if chunk.is_null() {
                return chunk;
            }
            // The rest of the old chunk (under MAX_SMALL bytes) is left unused.
            st.bump = chunk;
            // SAFETY: the chunk is CHUNK bytes long.
            st.end = unsafe { chunk.add(CHUNK) };
        }
        let block = st.bump;
        // SAFETY: size <= end - bump, checked or just made so.
        st.bump = unsafe { block.add(size) };
        block
    }

    /// Puts a block of class `c` on its free list.
    ///
    /// # Safety
    /// `block` came from `take(c)` and is no longer used; no other call runs at the same time.
    unsafe fn give(&self, c: usize, block: *mut u8) {
        // SAFETY: as in `take`.
        let st = unsafe { &mut *self.state.get() };
        // SAFETY: the block is at least GRAIN bytes and GRAIN-aligned, and now unused.
        unsafe { block.cast::<*mut u8>().write(st.free[c]) };
        st.free[c] = block;
    }
}

// SAFETY: small blocks are distinct GRAIN-aligned ranges of at least the requested size cut from
// live chunks, each handed out once until freed; large ones are the backing allocator's.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Pools<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            // SAFETY: single-threaded use (module doc).
            Some(c) => unsafe { self.take(c) },
            // SAFETY: the caller's layout contract passes through.
            None => unsafe { self.backing.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            Some(c) => {
                // SAFETY: single-threaded use; a non-null block has at least layout.size() bytes.
                unsafe {
                    let p = self.take(c);
                    if !p.is_null() {
                        ptr::write_bytes(p, 0, layout.size());
                    }
                    p
                }
            }
            // SAFETY: the caller's layout contract passes through.
            None => unsafe { self.backing.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match class(layout) {
            // SAFETY: `p` was allocated with this layout, so from `take` of the same class.
            Some(c) => unsafe { self.give(c, p) },
            // SAFETY: and otherwise by the backing allocator.
            None => unsafe { self.backing.dealloc(p, layout) },
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees new_size, rounded up to the alignment, fits in isize.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class(layout), class(new_layout)) {
            (Some(a), Some(b)) if a == b => p,
            // SAFETY: both in the backing allocator: let it grow or shrink in place.
            (None, None) => unsafe { self.backing.realloc(p, layout, new_size) },
            _ => {
                // SAFETY: a fresh block of the new layout; the old one holds layout.size() bytes
                // and is freed after the copy.
                unsafe {
                    let q = self.alloc(new_layout);
                    if !q.is_null() {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        self.dealloc(p, layout);
                    }
                    q
                }
            }
        }
    }
}
