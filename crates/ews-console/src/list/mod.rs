//! The container list as data: what the user asked to see ([`ListQuery`],
//! kept in the URL), what the server has ([`Dataset`], refreshed by diff)
//! and what is shown ([`View`], filtered, sorted and grouped).
//!
//! A refresh that changes nothing produces no new [`Dataset`] (so nothing is
//! re-sorted or re-rendered); one that changes a few containers keeps every
//! other row as the same `Arc` with the same revision, so the table re-renders
//! only those rows.

mod dataset;
mod query;
mod view;

pub use dataset::{Dataset, Row};
pub use query::{
    Group, ListQuery, SortKey, StatusSet, UNKNOWN, status_index, status_key, status_keys,
};
pub use view::{Item, ItemKey, View, visible_range};

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::{Container, ContainerId, ContainerStatus};
    use std::sync::Arc;

    fn c(id: u64, status: &str, node: i64, host: i64, mem: i64) -> Container {
        let mut c = Container::new(ContainerId(id), ContainerStatus::parse(status));
        c.node_id = Some(node);
        c.host_id = Some(host);
        c.mem = Some(mem);
        c
    }

    fn ids(v: &View) -> Vec<u64> {
        v.rows.iter().map(|r| r.c.id.0).collect()
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let mut q = ListQuery::default();
        assert_eq!(q.to_query(), "");
        q.toggle_status("RUNNING");
        q.toggle_status("STOPPED");
        q.search = "node 1&x".into();
        q.sort_by(SortKey::Mem);
        q.sort_by(SortKey::Mem);
        q.group = Group::Host;
        let s = q.to_query();
        assert_eq!(
            s,
            "?status=RUNNING,STOPPED&q=node%201%26x&sort=mem&dir=desc&group=host"
        );
        assert_eq!(ListQuery::parse(&s), q);
    }

    #[test]
    fn bad_query_strings_are_ignored() {
        let q = ListQuery::parse("?status=BOGUS,running&sort=nope&dir=up&group=x&&=&junk");
        assert_eq!(q.statuses.keys().collect::<Vec<_>>(), ["RUNNING"]);
        assert_eq!(q.sort, SortKey::Id);
        assert!(!q.desc);
        assert_eq!(q.group, Group::None);
        // A broken escape makes the whole string unparseable: defaults.
        assert_eq!(
            ListQuery::parse("q=%zz&status=RUNNING"),
            ListQuery::default()
        );
    }

    #[test]
    fn status_sets() {
        let mut s = StatusSet::default();
        assert!(s.is_empty() && s.admits(&ContainerStatus::Running));
        s.toggle("RUNNING");
        s.insert("BOGUS");
        assert!(s.contains("RUNNING") && !s.contains("STOPPED") && !s.contains("BOGUS"));
        assert!(s.admits(&ContainerStatus::Running) && !s.admits(&ContainerStatus::Stopped));
        s.insert(UNKNOWN);
        assert!(s.admits(&ContainerStatus::parse("NEW_STATE")));
        assert_eq!(s.keys().collect::<Vec<_>>(), ["RUNNING", UNKNOWN]);
        s.toggle("RUNNING");
        assert_eq!(s.keys().collect::<Vec<_>>(), [UNKNOWN]);
        s.clear();
        assert!(s.is_empty());
    }

    #[test]
    fn twelve_status_keys() {
        let keys: Vec<&str> = status_keys().collect();
        assert_eq!(keys.len(), 12);
        assert_eq!(keys[3], "RUNNING");
        assert_eq!(keys[11], UNKNOWN);
        for (i, k) in keys.iter().enumerate().take(11) {
            assert_eq!(status_index(&ContainerStatus::parse(k)), i);
        }
    }

    #[test]
    fn filters_search_and_sorts() {
        let d = Dataset::new(vec![
            c(3, "RUNNING", 1, 10, 512),
            c(1, "STOPPED", 2, 10, 2048),
            c(2, "RUNNING", 2, 11, 1024),
            c(4, "WEIRD", 1, 12, 256),
        ]);
        let mut q = ListQuery::default();
        assert_eq!(ids(&d.view(&q)), [1, 2, 3, 4]);
        q.sort_by(SortKey::Mem);
        assert_eq!(ids(&d.view(&q)), [4, 3, 2, 1]);
        q.sort_by(SortKey::Mem);
        assert_eq!(ids(&d.view(&q)), [1, 2, 3, 4]);
        q.toggle_status("RUNNING");
        assert_eq!(ids(&d.view(&q)), [2, 3]);
        q.toggle_status(UNKNOWN);
        assert_eq!(ids(&d.view(&q)), [2, 3, 4]);
        q.search = "HOST 11".into();
        assert_eq!(ids(&d.view(&q)), [2]);
        q = ListQuery {
            search: "#1".into(),
            ..ListQuery::default()
        };
        assert_eq!(ids(&d.view(&q)), [1]);
        assert_eq!(d.counts()[3], 2);
        assert_eq!(d.counts()[8], 1);
        assert_eq!(d.counts()[11], 1);
    }

    #[test]
    fn groups_by_node_with_headings() {
        let d = Dataset::new(vec![
            c(3, "RUNNING", 1, 10, 1),
            c(1, "STOPPED", 2, 10, 1),
            c(2, "RUNNING", 2, 11, 1),
        ]);
        let q = ListQuery {
            group: Group::Node,
            ..ListQuery::default()
        };
        let v = d.view(&q);
        let keys: Vec<ItemKey> = v.items.iter().map(Item::key).collect();
        assert!(matches!(keys[0], ItemKey::Group(Group::Node, Some(1), 1)));
        assert!(matches!(keys[1], ItemKey::Row(ContainerId(3), _)));
        assert!(matches!(keys[2], ItemKey::Group(Group::Node, Some(2), 2)));
        assert_eq!(ids(&v), [3, 1, 2]);
        assert_eq!(v.row_pos, [1, 3, 4]);
        assert!(matches!(v.items[2], Item::Group { count: 2, .. }));
    }

    #[test]
    fn groups_by_account_in_the_fleet_view_only() {
        let mut a = c(5, "RUNNING", 1, 1, 1);
        a.id = crate::fleet::tag(1, a.id).unwrap();
        let mut b = c(5, "RUNNING", 1, 1, 1);
        b.id = crate::fleet::tag(0, b.id).unwrap();
        let q = ListQuery {
            group: Group::Account,
            ..ListQuery::default()
        };
        let fleet = Dataset::fleet(vec!["prod".into(), "eu".into()])
            .apply(vec![a, b])
            .unwrap();
        let keys: Vec<ItemKey> = fleet.view(&q).items.iter().map(Item::key).collect();
        assert!(matches!(
            keys[0],
            ItemKey::Group(Group::Account, Some(0), 1)
        ));
        assert!(matches!(
            keys[2],
            ItemKey::Group(Group::Account, Some(1), 1)
        ));
        let mut one_running = [0; 12];
        one_running[3] = 1;
        assert_eq!(fleet.counts_per_account(), [one_running, one_running]);
        assert_eq!(fleet.counts()[3], 2);
        assert!(
            fleet
                .view(&ListQuery {
                    search: "eu".into(),
                    ..q
                })
                .rows
                .len()
                == 1
        );
        // One account's list (a link from the fleet view kept the query).
        let one = Dataset::new(vec![c(1, "RUNNING", 1, 1, 1), c(2, "STOPPED", 1, 1, 1)]);
        assert_eq!(one.view(&q).items.len(), 2);
    }

    #[test]
    fn refresh_with_no_change_is_none_and_changes_keep_other_rows() {
        let d = Dataset::new(vec![c(1, "RUNNING", 1, 1, 1), c(2, "RUNNING", 1, 1, 1)]);
        // Same data, other order: nothing changed.
        assert!(
            d.apply(vec![c(2, "RUNNING", 1, 1, 1), c(1, "RUNNING", 1, 1, 1)])
                .is_none()
        );
        let d2 = d
            .apply(vec![c(1, "RUNNING", 1, 1, 1), c(2, "STOPPED", 1, 1, 1)])
            .unwrap();
        assert!(Arc::ptr_eq(
            d.get(ContainerId(1)).unwrap(),
            d2.get(ContainerId(1)).unwrap()
        ));
        assert_ne!(
            d.get(ContainerId(2)).unwrap().rev,
            d2.get(ContainerId(2)).unwrap().rev
        );
        // A removed container is a change.
        assert_eq!(d2.apply(vec![c(1, "RUNNING", 1, 1, 1)]).unwrap().len(), 1);
        // Duplicated ids: the first wins, no panic.
        assert_eq!(
            Dataset::new(vec![c(1, "RUNNING", 1, 1, 1), c(1, "STOPPED", 1, 1, 1)]).len(),
            1
        );
    }

    #[test]
    fn upsert_and_remove() {
        let d = Dataset::new(vec![c(1, "RUNNING", 1, 1, 1)]);
        assert!(d.upsert(c(1, "RUNNING", 1, 1, 1)).is_none());
        let d2 = d.upsert(c(1, "STOPPING", 1, 1, 1)).unwrap();
        assert_eq!(
            d2.get(ContainerId(1)).unwrap().c.status,
            ContainerStatus::Stopping
        );
        let d3 = d2.upsert(c(5, "RUNNING", 1, 1, 1)).unwrap();
        assert_eq!(d3.len(), 2);
        let d4 = d3.remove(ContainerId(1)).unwrap();
        assert_eq!(d4.len(), 1);
        assert!(d4.get(ContainerId(5)).is_some());
        assert!(d4.remove(ContainerId(1)).is_none());
    }

    #[test]
    fn ranges_between_positions() {
        let d = Dataset::new((1..=5).map(|i| c(i, "RUNNING", 1, 1, 1)).collect());
        let v = d.view(&ListQuery::default());
        assert_eq!(
            v.ids_between(3, 1),
            [ContainerId(2), ContainerId(3), ContainerId(4)]
        );
        assert_eq!(v.position(ContainerId(5)), Some(4));
    }

    #[test]
    fn visible_range_is_bounded() {
        assert_eq!(visible_range(0, 360, 36, 10_000, 5), (0, 17));
        assert_eq!(visible_range(36_000, 360, 36, 10_000, 5), (995, 1017));
        assert_eq!(visible_range(i32::MAX, 360, 36, 100, 5), (100, 100));
        assert_eq!(visible_range(-50, 360, 36, 100, 5), (0, 17));
        assert_eq!(visible_range(0, 360, 0, 100, 5), (0, 10));
        assert_eq!(visible_range(0, 360, 36, 0, 5), (0, 0));
    }
}
