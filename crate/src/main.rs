//! The `modscope` command: see `modscope help`.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    modscope::native::cli::main()
}

/// The binary has no meaning on wasm32; the library's `wasm` module is the browser's entry point.
#[cfg(target_arch = "wasm32")]
fn main() {}
