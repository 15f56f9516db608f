//! `cargo xtask test`: every test in the project, in order of cost. Each step
//! runs even when an earlier one failed, so one run shows every failure; the
//! task fails when any step did.

use std::time::Instant;

use crate::tools;
use crate::util::{Result, cargo, sh, tool_path};

struct Step {
    name: &'static str,
    /// Needs Chromium, Node or workerd (skipped by `--quick`).
    heavy: bool,
    run: fn() -> Result,
}

const STEPS: &[Step] = &[
    Step {
        name: "install pinned tools",
        heavy: false,
        run: install,
    },
    Step {
        name: "rustfmt",
        heavy: false,
        run: fmt,
    },
    Step {
        name: "tidy",
        heavy: false,
        run: crate::tidy::run,
    },
    Step {
        name: "clippy (native)",
        heavy: false,
        run: clippy_native,
    },
    Step {
        name: "fuzz targets: rustfmt and clippy",
        heavy: false,
        run: fuzz_targets,
    },
    Step {
        name: "clippy (wasm)",
        heavy: false,
        run: clippy_wasm,
    },
    Step {
        name: "ews-core builds no_std for wasm",
        heavy: false,
        run: core_no_std,
    },
    Step {
        name: "rustdoc without warnings",
        heavy: false,
        run: docs,
    },
    Step {
        name: "native tests",
        heavy: false,
        run: native_tests,
    },
    Step {
        name: "ews-core tests in headless Chromium",
        heavy: true,
        run: core_wasm_tests,
    },
    Step {
        name: "clippy (console, wasm)",
        heavy: false,
        run: clippy_console,
    },
    Step {
        name: "console component tests in headless Chromium",
        heavy: true,
        run: console_wasm_tests,
    },
    Step {
        name: "console release build + size budget",
        heavy: true,
        run: console_build,
    },
    Step {
        name: "console end to end (Playwright + ews-sim)",
        heavy: true,
        run: console_e2e,
    },
    Step {
        name: "edge worker in workerd",
        heavy: true,
        run: crate::edge::test,
    },
    Step {
        name: "JavaScript SDK: node --test against ews-sim",
        heavy: true,
        run: crate::js::test,
    },
];

pub(crate) fn run(args: &[String]) -> Result {
    if let Some(other) = args.iter().find(|a| *a != "--quick") {
        return Err(format!(
            "unknown argument `{other}`: `cargo xtask test` runs every step, `--quick` skips Chromium, Node and workerd"
        )
        .into());
    }
    let quick = !args.is_empty();
    let mut failed = Vec::new();
    let mut passed = 0;
    for step in STEPS.iter().filter(|s| !(quick && s.heavy)) {
        eprintln!("\n=== {} ===", step.name);
        let t = Instant::now();
        match (step.run)() {
            Ok(()) => {
                passed += 1;
                eprintln!("=== ok: {} ({:.0?}) ===", step.name, t.elapsed());
            }
            Err(e) => {
                eprintln!("=== FAILED: {}: {e} ===", step.name);
                failed.push(step.name);
            }
        }
    }
    println!("\nxtask test steps:");
    for step in STEPS {
        let mark = if failed.contains(&step.name) {
            "FAILED"
        } else if quick && step.heavy {
            "skipped"
        } else {
            "ok"
        };
        println!("  {mark:7} {}", step.name);
    }
    println!("steps: {passed} passed, {} failed", failed.len());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failed.len()).into())
    }
}

fn install() -> Result {
    tools::wasm_target()?;
    tools::wasm_bindgen_cli()?;
    tools::trunk()?;
    tools::npm_packages()
}

fn fmt() -> Result {
    sh(cargo().args(["fmt", "--all", "--check"]))
}

fn clippy_native() -> Result {
    sh(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// `fuzz/` is its own workspace (built by `cargo fuzz` on nightly); this
/// keeps its targets compiling and lint-clean against today's core.
fn fuzz_targets() -> Result {
    let manifest = crate::util::root().join("fuzz/Cargo.toml");
    sh(cargo()
        .args(["fmt", "--check", "--manifest-path"])
        .arg(&manifest))?;
    sh(cargo()
        .args(["clippy", "--locked", "--bins", "--manifest-path"])
        .arg(&manifest)
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", crate::util::target_dir().join("fuzz")))
}

fn clippy_wasm() -> Result {
    wasm_clippy("ews-core", &["--no-default-features"])?;
    // The worker's wasm glue (worker.rs) compiles only for wasm32.
    wasm_clippy("ews-edge", &[])
}

/// Lints a crate, all its targets, for wasm32 with warnings as errors.
pub(crate) fn wasm_clippy(krate: &str, extra: &[&str]) -> Result {
    sh(cargo().args(["clippy", "-p", krate]).args(extra).args([
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn docs() -> Result {
    sh(cargo()
        .args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings"))
}

fn core_no_std() -> Result {
    sh(cargo().args([
        "build",
        "-p",
        "ews-core",
        "--no-default-features",
        "--target",
        "wasm32-unknown-unknown",
    ]))
}

fn native_tests() -> Result {
    sh(cargo().args(["test", "--workspace"]))
}

/// Runs a crate's integration tests as wasm in headless Chromium.
pub(crate) fn wasm_browser_tests(krate: &str, extra: &[&str]) -> Result {
    tools::chromium()?;
    let mut cmd = cargo();
    cmd.args(["test", "-p", krate, "--target", "wasm32-unknown-unknown"])
        .args(extra)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env("PATH", tool_path());
    sh(&mut cmd)
}

fn core_wasm_tests() -> Result {
    wasm_browser_tests("ews-core", &["--no-default-features", "--test", "*"])
}

/// With the `embed` feature: the page's code paths and the embedded ones.
fn clippy_console() -> Result {
    wasm_clippy("ews-console", &[])?;
    wasm_clippy("ews-console", &["--features", "embed"])
}

/// The component tests (the page's console) and the embed tests, both
/// with the `embed` feature on (the page's shell must not depend on it).
fn console_wasm_tests() -> Result {
    wasm_browser_tests("ews-console", &["--features", "embed", "--test", "*"])
}

fn console_build() -> Result {
    crate::console::build_release()?;
    crate::console::size_check()
}

/// The release build is fresh from the step before (`--no-build`).
fn console_e2e() -> Result {
    crate::console::e2e(&["--no-build".into()])
}
