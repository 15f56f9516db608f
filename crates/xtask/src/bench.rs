//! `cargo xtask bench <what>`: reproducible commands that print figures.

use crate::util::{Result, cargo};

pub(crate) fn run(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("core") => core(),
        Some("sim") => crate::bench_sim::run(&args[1..]),
        Some("console") => crate::console::bench(&args[1..]),
        Some("edge") => crate::edge::bench(&args[1..]),
        Some("all") | None => core().and_then(|()| crate::bench_sim::run(&[])),
        Some(other) => Err(format!("unknown benchmark `{other}`: try core or sim").into()),
    }
}

/// Signing and decoding a 1,000-container list, natively.
fn core() -> Result {
    crate::util::sh(cargo().args(["bench", "-p", "ews-core", "--bench", "core"]))
}
