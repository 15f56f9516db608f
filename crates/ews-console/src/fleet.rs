//! The fleet-wide view: the containers of every account in one list.
//!
//! Container ids are unique within an account only. In the fleet view each
//! container's id carries its account: the account's place in the list
//! (from 1) in the top [`TAG_BITS`] bits ([`tag`]). The list machinery
//! (rows, selection, commands running per container, the activity log) is
//! keyed by id and works unchanged; what shows an id shows the account's
//! name and the id the server gave ([`label`]), and the transport sends
//! each request to the account the id names ([`crate::api::Api::fleet`]).
//! Outside the fleet view ids carry no account (tag 0) and read as they are.
//!
//! [`merge`] puts the accounts' answers together: an account that does not
//! answer keeps the rows it last showed, and says why beside them; the
//! others are as fresh as ever.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use ews_core::json::ToJson;
use ews_core::{Container, ContainerId, ContainerList, Error, Skipped, Unreadable};

/// How many top bits of a fleet id name its account.
pub const TAG_BITS: u32 = 8;
const SHIFT: u32 = 64 - TAG_BITS;

/// The fleet id of container `id` of the account at `part` (from 0), or
/// `None` for an id too large to carry an account (2^56 and more) or an
/// account past the 255th.
pub fn tag(part: usize, id: ContainerId) -> Option<ContainerId> {
    let t = u64::try_from(part + 1)
        .ok()
        .filter(|t| *t < 1 << TAG_BITS)?;
    (id.0 >> SHIFT == 0).then_some(ContainerId(t << SHIFT | id.0))
}

/// The account (from 0; `None`: an id outside the fleet view) and the
/// server's id of a fleet id.
pub fn untag(id: ContainerId) -> (Option<usize>, ContainerId) {
    let t = (id.0 >> SHIFT) as usize;
    (t.checked_sub(1), ContainerId(id.0 & ((1 << SHIFT) - 1)))
}

/// The name of the account a fleet id names (`names`: the accounts, in
/// order); `None` for an id outside the fleet view, or a place `names`
/// does not have.
pub fn account(id: ContainerId, names: &[String]) -> Option<&str> {
    untag(id).0.and_then(|p| names.get(p)).map(String::as_str)
}

/// How an id reads to the user: `prod/12` in the fleet view (`names`: the
/// accounts, in order), `12` outside it.
pub fn label(id: ContainerId, names: &[String]) -> String {
    match untag(id) {
        (Some(_), real) => format!("{}/{real}", account(id, names).unwrap_or("?")),
        (None, real) => real.to_string(),
    }
}

/// `items` as a JSON array; in the fleet view (`names`: its accounts) each
/// object with `"account"` first and the server's id in place of its fleet
/// id (`id`: where an item keeps it) — the exports of the list and of the
/// activity log.
pub fn json_with_accounts<'a, T: ToJson + Clone + 'a>(
    items: impl IntoIterator<Item = &'a T>,
    names: &[String],
    id: impl Fn(&mut T) -> &mut ContainerId,
) -> String {
    let items: Vec<&T> = items.into_iter().collect();
    if names.is_empty() {
        return items.to_json();
    }
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut item = item.clone();
        let fleet_id = *id(&mut item);
        *id(&mut item) = untag(fleet_id).1;
        ews_core::json::Obj::new(&mut out)
            .str("account", account(fleet_id, names).unwrap_or_default());
        out.push(',');
        out.push_str(item.to_json().get(1..).unwrap_or_default());
    }
    out + "]"
}

/// What one account said at the last refresh of the fleet view.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The account's name.
    pub name: String,
    /// Why its containers are not fresh (they are the last it showed, if
    /// any).
    pub error: Option<Error>,
    /// Whether it can be reached from here (in direct mode, an account
    /// whose secret is in no memory cannot, until it is opened once).
    pub reached: bool,
}

/// The fleet's list from each account's answer (`answers[i]`: the account
/// `names[i]`; `None`: not asked, it has no transport here): every
/// container with a fleet id; an account that did not answer keeps the
/// containers of it in `before` (the list shown until now). Items of an
/// account that could not be read are said as `name: id`.
pub fn merge(
    names: &[String],
    answers: Vec<Option<Result<ContainerList, Error>>>,
    before: &[&Container],
) -> (ContainerList, Vec<Part>) {
    let mut list = ContainerList::default();
    let mut parts = Vec::with_capacity(names.len());
    for (i, (name, answer)) in names.iter().zip(answers).enumerate() {
        let reached = answer.is_some();
        let error = match answer {
            Some(Ok(l)) => {
                let from = list.skipped.len();
                for (j, mut c) in l.containers.into_iter().enumerate() {
                    match tag(i, c.id) {
                        Some(id) => {
                            c.id = id;
                            list.containers.push(c);
                        }
                        None => list.skipped.push(Skipped {
                            index: j,
                            id: Some(c.id.to_string()),
                            reason: Unreadable::BadId {
                                raw: c.id.to_string(),
                            },
                            raw: String::new(),
                        }),
                    }
                }
                list.skipped.extend(l.skipped);
                for k in list.skipped.iter_mut().skip(from) {
                    let id = k.id.take().map_or_else(String::new, |id| format!(" {id}"));
                    k.id = Some(format!("{name}:{id}"));
                }
                None
            }
            Some(Err(e)) => Some(e),
            None => None,
        };
        if error.is_some() || !reached {
            list.containers.extend(
                before
                    .iter()
                    .filter(|c| untag(c.id).0 == Some(i))
                    .map(|c| (*c).clone()),
            );
        }
        parts.push(Part {
            name: name.clone(),
            error,
            reached,
        });
    }
    (list, parts)
}

