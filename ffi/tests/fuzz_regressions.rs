//! Replays the saved fuzz inputs of the C ABI targets (`http_head`,
//! `c_abi_route`) through the same entry functions the cargo-fuzz targets
//! call (`fuzz/src/ffi_entries.rs`). The core's targets are replayed by
//! `core/tests/fuzz_regressions.rs`; these need the ffi crate, which the
//! core cannot depend on. The inputs share the core's folder
//! `core/tests/fuzz_regressions/<target>/`, the one home of fuzz inputs.

#[path = "../../fuzz/src/ffi_entries.rs"]
#[allow(dead_code)]
mod ffi_entries;

use std::fs;
use std::path::Path;

#[test]
fn replay_saved_c_abi_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fuzz_regressions");
    let mut replayed = 0;
    for (name, run) in ffi_entries::FFI_TARGETS {
        let dir = root.join(name);
        assert!(dir.is_dir(), "missing {}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", file.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0);
    println!("replayed {replayed} saved C ABI fuzz inputs");
}
