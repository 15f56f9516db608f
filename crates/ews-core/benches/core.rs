//! Signing and decoding, natively: `cargo xtask bench core`
//! (= `cargo bench -p ews-core --bench core`). Plain timing loops, no
//! harness dependency: each figure is the median of several batches.

use std::hint::black_box;
use std::time::Instant;

use ews_core::{Credentials, Operation, SignMethod, decode, request, sign};

fn measure(name: &str, per_batch: u32, mut f: impl FnMut()) {
    let mut samples = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        samples.push(t.elapsed().as_nanos() as f64 / f64::from(per_batch));
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let (value, unit) = if median > 1e6 {
        (median / 1e6, "ms")
    } else if median > 1e3 {
        (median / 1e3, "µs")
    } else {
        (median, "ns")
    };
    println!("{name:<48} {value:>10.2} {unit}/op  (median of 15 × {per_batch})");
}

fn fleet_json(n: u64) -> String {
    let statuses = [
        "RUNNING",
        "STOPPED",
        "ALLOCATED",
        "STARTFAILED",
        "STOPPING",
        "LOGIN",
    ];
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":{},"nodeId":{},"status":"{}","createTime":"2016-01-28 14:22:35","startTime":"{}","stopTime":"","hostId":{},"cpu":{},"mem":{},"disk":10240,"health":"{}"}}"#,
                2000 + i,
                1400 + i % 37,
                statuses[(i % 6) as usize],
                if i % 2 == 0 { "2016-01-29 13:58:58" } else { "" },
                300 + i % 11,
                if i % 5 == 0 { -1 } else { (i % 8) as i64 },
                512 * (1 + i % 8),
                if i % 3 == 0 { "healthy" } else { "" },
            )
        })
        .collect();
    format!(
        r#"{{"code":"0","message":"success","data":[{}]}}"#,
        items.join(",")
    )
}

fn main() {
    let params = [
        ("accesskey", "t9xuit3pt202ou09"),
        ("timestamp", "1453960955000"),
    ];
    for m in SignMethod::ALL {
        measure(&format!("sign::signature ({m}, 2 params)"), 20_000, || {
            black_box(sign::signature(m, black_box("s3cr3t"), black_box(&params)));
        });
    }
    let creds = Credentials::new("t9xuit3pt202ou09", "s3cr3t", SignMethod::HmacMd5);
    measure("request::build (list, HMAC-MD5)", 20_000, || {
        black_box(request::build(
            &Operation::ListContainers,
            &creds,
            black_box(1_453_960_955_000),
        ));
    });
    let auth = sign::signature(SignMethod::HmacMd5, "s3cr3t", &params);
    measure("sign::verify (HMAC-MD5)", 20_000, || {
        let input = sign::VerifyInput {
            method: SignMethod::HmacMd5,
            secret: "s3cr3t",
            params: &params,
            authorization: Some(&auth),
            now_ms: 1_453_960_955_000,
            window_ms: sign::DEFAULT_WINDOW_MS,
        };
        black_box(sign::verify(black_box(&input))).ok();
    });
    let body = fleet_json(1_000);
    println!("(1,000-container list body: {} bytes)", body.len());
    measure("decode::container_list (1,000 containers)", 50, || {
        black_box(
            decode::container_list(200, black_box(body.as_bytes())).map(|l| l.containers.len()),
        )
        .ok();
    });
    let big = fleet_json(10_000);
    measure("decode::container_list (10,000 containers)", 5, || {
        black_box(
            decode::container_list(200, black_box(big.as_bytes())).map(|l| l.containers.len()),
        )
        .ok();
    });
}
