//! The WASM build's memory primitives: its `memcmp` against a byte-by-byte reference (directly and
//! through `Ord`/`==` on slices and strings, which call it), and the size-class allocator
//! (`modscope::wasm::alloc::Pools`) for overlap, content kept across `realloc`, zeroing of reused
//! blocks, and large or over-aligned requests. The rest of the WASM tests (wasm_api) run with
//! `Pools` as the global allocator. Runs under Node with wasm-bindgen-test-runner:
//! `cargo test --target wasm32-unknown-unknown --test wasm_mem`.
#![cfg(target_arch = "wasm32")]

use modscope::wasm::alloc::{Pools, MAX_SMALL};
use modscope::wasm::mem::memcmp;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cmp::Ordering;
use wasm_bindgen_test::wasm_bindgen_test;

/// The C contract, one byte at a time.
fn reference(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    Ordering::Equal
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[wasm_bindgen_test]
fn memcmp_orders_as_bytes_do() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for len in 0..70usize {
        let base: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        // Equal, and one byte different at every position, above and below (0x00/0xff edges too).
        let c = unsafe { memcmp(base.as_ptr(), base.clone().as_ptr(), len) };
        assert_eq!(c, 0, "len {len}");
        for at in 0..len {
            for v in [0u8, 1, 0x7f, 0x80, 0xfe, 0xff, rng.next() as u8] {
                let mut other = base.clone();
                other[at] = v;
                // A later difference must not change the answer.
                if at + 1 < len {
                    other[len - 1] ^= 0x55;
                }
                let want = reference(&base, &other);
                let got = unsafe { memcmp(base.as_ptr(), other.as_ptr(), len) };
                assert_eq!(got.cmp(&0), want, "len {len}, byte {at}, {v:#x}");
                let back = unsafe { memcmp(other.as_ptr(), base.as_ptr(), len) };
                assert_eq!(back.cmp(&0), want.reverse(), "len {len}, byte {at}, {v:#x}");
                assert_eq!(base[..].cmp(&other[..]), want);
                assert_eq!(base == other, want == Ordering::Equal);
            }
        }
    }
    // Unaligned starts, as substrings are.
    let text = b"golang.org/x/text@v0.14.0 golang.org/x/text@v0.15.0";
    for i in 0..8 {
        let (a, b) = (&text[i..25], &text[26 + i..51]);
        assert_eq!(a.cmp(b), reference(a, b), "offset {i}");
    }
    assert!("example.com/m/v2" < "example.com/m/v3");
    assert!("example.com/mod" > "example.com/m");
}

/// A block from `pools` with `layout`, filled with `tag`.
fn filled(pools: &Pools<System>, layout: Layout, tag: u8) -> *mut u8 {
    let p = unsafe { pools.alloc(layout) };
    assert!(!p.is_null());
    assert_eq!(p as usize % layout.align(), 0, "{layout:?} misaligned");
    unsafe { std::ptr::write_bytes(p, tag, layout.size()) };
    p
}

fn holds(p: *const u8, len: usize, tag: u8) -> bool {
    unsafe { std::slice::from_raw_parts(p, len) }
        .iter()
        .all(|&b| b == tag)
}

#[wasm_bindgen_test]
fn pools_hand_out_distinct_blocks_and_reuse_freed_ones() {
    let pools = Pools::new(System);
    let mut rng = Rng(42);
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    for round in 0..4000u32 {
        let size = 1 + (rng.next() as usize % (MAX_SMALL + 200));
        let align = [1, 2, 4, 8, 16, 64][rng.next() as usize % 6];
        let layout = Layout::from_size_align(size, align).unwrap();
        let tag = (round % 251) as u8;
        live.push((filled(&pools, layout, tag), layout, tag));
        // Free about a third of the time, from anywhere in the live set.
        if rng.next() % 3 == 0 {
            let i = rng.next() as usize % live.len();
            let (p, l, t) = live.swap_remove(i);
            assert!(holds(p, l.size(), t), "a block was overwritten");
            unsafe { pools.dealloc(p, l) };
        }
    }
    for (p, l, t) in live.drain(..) {
        assert!(holds(p, l.size(), t), "a block was overwritten");
        unsafe { pools.dealloc(p, l) };
    }
    // A freed block is handed out again for the same class.
    let l = Layout::from_size_align(24, 8).unwrap();
    let a = filled(&pools, l, 1);
    unsafe { pools.dealloc(a, l) };
    let b = filled(&pools, Layout::from_size_align(20, 4).unwrap(), 2);
    assert_eq!(a, b);
}

#[wasm_bindgen_test]
fn pools_realloc_keeps_the_contents_and_zeroed_blocks_are_zero() {
    let pools = Pools::new(System);
    // Grow a vector-like block from 1 byte through the small classes into the backing
    // allocator and back down, checking the prefix each time.
    let mut layout = Layout::from_size_align(1, 1).unwrap();
    let mut p = filled(&pools, layout, 7);
    for size in [2, 8, 9, 16, 100, 512, 513, 4096, 100_000, 600, 300, 3] {
        let keep = layout.size().min(size);
        p = unsafe { pools.realloc(p, layout, size) };
        assert!(!p.is_null());
        assert!(holds(p, keep, 7), "contents lost growing to {size}");
        layout = Layout::from_size_align(size, 1).unwrap();
        unsafe { std::ptr::write_bytes(p, 7, size) };
    }
    unsafe { pools.dealloc(p, layout) };
    // A reused small block is zeroed when asked for zeroed memory.
    let l = Layout::from_size_align(64, 8).unwrap();
    let dirty = filled(&pools, l, 0xff);
    unsafe { pools.dealloc(dirty, l) };
    let z = unsafe { pools.alloc_zeroed(l) };
    assert_eq!(z, dirty);
    assert!(holds(z, 64, 0));
    let big = Layout::from_size_align(MAX_SMALL * 4, 8).unwrap();
    let zb = unsafe { pools.alloc_zeroed(big) };
    assert!(holds(zb, big.size(), 0));
    unsafe {
        pools.dealloc(z, l);
        pools.dealloc(zb, big);
    }
}
