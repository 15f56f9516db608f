//! The default data: a realistic fleet of containers, the same for a seed.
//!
//! Containers belong to nodes (a node is a deployment group with one
//! resource spec) and run on hosts. Every one of the 11 documented states
//! appears at least once when the fleet has 11 containers or more; the rest
//! are mostly `RUNNING` and `STOPPED`. Times lie in the past of `now_ms`
//! (server clock), so ages look natural whatever day the simulator starts.

use ews_core::{Container, ContainerId, ContainerStatus};

use crate::clock::api_time;
use crate::rng::Rng;

/// The first container id (close to the documentation's examples).
const FIRST_CONTAINER_ID: u64 = 2529;
/// The first node id.
const FIRST_NODE_ID: u64 = 1418;
/// The first host id.
const FIRST_HOST_ID: u64 = 301;

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// A node's resource spec: (cpu, mem MB, disk MB); cpu `-1` is shared.
const SPECS: [(u32, (i64, i64, i64)); 8] = [
    (6, (-1, 512, 10_240)),
    (6, (-1, 1024, 10_240)),
    (3, (0, 1024, 10_240)),
    (5, (1, 1024, 20_480)),
    (5, (2, 2048, 20_480)),
    (3, (2, 4096, 51_200)),
    (2, (4, 8192, 102_400)),
    (1, (8, 16_384, 204_800)),
];

/// How often each state appears beyond the one guaranteed instance.
const STATUS_WEIGHTS: [(u32, ContainerStatus); 11] = [
    (3, ContainerStatus::Allocating),
    (5, ContainerStatus::Allocated),
    (2, ContainerStatus::Starting),
    (60, ContainerStatus::Running),
    (1, ContainerStatus::Fail),
    (2, ContainerStatus::RunFailed),
    (3, ContainerStatus::StartFailed),
    (2, ContainerStatus::Stopping),
    (18, ContainerStatus::Stopped),
    (2, ContainerStatus::Login),
    (2, ContainerStatus::StopFailed),
];

/// The fleet for `seed`: `count` containers, with times before `now_ms`
/// (server clock, ms since the Unix epoch). Ids ascend.
pub fn generate(seed: u64, count: usize, now_ms: u64) -> Vec<Container> {
    let mut rng = Rng::derive(seed, 0xF1EE7);
    let node_count = (count / 6).max(3);
    let host_count = (count / 15).max(2);

    let mut node_id = FIRST_NODE_ID;
    let nodes: Vec<(u64, (i64, i64, i64))> = (0..node_count)
        .map(|_| {
            let id = node_id;
            node_id += 1 + rng.below(44);
            let spec = rng.weighted(&SPECS).copied().unwrap_or((-1, 1024, 10_240));
            (id, spec)
        })
        .collect();
    let hosts: Vec<u64> = (0..host_count as u64).map(|i| FIRST_HOST_ID + i).collect();

    let mut statuses: Vec<ContainerStatus> = ContainerStatus::DOCUMENTED
        .iter()
        .take(count)
        .cloned()
        .collect();
    while statuses.len() < count {
        let s = rng
            .weighted(&STATUS_WEIGHTS)
            .cloned()
            .unwrap_or(ContainerStatus::Running);
        statuses.push(s);
    }
    // Fisher–Yates, so the guaranteed states land anywhere in the list.
    for i in (1..statuses.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        statuses.swap(i, j);
    }

    let mut id = FIRST_CONTAINER_ID;
    statuses
        .into_iter()
        .map(|status| {
            let container_id = id;
            id += 1 + rng.below(48);
            let (node, spec) = rng
                .pick(&nodes)
                .copied()
                .unwrap_or((FIRST_NODE_ID, (-1, 1024, 10_240)));
            let host = rng.pick(&hosts).copied().unwrap_or(FIRST_HOST_ID);
            make(
                &mut rng,
                ContainerId(container_id),
                status,
                node,
                host,
                spec,
                now_ms,
            )
        })
        .collect()
}

/// The states stuck containers are put in, in turn.
const STUCK_STATES: [ContainerStatus; 3] = [
    ContainerStatus::Starting,
    ContainerStatus::Stopping,
    ContainerStatus::Allocating,
];

