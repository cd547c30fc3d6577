//! Give the shared library a SONAME on Linux so `make install` can ship
//! `libprana_webhook.so.0` with the usual symlinks.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libprana_webhook.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
