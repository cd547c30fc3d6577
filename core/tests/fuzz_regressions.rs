//! Replays every saved fuzz input through the same entry function the
//! cargo-fuzz target calls (`fuzz/src/lib.rs`), so `cargo test` keeps found
//! crashes fixed without nightly or cargo-fuzz.
//!
//! Inputs live in `core/tests/fuzz_regressions/<target>/`, one file each:
//! crashes the fuzzers found (named `crash-*`, `oom-*`, `timeout-*` by
//! libFuzzer), a few hand-picked edge cases (named `edge-*`) and the seeds
//! the fuzzers start from (named `seed-*`); `scripts/fuzz.sh` reads the same
//! folders. To add one:
//! copy the file from `fuzz/artifacts/<target>/` into the target's folder.

#[path = "../../fuzz/src/entries.rs"]
#[allow(dead_code)]
mod entries;

use std::fs;
use std::path::Path;

/// Targets on the C ABI: their inputs are replayed by
/// `ffi/tests/fuzz_regressions.rs` (the core cannot link the ffi crate).
const FFI_TARGETS: &[&str] = &["http_head", "c_abi_route"];

#[test]
fn every_target_has_a_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    for (name, _) in entries::TARGETS {
        assert!(root.join(name).is_dir(), "missing fuzz_regressions/{name}/");
    }
}

#[test]
fn replay_saved_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut replayed = 0;
    for dir in fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        if FFI_TARGETS.contains(&name.as_str()) {
            continue;
        }
        let run = entries::entry(&name)
            .unwrap_or_else(|| panic!("fuzz_regressions/{name}/ names no fuzz target"));
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
            .collect();
        files.sort();
        for file in files {
            // Under Miri only crashes and hand-made edge cases: the corpus
            // samples of the structured targets take minutes there.
            let file_name = file.file_name().unwrap().to_string_lossy();
            if cfg!(miri) && file_name.starts_with("edge-corpus-") {
                continue;
            }
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", file.display());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no saved inputs found under {}",
        root.display()
    );
    println!("replayed {replayed} saved fuzz inputs");
}
