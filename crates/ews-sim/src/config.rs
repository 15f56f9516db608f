//! The command line: hand-written parsing (a dozen flags do not earn a
//! parser crate's compile time) and the `--help` text.

use std::fmt;
use std::path::PathBuf;

use ews_core::SignMethod;

use crate::faults::Faults;

/// The demo access key, used when `--access-key` is not given.
pub const DEMO_ACCESS_KEY: &str = "ews-demo";
/// The demo secret key, used when `--secret-key` is not given.
pub const DEMO_SECRET_KEY: &str = "ews-demo-secret";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default seed.
pub const DEFAULT_SEED: u64 = 20_160_128;
/// The default fleet size.
pub const DEFAULT_CONTAINERS: usize = 32;
/// The default step: a start takes 5 steps, so about 4 s.
pub const DEFAULT_STEP_MS: u64 = 800;
/// The default share of commands that fail.
pub const DEFAULT_FAIL_RATE: f64 = 0.05;
/// The default time a passing state takes to move on by itself, at most.
pub const DEFAULT_SETTLE_MS: u64 = 60_000;
/// The largest fleet accepted.
pub const MAX_CONTAINERS: usize = 1_000_000;

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`Access-Control-Allow-Origin: *`).
    Any,
    /// Only these (echoed back, with `Vary: Origin`).
    List(Vec<String>),
}

/// Everything the simulator is started with.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0: any free port).
    pub listen: String,
    /// The one access key accepted.
    pub access_key: String,
    /// Its secret key.
    pub secret_key: String,
    /// The one sign method accepted.
    pub sign_method: SignMethod,
    /// Seed for the fleet, command ids and outcomes, and faults.
    pub seed: u64,
    /// Fleet size.
    pub containers: usize,
    /// A directory served at `/` (the built console), with SPA fallback.
    pub static_dir: Option<PathBuf>,
    /// One command step, ms.
    pub step_ms: u64,
    /// Share of commands that fail.
    pub fail_rate: f64,
    /// Each command's step length varies within `1 ± step_jitter`.
    pub step_jitter: f64,
    /// A passing state moves on by itself within this, ms.
    pub settle_ms: u64,
    /// Containers seeded stuck in a passing state.
    pub stuck: usize,
    /// Share of containers served with odd (but plausible) data, plus two
    /// unreadable list items when above 0.
    pub quirks: f64,
    /// Faults at start-up.
    pub faults: Faults,
    /// Whether `/__admin/*` exists.
    pub admin: bool,
    /// CORS origins.
    pub cors: CorsOrigins,
    /// Log every request to stderr.
    pub log: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN.to_owned(),
            access_key: DEMO_ACCESS_KEY.to_owned(),
            secret_key: DEMO_SECRET_KEY.to_owned(),
            sign_method: SignMethod::HmacMd5,
            seed: DEFAULT_SEED,
            containers: DEFAULT_CONTAINERS,
            static_dir: None,
            step_ms: DEFAULT_STEP_MS,
            fail_rate: DEFAULT_FAIL_RATE,
            step_jitter: 0.0,
            settle_ms: DEFAULT_SETTLE_MS,
            stuck: 0,
            quirks: 0.0,
            faults: Faults::default(),
            admin: false,
            cors: CorsOrigins::Any,
            log: false,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("access_key", &self.access_key)
            .field("secret_key", &"***")
            .field("sign_method", &self.sign_method)
            .field("seed", &self.seed)
            .field("containers", &self.containers)
            .field("static_dir", &self.static_dir)
            .field("step_ms", &self.step_ms)
            .field("fail_rate", &self.fail_rate)
            .field("step_jitter", &self.step_jitter)
            .field("settle_ms", &self.settle_ms)
            .field("stuck", &self.stuck)
            .field("quirks", &self.quirks)
            .field("faults", &self.faults)
            .field("admin", &self.admin)
            .field("cors", &self.cors)
            .field("log", &self.log)
            .finish()
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Run the server.
    Run(Box<Config>),
    /// Print [`HELP`].
    Help,
    /// Print the version.
    Version,
}

/// `ews-sim --help`.
pub const HELP: &str = "\
ews-sim: a local simulator of the EWS container API (a real HTTP server).

usage: ews-sim [--listen ADDR] [--access-key KEY] [--secret-key SECRET]
               [--sign-method md5|sha1] [--seed N] [--containers N]
               [--static DIR] [more options below]

