//! `tidy`: invariants kept honest by a check rather than by memory
//! (in the spirit of rust-analyzer's `xtask/src/tidy.rs`):
//!
//! - every Rust source file starts with a `//!` module doc;
//! - no test is switched off (no ignore attribute, no skipped, focused or
//!   to-do JS test);
//! - the architecture's "only X does Y" rules ([`ONLY`]): only ews-core
//!   reads the `Date` header or decides a retry; in the console, only `api`
//!   fetches, only `clock` reads the clock, only `storage` touches Web
//!   Storage and only `shell` branches on being embedded.

use std::path::{Path, PathBuf};

use crate::util::{Result, root};

/// "Only `owner` does this": `(files it applies to, patterns, the files
/// allowed to contain them, what the rule is)`. Paths are relative to the
/// repository, with `/`; a scope ending in `/` is a folder.
type Rule = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

const ONLY: &[Rule] = &[
    (
        &[
            "crates/ews-console/",
            "crates/ews-edge/",
            "crates/ews-js/",
            "tests/e2e/",
        ],
        &[
            "parse_http_date",
            "clock::skew_ms",
            "worth_retry",
            "Date.parse(",
            "SKEW_NOISE_MS",
        ],
        &[],
        "only ews-core reads the Date header and decides a retry (ews_core::client)",
    ),
    (
        &["crates/ews-console/src/"],
        &["fetch_with_request", "fetch_with_str", "gloo_net"],
        &["crates/ews-console/src/api.rs"],
        "in the console, only `api` fetches",
    ),
    (
        &["crates/ews-console/src/"],
        &["Date::now", "js_sys::Date", "performance"],
        &["crates/ews-console/src/clock.rs"],
        "in the console, only `clock` reads the clock",
    ),
    (
        &["crates/ews-console/src/"],
        &["local_storage", "session_storage"],
        &["crates/ews-console/src/storage.rs"],
        "in the console, only `storage` touches Web Storage",
    ),
    (
        &["crates/ews-console/src/"],
        &[concat!("is_", "embedded")],
        &["crates/ews-console/src/shell.rs"],
        "in the console, only `shell` decides what differs between the page and an embedded element",
    ),
];

pub(crate) fn run() -> Result {
    let root = root();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in ["crates", "tests", "fuzz"] {
        collect(&root.join(dir), &mut files);
    }
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "rs" && !text.trim_start().starts_with("//!") {
            problems.push(format!("{rel}: no `//!` module doc at the top"));
        }
        // Built with concat! so this file does not flag itself.
        let banned: &[&str] = match ext {
            "rs" => &[concat!("#[", "ignore")],
            "js" | "mjs" | "ts" => &[
                concat!("test", ".only("),
                concat!("it", ".only("),
                concat!("describe", ".only("),
                concat!("test", ".skip("),
                concat!("it", ".skip("),
                concat!("describe", ".skip("),
                concat!("test", ".todo("),
                concat!("{ ", "skip:"),
                concat!("{ ", "todo:"),
            ],
            _ => &[],
        };
        for pattern in banned {
            if text.contains(pattern) {
                problems.push(format!(
                    "{rel}: contains `{pattern}`: tests are never switched off"
                ));
            }
        }
        let rel = rel.replace('\\', "/");
        for (scopes, patterns, allowed, rule) in ONLY {
            let in_scope = scopes.iter().any(|s| rel.starts_with(s));
            if !in_scope || allowed.contains(&rel.as_str()) || rel.contains("/tests/") {
                continue;
            }
            for pattern in *patterns {
                if text.contains(pattern) {
                    problems.push(format!("{rel}: contains `{pattern}`: {rule}"));
                }
            }
        }
    }
    if problems.is_empty() {
        eprintln!("tidy: {} files checked", files.len());
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        )
        .into())
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `build`: the edge worker's generated site (copies of dist/).
        if name == "node_modules" || name == "target" || name == "build" || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "js" | "mjs" | "ts")
        ) {
            out.push(path);
        }
    }
}
