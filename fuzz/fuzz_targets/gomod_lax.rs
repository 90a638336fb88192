//! go.mod, lax (dependency) rules: never panics; whatever strict accepts, lax accepts with the
//! same requirements.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::modfile;

fuzz_target!(|data: &[u8]| {
    let lax = modfile::parse_lax("go.mod", data);
    let _ = modfile::module_path(data);
    if let Ok(strict) = modfile::parse_strict("go.mod", data) {
        let lax = lax.expect("lax accepts what strict accepts");
        assert_eq!(lax.require, strict.require);
        assert_eq!(lax.module, strict.module);
    }
});
