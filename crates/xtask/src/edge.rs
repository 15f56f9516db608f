//! The edge worker's tasks:
//!
//! - `cargo xtask edge-build`: the worker module (release wasm →
//!   `wasm-bindgen --target web` → `wasm-opt -Oz` when binaryen is
//!   installed) and the console's site, into `crates/ews-edge/build/`. This
//!   is also wrangler's `[build] command`.
//! - `cargo xtask edge`: builds both, then runs the worker locally in real
//!   workerd in front of `ews-sim` and prints the URL and demo tokens.
//! - the `edge worker in workerd` test step (with the console's journeys in
//!   edge mode, the page's and the embedded one, when the tree has the
//!   console) and `cargo xtask bench edge`.
//!
//! The site is the console's `dist/` with two changes: its `index.html`
//! says `<meta name="ews-mode" content="edge">` (so the console asks
//! `/edge/session`), and Trunk's inline module
//! loader (and any other inline `<script>`/`<style>`) is moved into a file
//! of its own, so the worker's Content-Security-Policy can forbid inline
//! scripts (`script-src 'self' 'wasm-unsafe-eval'`) without a hash.
//!
//! Starting `ews-sim` and workerd (ports, capnp config, bindings, clean-up)
//! is done in one place, `tests/edge/harness.mjs`, which the tests, the
//! benchmark and `cargo xtask edge` all use.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{
    Result, cargo, fnv1a, node_test_files, root, sh, target_dir, tool_path, wasm_opt,
};

/// `crates/ews-edge/build`: worker.mjs, ews_edge.js, ews_edge_bg.wasm, site/.
fn build_dir() -> PathBuf {
    root().join("crates/ews-edge/build")
}

/// `cargo xtask edge-build [--no-console] [--dist DIR]`: `--dist` takes the
/// console from another directory than `dist/`.
pub(crate) fn build_cmd(args: &[String]) -> Result {
    build_worker()?;
    let dist = args
        .iter()
        .position(|a| a == "--dist")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    if dist.is_none() && !args.iter().any(|a| a == "--no-console") {
        build_console()?;
    }
    build_site(dist.or_else(console_dist).as_deref())
}

/// Where the latest console build is: `dist/`, or Trunk's staging
/// directory (`<target>/console/dist`, which `cargo xtask console` syncs into
/// `dist/`), whichever has the newer `index.html`.
fn console_dist() -> Option<PathBuf> {
    let modified = |d: &PathBuf| {
        std::fs::metadata(d.join("index.html"))
            .and_then(|m| m.modified())
            .ok()
    };
    [root().join("dist"), crate::console::console_stage()]
        .into_iter()
        .filter_map(|d| modified(&d).map(|t| (t, d)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, d)| d)
}

