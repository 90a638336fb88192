//! txtar archives: never panics; formatting a parsed archive and parsing it again is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::modfile::txtar;

fuzz_target!(|data: &[u8]| {
    let a = txtar::parse(data);
    let out = txtar::format(&a);
    let b = txtar::parse(&out);
    assert_eq!(txtar::format(&b), out);
});
