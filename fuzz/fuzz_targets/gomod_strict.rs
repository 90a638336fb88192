//! go.mod, strict (main module) rules: never panics; when the file parses, it formats, and the
//! canonical form converges (a second pass is final).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::modfile;

fuzz_target!(|data: &[u8]| {
    let _ = modfile::module_path(data);
    if modfile::parse_strict("go.mod", data).is_err() {
        return;
    }
    let out = modfile::format_mod("go.mod", data).expect("a strictly parsed file formats");
    // Like go mod edit -fmt, a pass can move a blank line to the top of a block (sorting carries
    // it along) and only the next pass drops it; from the second pass on, output is stable.
    if let Ok(second) = modfile::format_mod("go.mod", &out) {
        let third = modfile::format_mod("go.mod", &second).expect("canonical text formats");
        assert_eq!(third, second, "formatting converges after two passes");
    }
});
