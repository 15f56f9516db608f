//! The test harness: spawns the real `ews-sim` binary on `127.0.0.1:0`,
//! reads the bound address from its first stdout line, signs requests with
//! ews-core and talks to it with a real HTTP client (ureq). The process is
//! killed when the handle is dropped.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ews_core::{Command, Credentials, Operation, SignMethod, request};

/// The demo credentials the simulator starts with.
pub const ACCESS_KEY: &str = "ews-demo";
pub const SECRET_KEY: &str = "ews-demo-secret";

/// A running simulator.
pub struct Sim {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// Every line printed at start-up, the first one included.
    pub banner: Vec<String>,
    /// What requests are signed with.
    pub creds: Credentials,
    agent: ureq::Agent,
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A header's value (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The envelope's `code`.
    pub fn code(&self) -> String {
        self.json()["code"]
            .as_str()
            .unwrap_or("(no code)")
            .to_owned()
    }

    /// The envelope's `message`.
    pub fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or("").to_owned()
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an error envelope with this code and HTTP status, and a Date header.
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "body: {}",
            self.text()
        );
        assert!(self.header("date").is_some(), "no Date header");
        let v = self.json();
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        self
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Sim {
    /// Starts the simulator with fast, failure-free commands and passing
    /// states that stay for an hour (`--step-ms 20 --fail-rate 0
    /// --settle-ms 3600000`) and `args` (which may override them).
    pub fn start(args: &[&str]) -> Sim {
        let mut all = vec![
            "--step-ms",
            "20",
            "--fail-rate",
            "0",
            "--settle-ms",
            "3600000",
        ];
        all.extend_from_slice(args);
        Sim::start_exact(&all)
    }

    /// Starts the simulator with exactly `args` plus `--listen 127.0.0.1:0`.
    pub fn start_exact(args: &[&str]) -> Sim {
        let mut child = Process::new(env!("CARGO_BIN_EXE_ews-sim"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ews-sim");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect("read stdout");
            if n == 0 {
                let _ = child.kill();
                panic!("ews-sim exited before it was ready; printed: {banner:?}");
            }
            let line = line.trim_end().to_owned();
            let last = line.starts_with("state lives in memory");
            banner.push(line);
            if last {
                break;
            }
        }
        let first = &banner[0];
        let base = first
            .strip_prefix("ews-sim listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_owned();
        let addr = base.trim_start_matches("http://").to_owned();
        let method = if args.windows(2).any(|w| w == ["--sign-method", "sha1"]) {
            SignMethod::HmacSha1
        } else {
            SignMethod::HmacMd5
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Sim {
            child,
            base,
            addr,
            banner,
            creds: Credentials::new(ACCESS_KEY, SECRET_KEY, method),
            agent,
        }
    }

    /// Sends a request with ureq; `None` when the connection failed.
    pub fn try_send(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Result<Reply, ureq::Error> {
        let url = format!("{}{}", self.base, path_and_query);
        let mut builder = ureq::http::Request::builder().method(method).uri(url);
        for (n, v) in headers {
            builder = builder.header(*n, *v);
        }
        let req = builder
            .body(body.unwrap_or_default().to_vec())
            .expect("request");
        let mut resp = self.agent.run(req)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Sends a request; panics when the connection fails.
    pub fn send(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Reply {
        self.try_send(method, path_and_query, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path_and_query}: {e}"))
    }

    /// An operation signed now with the harness credentials.
    pub fn call(&self, op: &Operation) -> Reply {
        self.call_with(op, &self.creds, now_ms())
    }

    /// An operation signed with `creds` at `ts`.
    pub fn call_with(&self, op: &Operation, creds: &Credentials, ts: u64) -> Reply {
        let req = request::build(op, creds, ts);
        self.send(
            req.method.as_str(),
            &req.path_and_query(),
            &[("Authorization", &req.authorization)],
            None,
        )
    }

    /// The query string and signature for a request signed now.
    pub fn signed_query(&self) -> (String, String) {
        let req = request::build(&Operation::ListContainers, &self.creds, now_ms());
        (req.query, req.authorization)
    }

    /// The container list (asserts success).
    pub fn list(&self) -> Vec<ews_core::Container> {
        let r = self.call(&Operation::ListContainers);
        readable(ews_core::decode::container_list(r.status, &r.body).expect("list"))
    }

    /// The container list, signed at `ts` (asserts success).
    pub fn list_at(&self, ts: u64) -> Vec<ews_core::Container> {
        let r = self.call_with(&Operation::ListContainers, &self.creds, ts);
        readable(ews_core::decode::container_list(r.status, &r.body).expect("list"))
    }

    /// The first container in `status`.
    pub fn first_in(&self, status: ews_core::ContainerStatus) -> ews_core::ContainerId {
        self.list()
            .into_iter()
            .find(|c| c.status == status)
            .map(|c| c.id)
            .unwrap_or_else(|| panic!("no {status} container"))
    }

    /// One container, or the error.
    pub fn container(
        &self,
        id: ews_core::ContainerId,
    ) -> Result<ews_core::Container, ews_core::Error> {
        let r = self.call(&Operation::GetContainer(id));
        ews_core::decode::container(r.status, &r.body)
    }

    /// Runs an action and returns the accepted command (asserts success).
    pub fn act(&self, op: Operation) -> Command {
        let r = self.call(&op);
        ews_core::decode::command(r.status, &r.body)
            .unwrap_or_else(|e| panic!("{op:?}: {e}; body {}", r.text()))
    }

    /// Polls a command every `every` until it ends or `timeout` passes;
    /// returns every version seen, the last one final (unless timed out).
    pub fn follow(&self, command: &Command, every: Duration, timeout: Duration) -> Vec<Command> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let r = self.call(&Operation::GetCommand(command.command_id.clone()));
            let c = ews_core::decode::command(r.status, &r.body)
                .unwrap_or_else(|e| panic!("command: {e}; body {}", r.text()));
            let done = c.is_final();
            seen.push(c);
            if done || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(every);
        }
    }

    /// An admin request with an optional JSON body.
    pub fn admin(&self, method: &str, path: &str, json: Option<&str>) -> Reply {
        match json {
            Some(body) => self.send(
                method,
                path,
                &[("Content-Type", "application/json")],
                Some(body.as_bytes()),
            ),
            None => self.send(method, path, &[], None),
        }
    }

    /// Raw bytes over a fresh TCP connection; everything the server sends
    /// back until it closes (the request should ask `Connection: close`).
    pub fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).ok();
        s.write_all(request).expect("write");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        out
    }

    /// A raw request line + `Connection: close`, parsed into a [`Reply`].
    pub fn raw_request(&self, method: &str, target: &[u8], extra_headers: &str) -> Reply {
        let mut req = Vec::new();
        req.extend_from_slice(method.as_bytes());
        req.push(b' ');
        req.extend_from_slice(target);
        req.extend_from_slice(b" HTTP/1.1\r\nHost: sim\r\nConnection: close\r\n");
        req.extend_from_slice(extra_headers.as_bytes());
        req.extend_from_slice(b"\r\n");
        parse_raw(&self.raw(&req))
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

/// Parses an HTTP/1.1 response (Content-Length bodies) from raw bytes.
pub fn parse_raw(bytes: &[u8]) -> Reply {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The containers of a list the simulator sent: every item readable.
pub fn readable(list: ews_core::ContainerList) -> Vec<ews_core::Container> {
    assert!(
        list.skipped.is_empty(),
        "the simulator sent unreadable items: {:?}",
        list.skipped
    );
    list.containers
}
