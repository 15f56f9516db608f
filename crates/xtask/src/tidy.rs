//! `tidy`: invariants kept honest by a check rather than by memory
//! (in the spirit of rust-analyzer's `xtask/src/tidy.rs`):
//!
//! - every Rust source file starts with a `//!` module doc;
//! - no test is switched off (no ignore attribute, no skipped, focused or
//!   to-do JS test).

use std::path::{Path, PathBuf};

use crate::util::{Result, root};

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
        if name == "node_modules" || name == "target" || name.starts_with('.') {
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
