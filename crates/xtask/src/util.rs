//! Running commands, finding the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The repository root (the workspace of this crate).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs a command from the repository root, echoing it; fails on non-zero exit.
pub(crate) fn sh(cmd: &mut Command) -> Result {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    eprintln!("$ {}", show(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)).into())
    }
}

/// Runs a command and returns its standard output, or `None` when it cannot
/// run or fails.
pub(crate) fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub(crate) fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Where cargo puts the workspace's artifacts: `$CARGO_TARGET_DIR` (relative
/// to the root when relative) or `target/`.
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Size of `path` compressed with `gzip -9` (no name or time in the header,
/// so the figure is the same on every run).
pub(crate) fn gzip9(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip -9 {} failed", path.display()).into());
    }
    Ok(out.stdout.len() as u64)
}

/// The wasm features rustc enables by default for `wasm32-unknown-unknown`,
/// as wasm-opt flags (the release profile strips the `target_features`
/// section wasm-opt would read them from). `index.html`'s
/// `data-wasm-opt-params` says the same for Trunk's build (a test checks).
pub(crate) const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Passes after the first `-Oz`: flattening the code and rebuilding its
/// control flow (`--rereloop`), then `-Oz` twice more, leaves binaryen more
/// to merge: −1,450 B gzip -9 on the page console's wasm, −1,335 on the
/// embedded one, −85 on the SDK's, but +109 on the worker's, which goes
/// without (BENCHMARKS.md); about 10 s more per build. `index.html` passes
/// the same to Trunk.
pub(crate) const WASM_OPT_PASSES: &[&str] = &["--flatten", "--rereloop", "-Oz", "-Oz"];

/// `wasm-opt -Oz` and then `passes` (e.g. [`WASM_OPT_PASSES`]) in place
/// with binaryen's wasm-opt (npm, version 132), when installed; never
/// Debian's (see docs/TOOLCHAIN.md). Returns whether it ran.
pub(crate) fn wasm_opt(wasm: &Path, passes: &[&str]) -> Result<bool> {
    let bin = root().join("tests/node_modules/.bin/wasm-opt");
    if !bin.exists() {
        eprintln!(
            "note: wasm-opt not found at {}: {} is not size-optimised (run `cargo xtask install`)",
            bin.display(),
            wasm.display()
        );
        return Ok(false);
    }
    sh(Command::new(&bin)
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .args(passes)
        .arg(wasm)
        .arg("-o")
        .arg(wasm))?;
    Ok(true)
}

/// Minifies an ES module with the pinned esbuild (`tests/node_modules`),
/// from `from` into `to`.
pub(crate) fn esbuild_minify(from: &Path, to: &Path) -> Result {
    let bin = root().join("tests/node_modules/.bin/esbuild");
    if !bin.exists() {
        return Err(format!(
            "esbuild not found at {}: run `cargo xtask install`",
            bin.display()
        )
        .into());
    }
    sh(Command::new(&bin)
        .arg(from)
        .args([
            "--minify",
            "--format=esm",
            "--target=es2022",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", to.display())))
}

/// FNV-1a, for stable content-addressed names.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `cargo` with the toolchain that runs xtask.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// A PATH with the project's npm tools (wasm-opt, workerd) and cargo's bin first.
pub(crate) fn tool_path() -> String {
    let mut parts = vec![root().join("tests/node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        parts.push(home.join("bin"));
    }
    if let Some(path) = std::env::var_os("PATH") {
        parts.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `*.test.mjs` files of a folder under the root (e.g. `tests/js`), sorted,
/// as paths relative to the root: `node --test` gets explicit files, which
/// every Node version treats the same way.
pub(crate) fn node_test_files(dir: &str) -> Result<Vec<String>> {
    let mut files: Vec<String> = std::fs::read_dir(root().join(dir))
        .map_err(|e| format!("cannot list {dir}: {e}"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".test.mjs"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    files.sort();
    Ok(files)
}
