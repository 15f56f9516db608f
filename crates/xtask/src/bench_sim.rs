//! `cargo xtask bench sim`: a load benchmark of the simulator on loopback.
//!
//! Builds ews-sim (release), starts it with `--containers 100`, signs two
//! requests with ews-core (a signature stays valid for 15 minutes, so one
//! pre-signed request serves the whole run) and drives each with `wrk`:
//! the signed list of 100 containers and `GET /api/v1/command/{id}`.
//! Prints requests per second and p99 latency, and fails unless every
//! answer was a 2xx. `--write` also replaces the `## ews-sim` section of
//! BENCHMARKS.md (and nothing else).
//!
//! Options: `--duration 10s`, `--threads 2`, `--connections 32`, `--write`,
//! `--profiles release,bench` (cargo profiles to build and measure in turn;
//! default `release`, which this workspace tunes for size: opt-level "z").

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ews_core::{Credentials, Operation, SignMethod, request};

use crate::util::{Result, cargo, root, sh};

const ACCESS_KEY: &str = "ews-demo";
const SECRET_KEY: &str = "ews-demo-secret";

struct Options {
    duration: String,
    threads: String,
    connections: String,
    write: bool,
    profiles: Vec<String>,
}

/// One wrk run, parsed.
struct Figures {
    name: String,
    requests_per_sec: f64,
    p99: String,
    requests: String,
    transfer_per_sec: String,
}

/// Kills the simulator however the benchmark ends.
struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        duration: "10s".into(),
        threads: "2".into(),
        connections: "32".into(),
        write: false,
        profiles: vec!["release".into()],
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--duration" => o.duration = value()?,
            "--threads" => o.threads = value()?,
            "--connections" => o.connections = value()?,
            "--write" => o.write = true,
            "--profiles" => {
                o.profiles = value()?
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            other => {
                return Err(format!(
                    "unknown option `{other}`: bench sim takes --duration, --threads, --connections, --profiles, --write"
                )
                .into());
            }
        }
    }
    Ok(o)
}

pub(crate) fn run(args: &[String]) -> Result {
    let opts = options(args)?;
    if Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        return Err(
            "wrk is missing: install it with `apt-get install wrk` (Debian package)".into(),
        );
    }
    let mut figures = Vec::new();
    for profile in &opts.profiles {
        figures.extend(run_profile(&opts, profile)?);
    }
    let section = section(&opts, &figures);
    println!("\n{section}");
    if opts.write {
        write_section(&section)?;
        eprintln!("BENCHMARKS.md: the ## ews-sim section was updated");
    }
    Ok(())
}

/// Builds ews-sim with one cargo profile and measures both requests.
fn run_profile(opts: &Options, profile: &str) -> Result<Vec<Figures>> {
    sh(cargo().args(["build", "--profile", profile, "-p", "ews-sim"]))?;
    // The built-in profiles share the release and debug folders.
    let dir = match profile {
        "release" | "bench" => "release",
        "dev" | "test" => "debug",
        other => other,
    };
    let bin = target_dir().join(dir).join("ews-sim");
    let sim_args = [
        "--listen",
        "127.0.0.1:0",
        "--containers",
        "100",
        "--fail-rate",
        "0",
    ];
    let mut child = Command::new(&bin)
        .args(sim_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let sim = Sim(child);
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let base = first
        .trim()
        .strip_prefix("ews-sim listening on ")
        .ok_or_else(|| format!("unexpected first line from ews-sim: {first:?}"))?
        .to_owned();
    let addr = base.trim_start_matches("http://").to_owned();
    eprintln!("ews-sim is at {base}");

    let creds = Credentials::new(ACCESS_KEY, SECRET_KEY, SignMethod::HmacMd5);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)?;

    // A command to read: start the first container that may be started.
    let list = request::build(&Operation::ListContainers, &creds, now);
    let (status, body) = http(&addr, "GET", &list.path_and_query(), &list.authorization)?;
    let containers = ews_core::decode::container_list(status, &body)?.containers;
    if containers.len() != 100 {
        return Err(format!("expected 100 containers, got {}", containers.len()).into());
    }
    let startable = containers
        .iter()
        .find(|c| ews_core::Action::Start.usual_from(&c.status))
        .ok_or("no container can be started")?;
    let start = request::build(&Operation::StartContainer(startable.id), &creds, now);
    let (status, body) = http(&addr, "POST", &start.path_and_query(), &start.authorization)?;
    let command = ews_core::decode::command(status, &body)?;
    let get = request::build(
        &Operation::GetCommand(command.command_id.clone()),
        &creds,
        now,
    );
    let (status, _) = http(&addr, "GET", &get.path_and_query(), &get.authorization)?;
    if status != 200 {
        return Err(format!("GET command answered {status}").into());
    }

    let cases = [
        ("GET /api/v1/container (100 containers, signed)", &list),
        ("GET /api/v1/command/{id} (signed)", &get),
    ];
    let mut figures = Vec::new();
    for (name, req) in cases {
        let url = format!("{base}{}", req.path_and_query());
        let name = format!("{name}, profile {profile}");
        figures.push(wrk(opts, name, &url, &req.authorization)?);
    }
    drop(sim);
    Ok(figures)
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// One request over a fresh connection: status and body.
fn http(
    addr: &str,
    method: &str,
    path_and_query: &str,
    authorization: &str,
) -> Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "{method} {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP header in the answer")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no HTTP status in the answer")?;
    Ok((status, raw[split + 4..].to_vec()))
}

