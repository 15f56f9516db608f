//! The quirks mode (`--quirks P`): containers written the way an older,
//! bigger service plausibly writes them, so a client's tolerance can be
//! seen end to end.
//!
//! A seeded share of containers (the same ones on every answer, chosen by
//! id) is written with one oddity each: `hostId` -1 (not placed), a
//! fractional `cpu`, numbers as strings, an object for `health`, a time as
//! epoch milliseconds and a `null` time, an undocumented state and field, or
//! empty strings and `null`s. A list answer also carries two items that are
//! not containers at all: one without an `id`, one whose `id` is text. The
//! service's state is untouched: only how it is written changes.

use ews_core::Container;
use ews_core::json::{Arr, Obj, ToJson};

use crate::rng::Rng;

/// How many kinds of oddity there are.
const KINDS: u64 = 7;

/// The random stream that picks odd containers.
const QUIRK_STREAM: u64 = 0x0DD_0000;

/// The oddity container `id` is written with, if any.
fn kind_of(seed: u64, id: u64, share: f64) -> Option<u64> {
    if share <= 0.0 {
        return None;
    }
    let mut rng = Rng::derive(seed, QUIRK_STREAM ^ id);
    rng.chance(share).then(|| rng.below(KINDS))
}

/// A list answer's `data`: every container (a seeded share written oddly),
/// with two unreadable items among them when `share` is above 0.
pub fn list(containers: &[&Container], seed: u64, share: f64) -> String {
    let mut out = String::with_capacity(containers.len() * 240);
    let mut arr = Arr::new(&mut out);
    for (i, c) in containers.iter().enumerate() {
        if share > 0.0 && i == containers.len().min(2) {
            // An item without an id: nothing can act on it.
            let mut o = Obj::new(arr.item());
            o.opt_int("nodeId", c.node_id)
                .str("status", "RUNNING")
                .str("createTime", c.create_time.raw());
            o.end();
        }
        write(c, kind_of(seed, c.id.0, share), arr.item());
    }
    if share > 0.0 {
        if containers.len() < 2 {
            arr.item().push_str(r#"{"status":"RUNNING"}"#);
        }
        // An id that is text (another system's naming).
        arr.item()
            .push_str(r#"{"id":"c-7f3a9","status":"RUNNING","hostId":301}"#);
    }
    arr.end();
    out
}

/// A get answer's `data`: the container, written oddly if it is one of the
/// seeded share.
pub fn one(c: &Container, seed: u64, share: f64) -> String {
    let mut out = String::with_capacity(256);
    write(c, kind_of(seed, c.id.0, share), &mut out);
    out
}

fn write(c: &Container, kind: Option<u64>, out: &mut String) {
    let Some(kind) = kind else {
        c.write_json(out);
        return;
    };
    let num = |v: Option<i64>| v.map_or_else(|| "null".to_owned(), |n| n.to_string());
    let text = |v: Option<i64>| v.map_or_else(|| "null".to_owned(), |n| format!("\"{n}\""));
    let mut o = Obj::new(out);
    o.uint("id", c.id.0);
    match kind {
        2 => o.raw("nodeId", &text(c.node_id)),
        _ => o.opt_int("nodeId", c.node_id),
    };
    match kind {
        5 => o.str("status", "MIGRATING"),
        _ => o.str("status", c.status.as_str()),
    };
    match kind {
        4 => {
            let ms = c.create_time.unix_ms(480).unwrap_or(0);
            o.int("createTime", ms).raw("startTime", "null")
        }
        _ => o
            .str("createTime", c.create_time.raw())
            .str("startTime", c.start_time.raw()),
    };
    o.str("stopTime", c.stop_time.raw());
    match kind {
        0 => o.int("hostId", -1),
        6 => o.raw("hostId", "null"),
        _ => o.opt_int("hostId", c.host_id),
    };
    match kind {
        1 => o.raw("cpu", "0.5"),
        6 => o.str("cpu", ""),
        _ => o.opt_int("cpu", c.cpu),
    };
    match kind {
        2 => o.raw("mem", &text(c.mem)).raw("disk", &text(c.disk)),
        _ => o.raw("mem", &num(c.mem)).raw("disk", &num(c.disk)),
    };
    match kind {
        3 => {
            let status = if c.health.is_empty() {
                "unknown"
            } else {
                &c.health
            };
            let mut health = String::new();
            let mut h = Obj::new(&mut health);
            h.str("status", status).int("checks", 3);
            h.end();
            o.raw("health", &health)
        }
        6 => o.raw("health", "null"),
        _ => o.str("health", &c.health),
    };
    if kind == 5 {
        o.str("zone", "cn-east-2b");
    }
    o.end();
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::decode;
    use ews_core::{ContainerId, ContainerStatus};

    fn fleet() -> Vec<Container> {
        crate::fleet::generate(3, 60, 1_700_000_000_000)
    }

    fn envelope(data: &str) -> String {
        format!(r#"{{"code":"0","message":"success","data":{data}}}"#)
    }

    #[test]
    fn off_is_the_plain_answer() {
        let fleet = fleet();
        let refs: Vec<&Container> = fleet.iter().collect();
        assert_eq!(list(&refs, 3, 0.0), refs.to_json());
        assert_eq!(one(&fleet[0], 3, 0.0), fleet[0].to_json());
    }

    #[test]
    fn every_kind_is_written_and_read_back() {
        let mut c = Container::new(ContainerId(2600), ContainerStatus::Running);
        c.node_id = Some(1418);
        c.host_id = Some(301);
        c.cpu = Some(2);
        c.mem = Some(2048);
        c.disk = Some(20_480);
        c.health = "healthy".to_owned();
        c.create_time = ews_core::ApiTime::new("2016-01-28 14:22:35");
        for kind in 0..KINDS {
            let mut text = String::new();
            write(&c, Some(kind), &mut text);
            let body = envelope(&text);
            let read = decode::container(200, body.as_bytes())
                .unwrap_or_else(|e| panic!("kind {kind}: {e}: {text}"));
            assert_eq!(read.id, c.id, "kind {kind}");
            match kind {
                0 => assert_eq!(read.host_id, Some(-1)),
                1 => assert!(read.odd.iter().any(|f| f.field == "cpu" && f.raw == "0.5")),
                2 => assert_eq!((read.node_id, read.mem), (Some(1418), Some(2048))),
                3 => assert!(read.health.contains("checks"), "{}", read.health),
                4 => {
                    // Kept as sent (the UI shows what it cannot read).
                    assert!(read.create_time.raw().bytes().all(|b| b.is_ascii_digit()));
                    assert!(read.create_time.parsed().is_none() && !read.start_time.is_set());
                }
                5 => assert_eq!(read.status.as_str(), "MIGRATING"),
                _ => assert_eq!((read.host_id, read.cpu), (None, None)),
            }
        }
    }

    #[test]
    fn a_share_of_rows_and_two_unreadable_items() {
        let fleet = fleet();
        let refs: Vec<&Container> = fleet.iter().collect();
        let body = envelope(&list(&refs, 3, 0.3));
        assert_eq!(body, envelope(&list(&refs, 3, 0.3)), "seeded");
        let read = decode::container_list(200, body.as_bytes()).unwrap();
        assert_eq!(
            read.containers.len(),
            fleet.len(),
            "every container comes through"
        );
        assert_eq!(read.skipped.len(), 2);
        assert_eq!(read.skipped[0].index, 2);
        let odd = fleet
            .iter()
            .filter(|c| kind_of(3, c.id.0, 0.3).is_some())
            .count();
        assert!((5..=35).contains(&odd), "{odd} of 60");
        // A get writes the same container the same way.
        let oddest = fleet
            .iter()
            .find(|c| kind_of(3, c.id.0, 0.3) == Some(1))
            .unwrap();
        assert!(one(oddest, 3, 0.3).contains(r#""cpu":0.5"#));
    }
}