/// Builds the worker module into `crates/ews-edge/build/`.
pub(crate) fn build_worker() -> Result {
    crate::tools::wasm_target()?;
    crate::tools::wasm_bindgen_cli()?;
    sh(cargo().args([
        "build",
        "-p",
        "ews-edge",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let out = build_dir();
    std::fs::create_dir_all(&out)?;
    let wasm = target_dir().join("wasm32-unknown-unknown/release/ews_edge.wasm");
    sh(Command::new("wasm-bindgen")
        .env("PATH", tool_path())
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&wasm))?;
    let bg = out.join("ews_edge_bg.wasm");
    wasm_opt(&bg, &[])?;
    std::fs::copy(
        root().join("crates/ews-edge/worker.mjs"),
        out.join("worker.mjs"),
    )?;
    let raw = std::fs::metadata(&bg)?.len();
    eprintln!("worker: {} ({raw} bytes wasm)", out.display());
    Ok(())
}

/// Whether this tree has the console (its crate and Trunk's config).
fn has_console() -> bool {
    root().join("crates/ews-console/Cargo.toml").exists() && root().join("Trunk.toml").exists()
}

/// Builds the console into `dist/` when this tree has it: the same release
/// build (and bundle) that the size budget checks.
fn build_console() -> Result {
    if !has_console() {
        eprintln!(
            "note: no console in this tree (crates/ews-console, Trunk.toml): the worker serves no console"
        );
        return Ok(());
    }
    crate::console::build_release()
}

/// Copies the console (`dist`, when there is one) to `build/site/`, moving
/// inline scripts and styles out of its HTML pages.
fn build_site(dist: Option<&Path>) -> Result {
    let site = build_dir().join("site");
    if site.exists() {
        std::fs::remove_dir_all(&site)?;
    }
    std::fs::create_dir_all(&site)?;
    match dist {
        Some(dist) if dist.join("index.html").exists() => {
            copy_site(dist, &site, &site)?;
            eprintln!("site: {} (from {})", site.display(), dist.display());
        }
        _ => eprintln!("site: empty (no console build)"),
    }
    Ok(())
}

/// Copies `from` into `to`; `site` is the site's root, where the blocks
/// moved out of any page go (their `src`/`href` is `/NAME`, also from a page
/// in a subfolder such as `examples/`).
fn copy_site(from: &Path, to: &Path, site: &Path) -> Result {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dest)?;
            copy_site(&path, &dest, site)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            let mut html = std::fs::read_to_string(&path)?;
            if to == site && entry.file_name() == "index.html" {
                html = mark_edge(&html);
            }
            let (html, files) = externalize_inline(&html);
            for (name, content) in files {
                std::fs::write(site.join(&name), content)?;
                eprintln!(
                    "site: moved an inline block of {} into /{name}",
                    dest.display()
                );
            }
            std::fs::write(&dest, html)?;
        } else {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}

/// The meta tag that tells the console the edge worker serves it (so it
/// asks `/edge/session`; a static deployment never does).
pub(crate) const EDGE_META: &str = r#"<meta name="ews-mode" content="edge">"#;

/// Adds [`EDGE_META`] right after `<head…>` (once).
pub(crate) fn mark_edge(html: &str) -> String {
    if html.contains(EDGE_META) {
        return html.to_owned();
    }
    match html
        .find("<head")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
    {
        Some(at) => format!("{}\n    {EDGE_META}{}", &html[..at], &html[at..]),
        None => format!("{EDGE_META}\n{html}"),
    }
}

/// Moves each inline `<script>` (one without `src`) and `<style>` into a
/// file named by its content; returns the new HTML and the files.
pub(crate) fn externalize_inline(html: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(html.len());
    let mut files = Vec::new();
    let mut rest = html;
    loop {
        let lower = rest.to_ascii_lowercase();
        let next = ["<script", "<style"]
            .iter()
            .filter_map(|t| lower.find(t).map(|i| (i, *t)))
            .min();
        let Some((start, tag)) = next else {
            out.push_str(rest);
            break;
        };
        let name = &tag[1..];
        let close = format!("</{name}>");
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            out.push_str(rest);
            break;
        };
        let Some(body_end) = lower[open_end..].find(&close).map(|i| open_end + i) else {
            out.push_str(rest);
            break;
        };
        let open = &rest[start..open_end];
        let body = &rest[open_end..body_end];
        out.push_str(&rest[..start]);
        let has_src = open.to_ascii_lowercase().contains(" src=");
        if has_src || body.trim().is_empty() {
            out.push_str(&rest[start..body_end + close.len()]);
        } else if name == "script" {
            let file = format!("inline-{:016x}.js", fnv1a(body.as_bytes()));
            let attrs = open[..open.len() - 1].trim_end();
            let _ = write!(out, "{attrs} src=\"/{file}\"></script>");
            files.push((file, body.to_owned()));
        } else {
            let file = format!("inline-{:016x}.css", fnv1a(body.as_bytes()));
            let _ = write!(out, "<link rel=\"stylesheet\" href=\"/{file}\">");
            files.push((file, body.to_owned()));
        }
        rest = &rest[body_end + close.len()..];
    }
    (out, files)
}