/// Runs `tasks` at once and gives their outputs in order (the fleet asks
/// every account together: one refresh takes the slowest's time, not the
/// sum).
pub async fn join<F: Future>(tasks: Vec<F>) -> Vec<F::Output> {
    let mut tasks: Vec<Pin<Box<F>>> = tasks.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = tasks.iter().map(|_| None).collect();
    std::future::poll_fn(move |cx| {
        let mut pending = false;
        for (task, out) in tasks.iter_mut().zip(done.iter_mut()) {
            if out.is_none() {
                match task.as_mut().poll(cx) {
                    Poll::Ready(v) => *out = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(done.iter_mut().filter_map(Option::take).collect())
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::ContainerStatus;

    fn c(id: u64) -> Container {
        Container::new(ContainerId(id), ContainerStatus::Running)
    }

    fn names() -> Vec<String> {
        vec!["prod".into(), "staging".into(), "eu".into()]
    }

    #[test]
    fn tags_round_trip_and_refuse_what_does_not_fit() {
        let id = tag(2, ContainerId(12)).unwrap();
        assert_eq!(untag(id), (Some(2), ContainerId(12)));
        assert_eq!(untag(ContainerId(12)), (None, ContainerId(12)));
        assert_eq!(tag(0, ContainerId(1 << 56)), None);
        assert_eq!(tag(255, ContainerId(1)), None);
        assert!(tag(254, ContainerId((1 << 56) - 1)).is_some());
        assert_ne!(tag(0, ContainerId(7)), tag(1, ContainerId(7)));
        assert_eq!(label(id, &names()), "eu/12");
        assert_eq!(label(ContainerId(12), &names()), "12");
        assert_eq!(label(tag(7, ContainerId(3)).unwrap(), &names()), "?/3");
    }

    #[test]
    fn an_account_down_keeps_its_last_rows_and_says_why() {
        let before: Vec<Container> = [(0, 1), (1, 1), (1, 2), (2, 5)]
            .iter()
            .map(|&(p, id)| {
                let mut x = c(id);
                x.id = tag(p, x.id).unwrap();
                x
            })
            .collect();
        let refs: Vec<&Container> = before.iter().collect();
        let down = Error::NoAnswer {
            endpoint: "https://staging".into(),
            timed_out: true,
            cause: "timeout".into(),
        };
        let bad = Skipped {
            index: 3,
            id: None,
            reason: Unreadable::NoId,
            raw: "{}".into(),
        };
        let answers = vec![
            Some(Ok(ContainerList {
                containers: vec![c(1), c(9), c(1 << 60)],
                skipped: vec![bad],
            })),
            Some(Err(down.clone())),
            None,
        ];
        let (list, parts) = merge(&names(), answers, &refs);
        let ids: Vec<(Option<usize>, u64)> = list
            .containers
            .iter()
            .map(|c| {
                let (p, id) = untag(c.id);
                (p, id.0)
            })
            .collect();
        assert_eq!(
            ids,
            [
                (Some(0), 1),
                (Some(0), 9),
                (Some(1), 1),
                (Some(1), 2),
                (Some(2), 5)
            ]
        );
        assert_eq!(parts[0].error, None);
        assert_eq!(parts[1].error, Some(down));
        assert!(parts[1].reached && !parts[2].reached);
        assert_eq!(parts[2].name, "eu");
        let skipped: Vec<Option<&str>> = list.skipped.iter().map(|k| k.id.as_deref()).collect();
        assert_eq!(skipped, [Some("prod: 1152921504606846976"), Some("prod:")]);
    }

    #[test]
    fn join_gives_outputs_in_order() {
        let out = block_on(join(vec![
            Box::pin(async { 1 }) as Pin<Box<dyn Future<Output = i32>>>,
            Box::pin(async { 2 }),
        ]));
        assert_eq!(out, [1, 2]);
    }

    /// Drives a future that never waits (no executor needed).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = Box::pin(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the futures wait"),
        }
    }
}
