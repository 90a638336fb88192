//! The `modscope` command: see `modscope help`.

/// Small, short-lived allocations dominate parsing and graph loading; mimalloc serves them from
/// per-thread free lists where glibc's malloc keeps consolidating and splitting chunks.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    modscope::native::cli::main()
}

/// The binary has no meaning on wasm32; the library's `wasm` module is the browser's entry point.
#[cfg(target_arch = "wasm32")]
fn main() {}