fn node_env(cmd: &mut Command) -> &mut Command {
    cmd.current_dir(root())
        .env("PATH", tool_path())
        .env("EWS_SIM_BIN", target_dir().join("release/ews-sim"))
        .env("EWS_EDGE_BUILD", build_dir())
}

fn build_sim() -> Result {
    sh(cargo().args(["build", "--release", "-p", "ews-sim"]))
}

/// `cargo xtask edge`: the worker in workerd in front of ews-sim.
pub(crate) fn run(args: &[String]) -> Result {
    if args.first().map(String::as_str) == Some("test") {
        return test();
    }
    crate::tools::npm_packages()?;
    build_cmd(&[])?;
    build_sim()?;
    sh(node_env(&mut Command::new("node"))
        .arg("tests/edge/serve.mjs")
        .args(args))
}

/// The test step: the worker's suites in real workerd against ews-sim
/// (`tests/edge/*.test.mjs`), and the console's journey in edge mode when
/// this tree has the console.
pub(crate) fn test() -> Result {
    crate::tools::npm_packages()?;
    crate::tools::chromium()?;
    build_worker()?;
    let console = has_console();
    if console {
        build_console()?;
    }
    build_site(console_dist().as_deref())?;
    build_sim()?;
    // The console's journeys need the console (and its embedded build).
    let needs_console =
        |f: &str| f.ends_with("/console.test.mjs") || f.ends_with("/embed.test.mjs");
    let files: Vec<String> = node_test_files("tests/edge")?
        .into_iter()
        .filter(|f| console || !needs_console(f))
        .collect();
    if !console {
        eprintln!(
            "note: the console's edge-mode journeys (tests/edge/console.test.mjs, embed.test.mjs) need the console, which this tree does not have"
        );
    }
    sh(node_env(&mut Command::new("node"))
        .args(["--test", "--test-concurrency=1"])
        .args(&files))
}

/// `cargo xtask bench edge`: size, added latency, throughput.
pub(crate) fn bench(args: &[String]) -> Result {
    crate::tools::npm_packages()?;
    build_worker()?;
    build_site(console_dist().as_deref())?;
    build_sim()?;
    sh(node_env(&mut Command::new("node"))
        .arg("tests/edge/bench.mjs")
        .args(args))
}

#[cfg(test)]
mod tests {
    use super::{EDGE_META, externalize_inline, mark_edge};

    #[test]
    fn the_site_index_says_edge_once() {
        let html = "<!doctype html><html><head lang=x><title>t</title></head><body></body></html>";
        let marked = mark_edge(html);
        assert!(
            marked.starts_with("<!doctype html><html><head lang=x>\n    <meta name=\"ews-mode\"")
        );
        assert!(marked.ends_with("<title>t</title></head><body></body></html>"));
        assert_eq!(mark_edge(&marked), marked);
        assert_eq!(marked.matches(EDGE_META).count(), 1);
    }

    #[test]
    fn inline_scripts_and_styles_move_out() {
        let html = "<head><script type=\"module\">import init from '/a.js';\nawait init();</script>\
                    <script src=\"/b.js\"></script><STYLE>p{color:red}</STYLE><script></script></head>";
        let (out, files) = externalize_inline(html);
        assert_eq!(files.len(), 2, "{out}");
        assert!(files[0].0.starts_with("inline-") && files[0].0.ends_with(".js"));
        assert_eq!(files[0].1, "import init from '/a.js';\nawait init();");
        assert_eq!(files[1].1, "p{color:red}");
        assert!(
            out.contains(&format!(
                "<script type=\"module\" src=\"/{}\"></script>",
                files[0].0
            )),
            "{out}"
        );
        assert!(out.contains("<script src=\"/b.js\"></script>"));
        assert!(out.contains(&format!(
            "<link rel=\"stylesheet\" href=\"/{}\">",
            files[1].0
        )));
        assert!(!out.contains("await init"));
        // Nothing inline: unchanged.
        let plain = "<p>hi</p>";
        assert_eq!(externalize_inline(plain), (plain.to_owned(), vec![]));
    }
}
