//! vendor/modules.txt: never panics or errors (unreadable lines are warnings only).
#![no_main]

use libfuzzer_sys::fuzz_target;
use modscope::modfile::vendor;

fuzz_target!(|data: &[u8]| {
    let (m, warnings) = vendor::parse("vendor/modules.txt", data);
    assert!(warnings.iter().all(|w| !w.is_error()));
    let _ = m.vendor_list();
    let _ = m.package_modules();
});
