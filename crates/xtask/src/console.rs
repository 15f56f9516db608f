//! `cargo xtask console <build|size|e2e>` and `cargo xtask bench console`:
//! the web console (crates/ews-console).
//!
//! - `build`: `trunk build --release` in its own target directory
//!   (`<target>/console`, with `--cfg erase_components`), staged in
//!   `<target>/console/dist` and synced into `dist/` without touching the
//!   other builds there (`dist/ews-js`, `dist/embed`, `dist/examples`); then
//!   the embedded console (`embed`, below) and the example host pages
//!   (`web/examples/` → `dist/examples/`); then the size check.
//! - `embed`: the embeddable console alone, into `dist/embed/`: the crate's
//!   library with the `embed` feature as a `cdylib` (same flags and target
//!   directory as Trunk's build), `wasm-bindgen --target web`, `wasm-opt
//!   -Oz`, the glue and the hand-written entry module `web/embed/ews-console.js`
//!   minified by esbuild, and its declarations `web/embed/ews-console.d.ts`.
//! - `size`: wasm + js + css of the build, raw and gzip -9; fails above the
//!   budget of 250 KB (250,000 bytes) gzip. Also prints the embedded
//!   console's wasm + js (no budget: informational).
//! - `e2e`: the Playwright suite (`tests/e2e/*.test.mjs`, `node --test`)
//!   against the release build served by the release `ews-sim`; each test
//!   file starts and stops its own simulator.
//! - `bench console`: `tests/e2e/bench.mjs` (first paint, 10,000 rows,
//!   refreshes, requests to follow a command) and the bundle size table.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;
use crate::util::{
    Result, cargo, esbuild_minify, gzip9, root, sh, target_dir, tool_path, wasm_opt,
};

/// The size budget: wasm + js + css, gzip -9, bytes.
pub(crate) const BUDGET_GZIP: u64 = 250_000;

/// What `dist/` held from the last console build (so a sync removes only ours).
/// The sync handles files only: directories in `dist/` (`ews-js`, `embed`,
/// `examples`) are each owned by the one build that writes them whole.
const MANIFEST: &str = ".console-files";

/// The embedded console in `dist/`, written whole by [`build_embed`].
const EMBED_DIR: &str = "embed";
/// The example host pages in `dist/`, copied whole from `web/examples/`.
const EXAMPLES_DIR: &str = "examples";
/// wasm-bindgen's name for the embedded console's glue and wasm.
const EMBED_GLUE: &str = "ews_console_embed";
/// The hand-written files of `web/embed/` that go next to the glue.
const EMBED_ENTRY: &str = "ews-console.js";
const EMBED_TYPES: &str = "ews-console.d.ts";
/// In the entry module, replaced by a hash of the glue and the wasm: the
/// query string of their URLs, so that a browser never pairs a cached glue
/// with a newer wasm (or the other way round).
const EMBED_VERSION: &str = "@EMBED_VERSION@";

pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("build") | None => build_release().and_then(|()| size_check()),
        Some("embed") => build_embed().and_then(|()| embed_size().map(drop)),
        Some("size") => size_check(),
        Some("e2e") => e2e(&args[1..]),
        Some(other) => {
            Err(format!("unknown console task `{other}`: try build, embed, size or e2e").into())
        }
    }
}

/// The console's own target directory, `<target>/console` (its release
/// flags differ from the rest of the workspace, so it never invalidates
/// anyone else's build).
pub(crate) fn console_target() -> PathBuf {
    target_dir().join("console")
}

/// Where Trunk stages the console before [`sync`] copies it into `dist/`.
pub(crate) fn console_stage() -> PathBuf {
    console_target().join("dist")
}

/// The console's target directory and release flags, for cargo or for
/// Trunk (which runs cargo with its environment).
fn console_env(cmd: &mut Command) -> &mut Command {
    cmd.env("CARGO_TARGET_DIR", console_target())
        // Leptos' type erasure: ~10% less wasm. `strip` would drop the
        // target_features section that wasm-bindgen reads; wasm-opt drops
        // the names anyway.
        .env("RUSTFLAGS", "--cfg erase_components")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
}

/// Builds the console for release into `dist/`.
pub(crate) fn build_release() -> Result {
    tools::wasm_target()?;
    tools::wasm_bindgen_cli()?;
    tools::trunk()?;
    tools::npm_packages()?;
    let stage = console_stage();
    sh(console_env(
        Command::new("trunk")
            .arg("build")
            .arg("--release")
            .arg("--dist")
            .arg(&stage)
            .env("PATH", tool_path()),
    ))?;
    sync(&stage, &root().join("dist"))?;
    build_embed()?;
    copy_examples()
}