fn wrk(opts: &Options, name: String, url: &str, authorization: &str) -> Result<Figures> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t",
        &opts.threads,
        "-c",
        &opts.connections,
        "-d",
        &opts.duration,
    ])
    .arg("--latency")
    .args(["-H", &format!("Authorization: {authorization}")])
    .arg(url);
    eprintln!(
        "\n$ wrk -t {} -c {} -d {} --latency -H 'Authorization: …' {url}",
        opts.threads, opts.connections, opts.duration
    );
    let out = cmd.output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    eprint!("{text}");
    if !out.status.success() {
        return Err(format!("wrk failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    if let Some(line) = text.lines().find(|l| l.contains("Non-2xx")) {
        return Err(format!("{name}: not every answer was a 2xx: {}", line.trim()).into());
    }
    if let Some(line) = text.lines().find(|l| l.contains("Socket errors")) {
        return Err(format!("{name}: {}", line.trim()).into());
    }
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_owned())
    };
    let requests_per_sec = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or("no Requests/sec in wrk's output")?;
    let p99 = field("99%").ok_or("no 99% latency in wrk's output")?;
    let transfer_per_sec = field("Transfer/sec:").unwrap_or_default();
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .map(|l| l.trim().to_owned())
        .unwrap_or_default();
    Ok(Figures {
        name,
        requests_per_sec,
        p99,
        requests,
        transfer_per_sec,
    })
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    // Other work on the machine skews the figures: say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{cores} cores (nproc), {cpu}, 1-minute load average {load} when the run ended")
}

fn section(opts: &Options, figures: &[Figures]) -> String {
    let mut s = String::from("## ews-sim\n\n");
    s.push_str(&format!(
        "Command: `cargo xtask bench sim{}`: builds ews-sim with each cargo profile, starts it with \
         `--containers 100 --fail-rate 0`, then runs `wrk -t {} -c {} -d {} --latency` on loopback \
         with a request pre-signed by ews-core (valid for 15 min); the run fails unless every answer \
         is a 2xx (no `Non-2xx` line, no socket errors). The workspace's `release` profile is tuned \
         for wasm size (opt-level \"z\"); `bench` is the same with opt-level 3.\n\n",
        if opts.profiles == ["release"] {
            String::new()
        } else {
            format!(" --profiles {}", opts.profiles.join(","))
        },
        opts.threads,
        opts.connections,
        opts.duration
    ));
    s.push_str(&format!(
        "Machine: {}; wrk and the simulator share it (and other work may run).\n\n",
        machine()
    ));
    s.push_str(
        "| request | requests/s | p99 latency | transfer/s | total |\n|---|---|---|---|---|\n",
    );
    for f in figures {
        s.push_str(&format!(
            "| {} | {:.0} | {} | {} | {} |\n",
            f.name, f.requests_per_sec, f.p99, f.transfer_per_sec, f.requests
        ));
    }
    s
}

/// Replaces the `## ews-sim` section of BENCHMARKS.md (up to the next `## `
/// heading), or appends it.
fn write_section(section: &str) -> Result {
    let path = root().join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        if line.trim_end() == "## ews-sim" {
            out.push_str(section);
            out.push('\n');
            while lines.peek().is_some_and(|l| !l.starts_with("## ")) {
                lines.next();
            }
            replaced = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !replaced {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(section);
    }
    std::fs::write(&path, out)?;
    Ok(())
}