Serves the six endpoints of the EWS container API with signed requests
(the Authorization header), the {code, message, data} envelope and a Date
header on every response. State lives in memory only: every start begins
with the same seeded fleet, and a restart forgets every change.

On start-up the first line on stdout is exactly
  ews-sim listening on http://IP:PORT
(the real bound port, so --listen 127.0.0.1:0 works), then the credentials.

options:
  --listen ADDR          address to listen on [127.0.0.1:8080]; port 0 picks one
  --access-key KEY       the access key accepted [ews-demo]
  --secret-key SECRET    its secret key [ews-demo-secret]
  --sign-method M        md5 or sha1: the only method accepted [md5]
  --seed N               seed for the fleet, command ids, outcomes and faults
                         [20160128]
  --containers N         fleet size, at most 1000000 [32]; from 11 on every
                         documented state appears at least once
  --static DIR           serve DIR at / (the built console) with SPA fallback:
                         unknown paths without a file extension get index.html
  --step-ms N            one command step, ms [800]; a start takes 5 steps,
                         a stop or delete 4 (tests use 20-50)
  --step-jitter P        each command's steps last step-ms times a seeded
                         factor within 1 +- P, so durations vary as on a real
                         service [0]
  --fail-rate P          share of commands that fail (STARTFAILED, RUNFAILED,
                         STOPFAILED, delete refused, PUBLISH_FAILED), and of
                         passing states that end badly by themselves [0.05]
  --settle-ms N          a container in a passing state (ALLOCATING, STARTING,
                         STOPPING) moves on by itself at a seeded moment
                         between N/4 and N ms [60000]; tests use a large N
  --stuck N              seed N containers stuck in a passing state (STARTING,
                         STOPPING, ALLOCATING in turn, hours ago; they never
                         move on) [0]
  --quirks P             serve a seeded share P of containers with odd but
                         plausible data (hostId -1, a fractional cpu, numbers
                         as strings, an object for health, a time as a
                         number, nulls, an unknown state or field), and two
                         list items that are not containers at all [0]
  --cors-origin ORIGIN   browser origin allowed to call the API; repeatable;
                         * = any [*]
  --admin                enable the unsigned /__admin endpoints (below)
  --log                  log every request to stderr
  -h, --help             this text
  -V, --version          the version

faults (off by default; P is a share from 0 to 1, seeded):
  --latency-ms N         every API answer waits N ms more
  --latency-jitter-ms N  plus a seeded 0..=N ms more
  --fault-5xx P          answer 500/502/503 with an error envelope
  --fault-html P         answer 502 with a proxy's HTML error page
  --fault-truncated P    cut the real JSON answer in half (the action happens)
  --fault-api-error P    answer HTTP 200 with code 1001 or 1009
  --fault-drop P         close the connection without an answer
  --fault-hang P         new commands never finish (stay RUNNING)
  --clock-skew-ms N      the server's clock and Date header are N ms off
                         (negative: behind)
  --fault-ops LIST       only these operations get response faults, comma-
                         separated: list,get,start,stop,delete,command [all]
  The five response faults exclude each other: their shares add up to 1 at
  most. All but --fault-truncated answer before the request is handled, so
  it has no effect.