/// Builds the embedded console into `dist/embed/` (see the module doc).
pub(crate) fn build_embed() -> Result {
    tools::wasm_target()?;
    tools::wasm_bindgen_cli()?;
    tools::npm_packages()?;
    sh(console_env(&mut cargo()).args([
        "rustc",
        "-p",
        "ews-console",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "embed",
        "--crate-type",
        "cdylib",
    ]))?;
    let wasm = console_target().join("wasm32-unknown-unknown/release/ews_console.wasm");
    let stage = console_target().join("embed");
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&stage)?;
    sh(Command::new("wasm-bindgen")
        .env("PATH", tool_path())
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            EMBED_GLUE,
        ])
        .arg("--out-dir")
        .arg(&stage)
        .arg(&wasm))?;
    wasm_opt(
        &stage.join(format!("{EMBED_GLUE}_bg.wasm")),
        crate::util::WASM_OPT_PASSES,
    )?;
    let out = root().join("dist").join(EMBED_DIR);
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    let glue = format!("{EMBED_GLUE}.js");
    let bg = format!("{EMBED_GLUE}_bg.wasm");
    esbuild_minify(&stage.join(&glue), &out.join(&glue))?;
    std::fs::copy(stage.join(&bg), out.join(&bg))?;
    let mut both = std::fs::read(out.join(&glue))?;
    both.extend(std::fs::read(out.join(&bg))?);
    let version = format!("{:016x}", crate::util::fnv1a(&both));
    let web = root().join("web/embed");
    let entry = std::fs::read_to_string(web.join(EMBED_ENTRY))?;
    if !entry.contains(EMBED_VERSION) {
        return Err(format!("web/embed/{EMBED_ENTRY} lost its {EMBED_VERSION} placeholder").into());
    }
    std::fs::write(
        stage.join(EMBED_ENTRY),
        entry.replace(EMBED_VERSION, &version),
    )?;
    esbuild_minify(&stage.join(EMBED_ENTRY), &out.join(EMBED_ENTRY))?;
    std::fs::copy(web.join(EMBED_TYPES), out.join(EMBED_TYPES))?;
    eprintln!("embedded console: {}", out.display());
    Ok(())
}

/// Copies `web/examples/` to `dist/examples/` (replacing it).
fn copy_examples() -> Result {
    let from = root().join("web").join(EXAMPLES_DIR);
    let to = root().join("dist").join(EXAMPLES_DIR);
    if to.exists() {
        std::fs::remove_dir_all(&to)?;
    }
    copy_dir(&from, &to)?;
    eprintln!("examples: {}", to.display());
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
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

/// Prints the bundle size and fails above [`BUDGET_GZIP`]; then the
/// embedded console's, when there is one (no budget).
pub(crate) fn size_check() -> Result {
    bundle_size()?;
    if root().join("dist").join(EMBED_DIR).is_dir() {
        embed_size()?;
    } else {
        println!(
            "embedded console: not built (no dist/{EMBED_DIR}: run `cargo xtask console build`)"
        );
    }
    Ok(())
}

/// Prints the embedded console's wasm + js (`dist/embed`), raw and gzip -9,
/// each file compressed on its own (as a server sends them); returns the
/// gzip total.
pub(crate) fn embed_size() -> Result<u64> {
    let dir = root().join("dist").join(EMBED_DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("no embedded console in {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "js")))
        .collect();
    files.sort();
    let (raw, gz) = size_table("embedded console (dist/embed, release):", &files)?;
    println!("  {:<44} {raw:>10} {gz:>12}", "total (wasm + js)");
    println!("embedded console: {gz} B gzip -9 (wasm + js; informational, no budget)");
    Ok(gz)
}

/// Prints a table of raw and gzip -9 sizes of `files`; returns the totals.
fn size_table(title: &str, files: &[PathBuf]) -> Result<(u64, u64)> {
    let (mut raw_total, mut gz_total) = (0, 0);
    println!("{title}");
    println!("  {:<44} {:>10} {:>12}", "file", "raw", "gzip -9");
    for f in files {
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
    Ok((raw_total, gz_total))
}

/// Prints the console's bundle size and fails above [`BUDGET_GZIP`].
fn bundle_size() -> Result {
    let files = bundle_files()?;
    let (raw_total, gz_total) = size_table("console bundle (release):", &files)?;
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
    Ok(target_dir().join("release/ews-sim"))
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

/// `cargo xtask bench console [--no-build] [fleet]`.
pub(crate) fn bench(args: &[String]) -> Result {
    if !args.iter().any(|a| a == "--no-build") {
        build_release()?;
    }
    size_check()?;
    let sim = sim_binary()?;
    // `fleet`: only the fleet view's rows (and the bundle).
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a == "fleet")
        .collect();
    node(&[&["e2e/bench.mjs"], &only[..]].concat(), &sim)
}

#[cfg(test)]
mod tests {
    use crate::util::{WASM_OPT_FEATURES, WASM_OPT_PASSES, root};

    /// Trunk's wasm-opt (index.html) and ours (the embedded console, the
    /// SDK, the worker) enable the same wasm features and run the same
    /// passes.
    #[test]
    fn index_html_wasm_opt_features_match() {
        let html = std::fs::read_to_string(root().join("index.html")).expect("index.html");
        let params = html
            .split("data-wasm-opt-params=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("data-wasm-opt-params in index.html");
        let ours: Vec<&str> = WASM_OPT_FEATURES
            .iter()
            .chain(WASM_OPT_PASSES)
            .copied()
            .collect();
        assert_eq!(params.split_whitespace().collect::<Vec<_>>(), ours);
    }
}
