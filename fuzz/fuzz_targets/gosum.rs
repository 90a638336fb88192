//! go.sum: never panics; what it reads, it writes back in a form it reads the same way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::sum::gosum::GoSum;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (sum, _) = GoSum::parse("go.sum", &text);
    let out = sum.format();
    let (again, _) = GoSum::parse("go.sum", &out);
    assert_eq!(again.format(), out);
});
