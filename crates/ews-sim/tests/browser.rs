//! What a browser needs: CORS (preflight, allowed origins, the exposed
//! `Date` header) and the console served by `--static` with SPA fallback.

mod common;

use std::path::PathBuf;

use common::Sim;
use ews_core::Operation;

const PREFLIGHT: [(&str, &str); 3] = [
    ("Origin", "http://console.test"),
    ("Access-Control-Request-Method", "POST"),
    ("Access-Control-Request-Headers", "authorization"),
];

#[test]
fn preflight_is_answered_for_any_origin_by_default() {
    let sim = Sim::start(&[]);
    for path in [
        "/api/v1/container",
        "/api/v1/container/2529/start",
        "/api/v1/command/x",
    ] {
        let r = sim.send("OPTIONS", path, &PREFLIGHT, None);
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("GET, POST, DELETE")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("Authorization, Content-Type")
        );
        assert!(r.header("access-control-max-age").is_some());
        assert!(r.header("date").is_some());
    }
}

#[test]
fn responses_expose_the_date_header() {
    let sim = Sim::start(&[]);
    let (q, sig) = sim.signed_query();
    for (path, status) in [
        (format!("/api/v1/container?{q}"), 200),
        (format!("/api/v1/container/1?{q}"), 404),
        ("/api/v1/container".to_owned(), 400),
    ] {
        let r = sim.send(
            "GET",
            &path,
            &[("Origin", "http://console.test"), ("Authorization", &sig)],
            None,
        );
        assert_eq!(r.status, status);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(r.header("access-control-expose-headers"), Some("Date"));
    }
}

#[test]
fn only_listed_origins_when_configured() {
    let sim = Sim::start(&[
        "--cors-origin",
        "http://console.test",
        "--cors-origin",
        "http://other.test",
    ]);
    let r = sim.send("OPTIONS", "/api/v1/container", &PREFLIGHT, None);
    assert_eq!(r.status, 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://console.test")
    );
    assert_eq!(r.header("vary"), Some("Origin"));

    let evil = [
        ("Origin", "http://evil.test"),
        ("Access-Control-Request-Method", "GET"),
    ];
    let r = sim.send("OPTIONS", "/api/v1/container", &evil, None);
    r.assert_error(403, "1006");
    assert!(r.header("access-control-allow-origin").is_none());
    assert!(r.message().contains("--cors-origin"), "{}", r.message());

    let r = sim.call(&Operation::ListContainers);
    assert!(r.header("access-control-allow-origin").is_none());
    let (q, sig) = sim.signed_query();
    let r = sim.send(
        "GET",
        &format!("/api/v1/container?{q}"),
        &[("Origin", "http://other.test"), ("Authorization", &sig)],
        None,
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://other.test")
    );
}

#[test]
fn plain_options_lists_the_methods() {
    let sim = Sim::start(&[]);
    let r = sim.send("OPTIONS", "/api/v1/container", &[], None);
    assert_eq!(r.status, 204);
    assert!(r.header("allow").unwrap_or("").contains("DELETE"));
}

/// A temporary console build, removed on drop.
struct Dist(PathBuf);

impl Dist {
    fn new(name: &str) -> Dist {
        let dir = std::env::temp_dir().join(format!("ews-sim-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        let files: [(&str, &[u8]); 6] = [
            ("index.html", b"<!doctype html><title>console</title>"),
            ("pkg/app.js", b"export default 1;"),
            ("pkg/app_bg.wasm", b"\0asm\x01\0\0\0"),
            ("style.css", b"body{}"),
            ("icon.svg", b"<svg/>"),
            ("data.json", b"{}"),
        ];
        for (name, body) in files {
            std::fs::write(dir.join(name), body).unwrap();
        }
        Dist(dir)
    }
}

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn static_console_with_spa_fallback() {
    let dist = Dist::new("static");
    let dir = dist.0.to_string_lossy().into_owned();
    let sim = Sim::start(&["--static", &dir]);
    assert!(sim.banner.iter().any(|l| l.contains("console")));
    for (path, ct, body) in [
        ("/", "text/html", "<!doctype html>"),
        ("/index.html", "text/html", "<!doctype html>"),
        ("/pkg/app.js", "text/javascript", "export default"),
        ("/pkg/app_bg.wasm", "application/wasm", "\0asm"),
        ("/style.css", "text/css", "body"),
        ("/icon.svg", "image/svg+xml", "<svg"),
        ("/data.json", "application/json", "{}"),
        // SPA routes fall back to index.html.
        ("/containers", "text/html", "<!doctype html>"),
        ("/containers/2529", "text/html", "<!doctype html>"),
        ("/settings?tab=keys", "text/html", "<!doctype html>"),
    ] {
        let r = sim.send("GET", path, &[], None);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap_or("").starts_with(ct),
            "{path}: {:?}",
            r.header("content-type")
        );
        assert!(r.text().starts_with(body), "{path}");
        assert!(r.header("date").is_some());
    }
    // Missing assets are 404, not index.html; paths never leave the dir.
    for path in ["/pkg/missing.js", "/nope.wasm", "/%2e%2e/%2e%2e/etc/passwd"] {
        sim.send("GET", path, &[], None).assert_error(404, "1005");
    }
    let r = sim.raw_request("GET", b"/../../../etc/passwd", "");
    assert_ne!(r.status, 200);
    // HEAD: headers only.
    let r = sim.send("HEAD", "/pkg/app_bg.wasm", &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert!(r.body.is_empty());
    // The API and its errors are unaffected.
    assert_eq!(sim.call(&Operation::ListContainers).status, 200);
    sim.send("GET", "/api/v1/nothing", &[], None)
        .assert_error(404, "1008");
    sim.send("POST", "/containers", &[], None)
        .assert_error(404, "1008");
    sim.send("GET", "/__admin/faults", &[], None)
        .assert_error(404, "1008");
}
