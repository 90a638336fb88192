//! The browser edge: wasm-bindgen exports over the core. Thin by design; every error leaves through
//! one helper as a JS `Error` carrying the diagnostic.