/// Puts `count` containers of `fleet` in a passing state long ago (STARTING,
/// STOPPING, ALLOCATING in turn): running ones first, by ascending id, so
/// every documented state still appears. An ALLOCATING one has no host yet
/// (`hostId` -1). Returns their ids.
pub fn make_stuck(
    fleet: &mut [Container],
    seed: u64,
    count: usize,
    now_ms: u64,
) -> Vec<ContainerId> {
    use ContainerStatus as S;
    let mut rng = Rng::derive(seed, 0x57_0C4);
    let mut order: Vec<usize> = (0..fleet.len()).collect();
    // Running ones first, then the rest that is not passing already.
    order.sort_by_key(|&i| (fleet[i].status != S::Running, i));
    order.retain(|&i| !fleet[i].status.is_transitional());
    let mut ids = Vec::with_capacity(count);
    for (n, &i) in order.iter().take(count).enumerate() {
        let c = &mut fleet[i];
        let state = STUCK_STATES[n % STUCK_STATES.len()].clone();
        let hours = |rng: &mut Rng, min: u64, max: u64| {
            now_ms.saturating_sub((min + rng.below(max - min)) * HOUR)
        };
        c.health.clear();
        match state {
            S::Allocating => {
                c.create_time = api_time(hours(&mut rng, 3, 30));
                c.start_time = ews_core::ApiTime::unset();
                c.stop_time = ews_core::ApiTime::unset();
                c.host_id = Some(-1);
            }
            S::Starting => {
                // Ran, was stopped, and a start has hung since.
                c.create_time = api_time(hours(&mut rng, 30 * 24, 90 * 24));
                c.start_time = api_time(hours(&mut rng, 7 * 24, 29 * 24));
                c.stop_time = api_time(hours(&mut rng, 2, 6));
            }
            _ => {
                // Running since long ago; a stop has hung since.
                c.create_time = api_time(hours(&mut rng, 30 * 24, 90 * 24));
                c.start_time = api_time(hours(&mut rng, 2 * 24, 29 * 24));
                c.stop_time = ews_core::ApiTime::unset();
            }
        }
        c.status = state;
        ids.push(c.id);
    }
    ids
}

