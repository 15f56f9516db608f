//! `cargo xtask console <build|size|e2e>` and `cargo xtask bench console`:
//! the web console (crates/ews-console).
//!
//! - `build`: `trunk build --release` in its own target directory
//!   (`target/console`, with `--cfg erase_components`), staged in
//!   `target/console/dist` and synced into `dist/` without touching the
//!   other builds there (`dist/ews-js`); then the size check.
//! - `size`: wasm + js + css of the build, raw and gzip -9; fails above the
//!   budget of 250 KB (250,000 bytes) gzip.
//! - `e2e`: the Playwright suite (`tests/e2e/*.test.mjs`, `node --test`)
//!   against the release build served by the release `ews-sim`; each test
//!   file starts and stops its own simulator.
//! - `bench console`: `tests/e2e/bench.mjs` (first paint, 10,000 rows,
//!   refreshes, requests to follow a command) and the bundle size table.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;
use crate::util::{Result, cargo, root, sh, tool_path};

/// The size budget: wasm + js + css, gzip -9, bytes.
pub(crate) const BUDGET_GZIP: u64 = 250_000;

/// What `dist/` held from the last console build (so a sync removes only ours).
const MANIFEST: &str = ".console-files";

pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("build") | None => build_release().and_then(|()| size_check()),
        Some("size") => size_check(),
        Some("e2e") => e2e(&args[1..]),
        Some(other) => {
            Err(format!("unknown console task `{other}`: try build, size or e2e").into())
        }
    }
}

/// The console's own target directory (its release flags differ from the
/// rest of the workspace, so it never invalidates anyone else's build).
fn console_target() -> PathBuf {
    root().join("target/console")
}

fn workspace_target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Builds the console for release into `dist/`.
pub(crate) fn build_release() -> Result {
    tools::wasm_target()?;
    tools::wasm_bindgen_cli()?;
    tools::trunk()?;
    tools::npm_packages()?;
    let stage = console_target().join("dist");
    sh(Command::new("trunk")
        .arg("build")
        .arg("--release")
        .arg("--dist")
        .arg(&stage)
        .env("PATH", tool_path())
        .env("CARGO_TARGET_DIR", console_target())
        // Leptos' type erasure: ~10% less wasm. `strip` would drop the
        // target_features section that wasm-bindgen reads; wasm-opt drops
        // the names anyway.
        .env("RUSTFLAGS", "--cfg erase_components")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false"))?;
    sync(&stage, &root().join("dist"))
}

/// Replaces the console's files in `to` with those of `from`, leaving every
/// other entry of `to` alone.
fn sync(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to)?;
    let manifest = to.join(MANIFEST);
    for old in std::fs::read_to_string(&manifest)
        .unwrap_or_default()
        .lines()
    {
        let old = old.trim();
        if !old.is_empty() && !old.contains('/') && !old.starts_with('.') {
            let _ = std::fs::remove_file(to.join(old));
        }
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type()?.is_file() {
            continue;
        }
        std::fs::copy(entry.path(), to.join(&name))?;
        names.push(name);
    }
    names.sort();
    std::fs::write(&manifest, names.join("\n") + "\n")?;
    eprintln!(
        "console: {} files synced into {}",
        names.len(),
        to.display()
    );
    Ok(())
}

/// The console's wasm, js and css in `dist/`.
fn bundle_files() -> Result<Vec<PathBuf>> {
    let dist = root().join("dist");
    let listed = std::fs::read_to_string(dist.join(MANIFEST))
        .map_err(|_| "no console build in dist/: run `cargo xtask console build`")?;
    Ok(listed
        .lines()
        .map(|n| dist.join(n.trim()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            )
        })
        .collect())
}

fn gzip9(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()).into());
    }
    Ok(out.stdout.len() as u64)
}

/// Prints the bundle size and fails above [`BUDGET_GZIP`].
pub(crate) fn size_check() -> Result {
    let files = bundle_files()?;
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("console bundle (release):");
    println!("  {:<44} {:>10} {:>12}", "file", "raw", "gzip -9");
    for f in &files {
        let raw = std::fs::metadata(f)?.len();
        let gz = gzip9(f)?;
        raw_total += raw;
        gz_total += gz;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!("  {name:<44} {raw:>10} {gz:>12}");
    }
    println!(
        "  {:<44} {raw_total:>10} {gz_total:>12}",
        "total (wasm + js + css)"
    );
    println!(
        "  budget: {gz_total} of {BUDGET_GZIP} bytes gzip -9 ({:.1}%)",
        gz_total as f64 * 100.0 / BUDGET_GZIP as f64
    );
    if gz_total > BUDGET_GZIP {
        return Err(format!(
            "the console is over its size budget: {gz_total} > {BUDGET_GZIP} bytes gzip -9"
        )
        .into());
    }
    Ok(())
}

/// The release simulator, built in the workspace's target directory (shared
/// with `cargo xtask run`).
fn sim_binary() -> Result<PathBuf> {
    sh(cargo().args(["build", "--release", "-p", "ews-sim"]))?;
    Ok(workspace_target().join("release/ews-sim"))
}

fn node(script_args: &[&str], sim: &Path) -> Result {
    tools::chromium()?;
    sh(Command::new("node")
        .args(script_args)
        .env("EWS_SIM_BIN", sim)
        .env("EWS_DIST", root().join("dist"))
        .env("PATH", tool_path())
        .current_dir(root().join("tests")))
}

/// The end-to-end suite: release build, size check, release simulator,
/// `node --test` over `tests/e2e/*.test.mjs` (one file at a time).
pub(crate) fn e2e(args: &[String]) -> Result {
    if !args.iter().any(|a| a == "--no-build") {
        build_release()?;
        size_check()?;
    }
    let sim = sim_binary()?;
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/e2e"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".test.mjs"))
        .map(|n| format!("e2e/{n}"))
        .collect();
    files.sort();
    let mut cmd_args = vec!["--test", "--test-concurrency=1"];
    cmd_args.extend(files.iter().map(String::as_str));
    node(&cmd_args, &sim)
}

/// `cargo xtask bench console`.
pub(crate) fn bench(args: &[String]) -> Result {
    if !args.iter().any(|a| a == "--no-build") {
        build_release()?;
    }
    size_check()?;
    let sim = sim_binary()?;
    node(&["e2e/bench.mjs"], &sim)
}
