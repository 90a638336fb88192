//! go.work: never panics; a parsed file formats, and formatting converges (a second pass is final).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::modfile;

fuzz_target!(|data: &[u8]| {
    if modfile::parse_work("go.work", data).is_err() {
        return;
    }
    let out = modfile::format_work("go.work", data).expect("a parsed go.work formats");
    // Like go mod edit -fmt, a pass can move a blank line to the top of a block (sorting carries
    // it along) and only the next pass drops it; from the second pass on, output is stable.
    if let Ok(second) = modfile::format_work("go.work", &out) {
        let third = modfile::format_work("go.work", &second).expect("canonical text formats");
        assert_eq!(third, second, "formatting converges after two passes");
    }
});