fn make(
    rng: &mut Rng,
    id: ContainerId,
    status: ContainerStatus,
    node: u64,
    host: u64,
    (cpu, mem, disk): (i64, i64, i64),
    now_ms: u64,
) -> Container {
    use ContainerStatus as S;
    let ago = |rng: &mut Rng, min: u64, max: u64| now_ms.saturating_sub(min + rng.below(max - min));
    let created = if status == S::Allocating {
        ago(rng, MINUTE, 20 * MINUTE)
    } else {
        ago(rng, 2 * HOUR, 180 * DAY)
    };
    // Some instant between `from` and now, leaving room at the end.
    let after = |rng: &mut Rng, from: u64| {
        let span = now_ms.saturating_sub(from).max(2);
        from + 1 + rng.below(span - 1)
    };
    let mut c = Container::new(id, status.clone());
    c.node_id = Some(node as i64);
    c.host_id = Some(host as i64);
    c.cpu = Some(cpu);
    c.mem = Some(mem);
    c.disk = Some(disk);
    c.create_time = api_time(created);
    let never_started = match status {
        S::Allocating | S::Allocated => true,
        // Half of these have never run before.
        S::Starting | S::StartFailed | S::Fail => rng.chance(0.5),
        _ => false,
    };
    let started_once = !never_started;
    if started_once {
        let start = after(rng, created);
        c.start_time = api_time(start);
        match status {
            // Stopped after the last start; or stopped, then started again
            // (and starting or failing now).
            S::Stopped | S::Starting | S::StartFailed | S::Fail => {
                c.stop_time = api_time(after(rng, start))
            }
            // Some were stopped once before the current start.
            S::Running | S::Login | S::Stopping | S::RunFailed | S::StopFailed
                if rng.chance(0.3) =>
            {
                c.stop_time = api_time(created + (start - created) / 2);
            }
            _ => {}
        }
    }
    c.health = match status {
        S::Running | S::Login => rng
            .weighted(&[(70, "healthy"), (25, ""), (5, "unhealthy")])
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
        S::RunFailed => "unhealthy".to_owned(),
        _ => String::new(),
    };
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    #[test]
    fn same_seed_same_fleet() {
        assert_eq!(generate(1, 50, NOW), generate(1, 50, NOW));
        assert_ne!(generate(1, 50, NOW), generate(2, 50, NOW));
    }

    #[test]
    fn every_documented_state_appears() {
        for seed in 0..20 {
            let fleet = generate(seed, 11, NOW);
            for s in ContainerStatus::DOCUMENTED {
                assert!(
                    fleet.iter().any(|c| &c.status == s),
                    "seed {seed}: {s} missing"
                );
            }
        }
    }

    #[test]
    fn realistic_mix() {
        let fleet = generate(7, 200, NOW);
        assert_eq!(fleet.len(), 200);
        let ids: Vec<u64> = fleet.iter().map(|c| c.id.0).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids ascend and are unique"
        );
        assert!(fleet.iter().any(|c| c.cpu_shared()));
        assert!(fleet.iter().any(|c| c.cpu.unwrap_or(0) > 0));
        assert!(fleet.iter().any(|c| !c.start_time.is_set()));
        assert!(fleet.iter().any(|c| c.stop_time.is_set()));
        assert!(fleet.iter().any(|c| c.health == "healthy"));
        assert!(fleet.iter().any(|c| c.health.is_empty()));
        let nodes: std::collections::BTreeSet<_> = fleet.iter().filter_map(|c| c.node_id).collect();
        let hosts: std::collections::BTreeSet<_> = fleet.iter().filter_map(|c| c.host_id).collect();
        assert!(
            nodes.len() >= 10 && hosts.len() >= 5,
            "{} nodes, {} hosts",
            nodes.len(),
            hosts.len()
        );
        let running = fleet
            .iter()
            .filter(|c| c.status == ContainerStatus::Running)
            .count();
        assert!(running > 60, "mostly running: {running}");
    }

    #[test]
    fn times_are_consistent() {
        for c in generate(3, 500, NOW) {
            let create = c.create_time.unix_ms(480).unwrap_or(i64::MAX);
            assert!(create < NOW as i64, "created in the past");
            if let Some(start) = c.start_time.unix_ms(480) {
                assert!(start >= create, "{c:?}");
            }
            match c.status {
                ContainerStatus::Allocating | ContainerStatus::Allocated => {
                    assert!(!c.start_time.is_set())
                }
                ContainerStatus::Stopped => {
                    assert!(c.stop_time.unix_ms(480) >= c.start_time.unix_ms(480))
                }
                ContainerStatus::Running => assert!(c.start_time.is_set()),
                _ => {}
            }
        }
    }

    #[test]
    fn stuck_containers_keep_every_documented_state() {
        let mut fleet = generate(4, 40, NOW);
        let stuck = make_stuck(&mut fleet, 4, 4, NOW);
        assert_eq!(stuck.len(), 4);
        let states: Vec<_> = stuck
            .iter()
            .map(|id| fleet.iter().find(|c| c.id == *id).unwrap().status.clone())
            .collect();
        assert_eq!(
            states,
            [
                ContainerStatus::Starting,
                ContainerStatus::Stopping,
                ContainerStatus::Allocating,
                ContainerStatus::Starting
            ]
        );
        for s in ContainerStatus::DOCUMENTED {
            assert!(fleet.iter().any(|c| &c.status == s), "{s} missing");
        }
        let allocating = fleet.iter().find(|c| c.id == stuck[2]).unwrap();
        assert_eq!(allocating.host_id, Some(-1));
        assert!(allocating.create_time.unix_ms(480).unwrap() < (NOW - 2 * HOUR) as i64);
        // More than the fleet: every container that is not passing already.
        let mut small = generate(4, 5, NOW);
        assert!(make_stuck(&mut small, 4, 50, NOW).len() <= 5);
    }

    #[test]
    fn small_and_empty_fleets() {
        assert!(generate(1, 0, NOW).is_empty());
        assert_eq!(generate(1, 3, NOW).len(), 3);
    }
}
