//! `cargo xtask run`: the local demo in one command.
//!
//! Builds the simulator (release), builds the console when there is one,
//! starts `ews-sim` on 127.0.0.1:8080 serving `dist/` (when
//! `dist/index.html` exists), and prints the URLs (the console, and the
//! embedded console's example page) and the demo credentials.
//! Flags after `--` go to ews-sim and win over these defaults, e.g.
//! `cargo xtask run -- --admin --fault-5xx 0.1`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::util::{Result, cargo, root, sh, target_dir};

pub(crate) fn run(args: &[String]) -> Result {
    let passthrough: Vec<String> = match args.iter().position(|a| a == "--") {
        Some(0) => args[1..].to_vec(),
        None if args.is_empty() => Vec::new(),
        _ => {
            return Err(
                "usage: cargo xtask run [-- EWS-SIM FLAGS], e.g. cargo xtask run -- --admin".into(),
            );
        }
    };
    let root = root();
    sh(cargo().args(["build", "--release", "-p", "ews-sim"]))?;
    if root.join("crates/ews-console").exists() {
        crate::console::build_release()?;
    }
    let dist = root.join("dist");
    let mut sim_args: Vec<String> = vec!["--listen".into(), "127.0.0.1:8080".into()];
    let serving = dist.join("index.html").exists();
    if serving {
        sim_args.push("--static".into());
        sim_args.push(dist.display().to_string());
    }
    sim_args.extend(passthrough);

    let bin = target_dir().join("release/ews-sim");
    let mut child = Command::new(&bin)
        .args(&sim_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout from ews-sim")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut url = None;
    let mut out = std::io::stdout();
    // Echo the simulator's banner, then say what to open.
    for line in lines.by_ref() {
        let line = line?;
        writeln!(out, "{line}")?;
        if let Some(u) = line.strip_prefix("ews-sim listening on ") {
            url = Some(u.to_owned());
        }
        if line.starts_with("state lives in memory") {
            break;
        }
    }
    if let Some(url) = url {
        writeln!(out)?;
        if serving {
            writeln!(out, "open the console:  {url}/")?;
            if dist.join("examples/host.html").exists() {
                writeln!(out, "embedded example:  {url}/examples/host.html")?;
            }
        } else {
            writeln!(
                out,
                "no dist/index.html: serving the API only (build the console into dist/ to serve it too)"
            )?;
        }
        writeln!(out, "API base URL:      {url}")?;
        writeln!(
            out,
            "demo credentials:  access key ews-demo, secret key ews-demo-secret, sign method md5 (unless overridden above)"
        )?;
        writeln!(out, "Ctrl-C stops it.")?;
        out.flush()?;
    }
    // Keep forwarding whatever else it prints.
    std::thread::spawn(move || {
        for line in lines.map_while(std::result::Result::ok) {
            println!("{line}");
        }
    });
    let status = child.wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("ews-sim exited: {status}").into())
    }
}