admin endpoints (only with --admin; unsigned; JSON; 404 otherwise):
  GET  /__admin                           this list
  GET  /__admin/faults                    the fault settings, keys:
         latency_ms latency_jitter_ms error_5xx html truncated api_error
         drop hang clock_skew_ms ops
  PUT  /__admin/faults                    change some of them: {\"drop\":0.5}
  POST /__admin/reset                     back to the start-up state: fleet,
                                          commands, faults and random streams
  POST /__admin/containers/ID/fail-next   the next action on container ID
         fails; ?mode=fail (default: STARTFAILED/STOPFAILED/delete refused),
         runfailed, publish (PUBLISH_FAILED), hang (never ends), succeed
  PUT  /__admin/containers/ID             set fields by hand, e.g.
         {\"status\":\"RUNNING\",\"health\":\"healthy\"}; frees it from a command

What the simulated service takes: start from ALLOCATED, STOPPED,
STARTFAILED, FAIL, RUNFAILED; stop from RUNNING, LOGIN, STOPFAILED,
RUNFAILED, STARTING, STOPPING; delete from ALLOCATED, STOPPED, STARTFAILED,
FAIL. Anything else is refused with code 1007 (StatusError).

HTTP statuses: 200 success; 400 codes 1002/1003; 401 code 1004; 404 code
1005 and unknown paths (code 1008); 405 wrong method (code 1008); 409 code
1007; 500 code 1001; 413 a body over 64 KiB (code 1002).
";

fn value(
    flag: &str,
    inline: Option<String>,
    it: &mut impl Iterator<Item = String>,
) -> Result<String, String> {
    inline
        .or_else(|| it.next())
        .ok_or_else(|| format!("{flag} needs a value"))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{flag}: `{text}` is not a valid number"))
}

fn share(flag: &str, text: &str) -> Result<f64, String> {
    let p: f64 = number(flag, text)?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(format!("{flag}: `{text}` is not a share between 0 and 1"))
    }
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut cfg = Config::default();
    let mut origins: Vec<String> = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut take = || value(&flag, inline.clone(), &mut it);
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-V" | "--version" => return Ok(Parsed::Version),
            "--listen" => cfg.listen = take()?,
            "--access-key" => cfg.access_key = take()?,
            "--secret-key" => cfg.secret_key = take()?,
            "--sign-method" => {
                let v = take()?;
                cfg.sign_method = SignMethod::parse(&v)
                    .ok_or_else(|| format!("--sign-method: `{v}` is not md5 or sha1"))?;
            }
            "--seed" => cfg.seed = number(&flag, &take()?)?,
            "--containers" => {
                let v = take()?;
                cfg.containers = number(&flag, &v)?;
                if cfg.containers > MAX_CONTAINERS {
                    return Err(format!("--containers: {v} is more than {MAX_CONTAINERS}"));
                }
            }
            "--static" => cfg.static_dir = Some(PathBuf::from(take()?)),
            "--step-ms" => {
                cfg.step_ms = number(&flag, &take()?)?;
                if cfg.step_ms == 0 || cfg.step_ms > 3_600_000 {
                    return Err("--step-ms must be from 1 to 3600000".to_owned());
                }
            }
            "--fail-rate" => cfg.fail_rate = share(&flag, &take()?)?,
            "--step-jitter" => cfg.step_jitter = share(&flag, &take()?)?,
            "--settle-ms" => {
                cfg.settle_ms = number(&flag, &take()?)?;
                if cfg.settle_ms == 0 {
                    return Err("--settle-ms must be 1 or more".to_owned());
                }
            }
            "--stuck" => cfg.stuck = number(&flag, &take()?)?,
            "--quirks" => cfg.quirks = share(&flag, &take()?)?,
            "--cors-origin" => origins.push(take()?.trim().trim_end_matches('/').to_owned()),
            "--admin" => cfg.admin = true,
            "--log" => cfg.log = true,
            "--latency-ms" => cfg.faults.latency_ms = number(&flag, &take()?)?,
            "--latency-jitter-ms" => cfg.faults.latency_jitter_ms = number(&flag, &take()?)?,
            "--fault-5xx" => cfg.faults.error_5xx = share(&flag, &take()?)?,
            "--fault-html" => cfg.faults.html = share(&flag, &take()?)?,
            "--fault-truncated" => cfg.faults.truncated = share(&flag, &take()?)?,
            "--fault-api-error" => cfg.faults.api_error = share(&flag, &take()?)?,
            "--fault-drop" => cfg.faults.drop = share(&flag, &take()?)?,
            "--fault-hang" => cfg.faults.hang = share(&flag, &take()?)?,
            "--clock-skew-ms" => cfg.faults.clock_skew_ms = number(&flag, &take()?)?,
            "--fault-ops" => {
                cfg.faults.ops = take()?
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if cfg.access_key.is_empty() || cfg.secret_key.is_empty() {
        return Err("--access-key and --secret-key must not be empty".to_owned());
    }
    cfg.faults.validate().map_err(|e| format!("faults: {e}"))?;
    if !origins.is_empty() && !origins.iter().any(|o| o == "*") {
        cfg.cors = CorsOrigins::List(origins);
    }
    Ok(Parsed::Run(Box::new(cfg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| (*s).to_owned()))? {
            Parsed::Run(cfg) => Ok(*cfg),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn defaults() {
        let cfg = run(&[]).unwrap();
        assert_eq!(cfg, Config::default());
        assert_eq!(cfg.listen, "127.0.0.1:8080");
        assert_eq!(cfg.sign_method, SignMethod::HmacMd5);
        assert_eq!(cfg.cors, CorsOrigins::Any);
    }

    #[test]
    fn every_flag() {
        let cfg = run(&[
            "--listen",
            "127.0.0.1:0",
            "--access-key=k",
            "--secret-key",
            "s",
            "--sign-method",
            "sha1",
            "--seed",
            "7",
            "--containers",
            "10000",
            "--static",
            "dist",
            "--step-ms",
            "20",
            "--fail-rate",
            "0",
            "--settle-ms",
            "3600000",
            "--step-jitter",
            "0.1",
            "--stuck",
            "3",
            "--quirks=0.25",
            "--cors-origin",
            "http://a.test/",
            "--cors-origin=http://b.test",
            "--admin",
            "--log",
            "--latency-ms",
            "5",
            "--latency-jitter-ms",
            "3",
            "--fault-5xx",
            "0.1",
            "--fault-html",
            "0.1",
            "--fault-truncated",
            "0.1",
            "--fault-api-error",
            "0.1",
            "--fault-drop",
            "0.1",
            "--fault-hang",
            "0.5",
            "--clock-skew-ms",
            "-60000",
            "--fault-ops",
            "list, command",
        ])
        .unwrap();
        assert_eq!(cfg.listen, "127.0.0.1:0");
        assert_eq!(
            (cfg.access_key.as_str(), cfg.secret_key.as_str()),
            ("k", "s")
        );
        assert_eq!(cfg.sign_method, SignMethod::HmacSha1);
        assert_eq!((cfg.seed, cfg.containers, cfg.step_ms), (7, 10_000, 20));
        assert_eq!(cfg.static_dir, Some(PathBuf::from("dist")));
        assert_eq!(cfg.fail_rate, 0.0);
        assert_eq!((cfg.settle_ms, cfg.stuck, cfg.quirks), (3_600_000, 3, 0.25));
        assert_eq!(cfg.step_jitter, 0.1);
        assert_eq!(
            cfg.cors,
            CorsOrigins::List(vec!["http://a.test".into(), "http://b.test".into()])
        );
        assert!(cfg.admin && cfg.log);
        assert_eq!(cfg.faults.clock_skew_ms, -60_000);
        assert_eq!(cfg.faults.ops, ["list", "command"]);
        assert_eq!(cfg.faults.hang, 0.5);
    }

    #[test]
    fn star_means_any() {
        assert_eq!(run(&["--cors-origin", "*"]).unwrap().cors, CorsOrigins::Any);
    }

    #[test]
    fn errors_are_explained() {
        for (args, needle) in [
            (&["--bogus"][..], "unknown argument"),
            (&["--listen"][..], "needs a value"),
            (&["--sign-method", "sha256"][..], "not md5 or sha1"),
            (&["--seed", "x"][..], "not a valid number"),
            (&["--containers", "99999999999"][..], "more than"),
            (&["--fault-drop", "2"][..], "between 0 and 1"),
            (
                &["--fault-drop", "0.7", "--fault-html", "0.7"][..],
                "add up",
            ),
            (&["--fault-ops", "nope"][..], "not an operation"),
            (&["--step-ms", "0"][..], "from 1"),
            (&["--settle-ms", "0"][..], "1 or more"),
            (&["--stuck", "-1"][..], "not a valid number"),
            (&["--quirks", "1.5"][..], "between 0 and 1"),
            (&["--access-key", ""][..], "must not be empty"),
        ] {
            let err = run(args).unwrap_err();
            assert!(err.contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_and_version() {
        assert_eq!(parse(["--help".to_owned()]), Ok(Parsed::Help));
        assert_eq!(parse(["-V".to_owned()]), Ok(Parsed::Version));
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", Config::default());
        assert!(!text.contains(DEMO_SECRET_KEY) && text.contains("***"));
    }

    #[test]
    fn help_documents_every_flag() {
        for flag in [
            "--listen",
            "--access-key",
            "--secret-key",
            "--sign-method",
            "--seed",
            "--containers",
            "--static",
            "--step-ms",
            "--fail-rate",
            "--step-jitter",
            "--settle-ms",
            "--stuck",
            "--quirks",
            "--cors-origin",
            "--admin",
            "--log",
            "--latency-ms",
            "--latency-jitter-ms",
            "--fault-5xx",
            "--fault-html",
            "--fault-truncated",
            "--fault-api-error",
            "--fault-drop",
            "--fault-hang",
            "--clock-skew-ms",
            "--fault-ops",
            "in memory",
        ] {
            assert!(HELP.contains(flag), "{flag}");
        }
    }
}
