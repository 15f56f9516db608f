//! `cargo xtask js [build|test]`: the JavaScript SDK (`crates/ews-js`).
//!
//! `build` (the default) compiles the crate to wasm in release, runs
//! `wasm-bindgen --target web` and, when binaryen's `wasm-opt` is installed
//! (`tests/node_modules/.bin`), `wasm-opt -Oz`; copies the hand-written ES
//! modules and `package.json` from `crates/ews-js/js/` next to them in
//! `dist/ews-js/`, and prints the package's size (raw and gzip -9).
//! `test` builds the SDK and the simulator, then runs `node --test tests/js/`
//! (the tests start and stop their own `ews-sim`, workerd and Chromium).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;
use crate::util::{
    Result, cargo, gzip9, node_test_files, root, sh, target_dir, tool_path, wasm_opt,
};

/// The JS modules a runtime loads (the `.d.ts` files are not counted).
const RUNTIME_JS: &[&str] = &[
    "index.js",
    "sdk.js",
    "runtime.js",
    "client.js",
    "errors.js",
    "ews_js.js",
];
const WASM: &str = "ews_js_bg.wasm";

pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        None | Some("build") => build().map(drop),
        Some("test") => test(),
        Some(other) => Err(format!("unknown js task `{other}`: try `build` or `test`").into()),
    }
}

/// The package directory.
pub(crate) fn dist() -> PathBuf {
    root().join("dist/ews-js")
}

/// Builds `dist/ews-js/` and prints its size; returns the directory.
pub(crate) fn build() -> Result<PathBuf> {
    tools::wasm_target()?;
    tools::wasm_bindgen_cli()?;
    sh(cargo().args([
        "build",
        "-p",
        "ews-js",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = target_dir().join("wasm32-unknown-unknown/release/ews_js.wasm");
    let out = dist();
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    fs::create_dir_all(&out)?;
    sh(Command::new("wasm-bindgen")
        .env("PATH", tool_path())
        .args(["--target", "web", "--out-name", "ews_js", "--out-dir"])
        .arg(&out)
        .arg(&wasm))?;
    wasm_opt(&out.join(WASM), crate::util::WASM_OPT_PASSES)?;
    copy_sources(&out)?;
    print_sizes(&out)?;
    Ok(out)
}

/// Copies `crates/ews-js/js/*` into the package, with the version filled in.
fn copy_sources(out: &Path) -> Result {
    let src = root().join("crates/ews-js/js");
    for entry in fs::read_dir(&src)? {
        let path = entry?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if name == "package.json" {
            let text = fs::read_to_string(&path)?.replace("@VERSION@", env!("CARGO_PKG_VERSION"));
            fs::write(out.join(name), text)?;
        } else if path.is_file() {
            fs::copy(&path, out.join(name))?;
        }
    }
    Ok(())
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Prints raw and gzip -9 sizes of the wasm and of the JS modules a runtime
/// loads, each file compressed on its own (as a server sends them).
fn print_sizes(out: &Path) -> Result {
    println!("\n@ews/sdk in {}:", out.display());
    println!("{:<24} {:>12} {:>12}", "file", "raw", "gzip -9");
    let row = |name: &str| -> Result<(u64, u64)> {
        let path = out.join(name);
        let raw = fs::metadata(&path)?.len();
        let gz = gzip9(&path)?;
        println!("{name:<24} {raw:>12} {gz:>12}");
        Ok((raw, gz))
    };
    let (wasm_raw, wasm_gz) = row(WASM)?;
    let (mut js_raw, mut js_gz) = (0, 0);
    for name in RUNTIME_JS {
        let (raw, gz) = row(name)?;
        js_raw += raw;
        js_gz += gz;
    }
    println!("{:<24} {:>12} {:>12}", "js (6 modules)", js_raw, js_gz);
    println!(
        "{:<24} {:>12} {:>12}",
        "wasm + js",
        wasm_raw + js_raw,
        wasm_gz + js_gz
    );
    println!(
        "total: {} raw, {} gzip -9 (wasm {} gz, js {} gz)",
        kb(wasm_raw + js_raw),
        kb(wasm_gz + js_gz),
        kb(wasm_gz),
        kb(js_gz)
    );
    Ok(())
}

/// Builds the SDK and the simulator, lints the crate for wasm, and runs the
/// Node test suite against a real `ews-sim` (in Node, workerd and Chromium).
pub(crate) fn test() -> Result {
    crate::test::wasm_clippy("ews-js", &[])?;
    // workerd and playwright-core (npm), Chromium (Debian): the runtime tests use them.
    tools::npm_packages()?;
    tools::chromium()?;
    let out = build()?;
    sh(cargo().args(["build", "--release", "-p", "ews-sim"]))?;
    let sim = target_dir().join("release/ews-sim");
    sh(Command::new("node")
        .arg("--test")
        .args(node_test_files("tests/js")?)
        .env("EWS_JS_DIST", &out)
        .env("EWS_SIM_BIN", &sim)
        .env("PATH", tool_path()))
}
