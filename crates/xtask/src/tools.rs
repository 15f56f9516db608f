//! The pinned tools, installed when missing (see `docs/TOOLCHAIN.md`).
//! Only registries are reachable: crates.io, npm, Debian.

use std::path::Path;
use std::process::Command;

use crate::util::{Result, cargo, output, root, sh};

/// Must equal the `wasm-bindgen` version in Cargo.lock.
pub(crate) const WASM_BINDGEN: &str = "0.2.130";
/// 0.22 needs a newer rustc than this machine has.
pub(crate) const TRUNK: &str = "0.21.14";

pub(crate) fn install_all() -> Result {
    wasm_target()?;
    wasm_bindgen_cli()?;
    trunk()?;
    npm_packages()?;
    chromium()
}

pub(crate) fn wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn has_version(bin: &str, version: &str) -> bool {
    output(Command::new(bin).arg("--version")).is_some_and(|v| {
        v.split_whitespace()
            .any(|w| w == version || w == format!("v{version}"))
    })
}

pub(crate) fn wasm_bindgen_cli() -> Result {
    if has_version("wasm-bindgen", WASM_BINDGEN)
        && has_version("wasm-bindgen-test-runner", WASM_BINDGEN)
    {
        return Ok(());
    }
    // Without --locked: its lock pins a webpki-roots the registry lacks.
    sh(cargo().args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN]))
}

pub(crate) fn trunk() -> Result {
    if has_version("trunk", TRUNK) {
        return Ok(());
    }
    sh(cargo().args(["install", "--locked", "trunk", "--version", TRUNK]))
}

/// `npm ci` in `tests/` (Playwright, workerd, binaryen's wasm-opt), when the
/// installed tree is older than the lock file.
pub(crate) fn npm_packages() -> Result {
    let dir = root().join("tests");
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    if !lock.exists() {
        return Ok(());
    }
    if newer_or_same(&stamp, &lock) {
        return Ok(());
    }
    sh(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir))
}

fn newer_or_same(a: &Path, b: &Path) -> bool {
    let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((m(a), m(b)), (Some(a), Some(b)) if a >= b)
}

/// The Debian packages the browser tests need: Chromium, ChromeDriver and
/// a CJK font (so the Chinese screenshots show text, not boxes).
const DEBIAN_PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "fonts-wqy-zenhei"];

/// Which of [`DEBIAN_PACKAGES`] are missing.
fn missing_packages() -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/chromium").exists() {
        missing.push("chromium");
    }
    if !Path::new("/usr/bin/chromedriver").exists() {
        missing.push("chromium-driver");
    }
    let font = Command::new("dpkg")
        .args(["-s", "fonts-wqy-zenhei"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !font {
        missing.push("fonts-wqy-zenhei");
    }
    missing
}

/// Chromium, ChromeDriver and the CJK font, from Debian: installed when
/// missing if this runs as root or has password-less sudo; otherwise an
/// error with the exact command to run.
pub(crate) fn chromium() -> Result {
    let missing = missing_packages();
    if missing.is_empty() {
        return Ok(());
    }
    let root = output(Command::new("id").arg("-u")).is_some_and(|u| u.trim() == "0");
    let sudo = !root
        && Command::new("sudo")
            .args(["-n", "true"])
            .output()
            .is_ok_and(|o| o.status.success());
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(if root { "apt-get" } else { "sudo" });
        if !root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    if root || sudo {
        eprintln!("installing {} from Debian", missing.join(", "));
        sh(&mut apt(&["update", "-qq"]))?;
        sh(apt(&["install", "-y", "-qq"]).args(&missing))?;
        let still = missing_packages();
        if still.is_empty() {
            return Ok(());
        }
        return Err(format!("{} still missing after apt-get install", still.join(", ")).into());
    }
    Err(format!(
        "the browser tests need {} from Debian: run `sudo apt-get update && sudo apt-get install -y {}` (as .ci/run does), then run this again",
        missing.join(", "),
        DEBIAN_PACKAGES.join(" ")
    )
    .into())
}
