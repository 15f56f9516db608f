//! `cargo xtask`: every project task, so the README's commands are short and
//! the same on every machine. Standard library plus ews-core (to sign
//! benchmark requests).
//!
//! - `cargo xtask run`: install what is missing, build the console, start the
//!   simulator serving it, print the URL and the demo credentials.
//! - `cargo xtask test`: every test in the project (what CI runs).
//! - `cargo xtask bench <core|sim|all>`: benchmarks that print figures.
//! - `cargo xtask install`: only install the pinned tools.

mod bench;
mod bench_sim;
mod console;
mod edge;
mod js;
mod run;
mod test;
mod tidy;
mod tools;
mod util;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "run" => run::run(rest),
        "console" => console::run(rest),
        "edge" => edge::run(rest),
        "edge-build" => edge::build_cmd(rest),
        "js" => js::run(rest),
        "test" => test::run(rest),
        "bench" => bench::run(rest),
        "install" => tools::install_all(),
        "help" | "--help" | "-h" => {
            print!("{}", HELP);
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  run                 build the console and start the simulator serving it
  test [--quick]      every test (fmt, clippy, native, wasm, end to end);
                      --quick skips the browser and worker suites
  console build       release build of the web console into dist/ (with the
                      embedded console and the examples) + size budget
  console embed       only the embeddable console, into dist/embed/
  console size        the console's bundle size (fails over 250 KB gzip) and
                      the embedded console's (informational)
  console e2e         the console's Playwright suite against ews-sim
  bench console       console benchmarks in headless Chromium + bundle sizes
  bench core          signing and decoding micro-benchmarks
  bench sim           load benchmark of the simulator on loopback
  bench edge          the edge worker: wasm size, added latency, throughput
  edge                the edge worker in workerd in front of ews-sim (local demo)
  edge test           the edge worker's suites in real workerd (tests/edge)
  edge-build          build the edge worker and its site (wrangler's build command)
  js [build|test]     the JavaScript SDK: build dist/ews-js (prints its size),
                      or build it and run node --test tests/js/ against ews-sim
  install             install the pinned tools only
";
