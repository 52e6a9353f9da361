//! The opt-in Noma dedupe key (SPEC §7): one key for the three attempts of
//! one event, although each attempt carries a new `delivery_id` and
//! `timestamp`.

use std::time::Duration;

use sha2::{Digest as _, Sha256};

use super::NomaEvent;
use crate::event::{Delivery, ReplayId};
use crate::json_field::{name_is, visit_members};

/// How long [`dedupe_key`] keeps a handled key: Noma retries three times,
/// 30 s apart (about 90 s in all), so three minutes covers every attempt
/// of one event and forgets it soon after.
pub const DEDUPE_RETENTION: Duration = Duration::from_secs(180);

/// The top-level members whose values change on every attempt.
const PER_ATTEMPT: [&[u8]; 2] = [b"delivery_id", b"timestamp"];

/// **Opt-in.** A replay key under which Noma's retries of one event are
/// one: the SHA-256 of the exact body with the values of its top-level
/// `delivery_id` and `timestamp` members cut out (each value's bytes from
/// its first to its last, in body order; nothing is re-serialized), kept
/// for [`DEDUPE_RETENTION`] (3 minutes). It replaces the default replay
/// shield ([`Event::replay_id`](crate::Event::replay_id): the exact body
/// for twice the tolerance), under which the handler runs once per
/// attempt that reaches it.
///
/// Give it to the replay guard in one line:
///
/// ```
/// use hookguard_core::noma::{self, NomaEvent};
/// use hookguard_core::receive::Deduplication;
/// use hookguard_core::replay::ReplayGuard;
///
/// let deduplication = Deduplication::<NomaEvent>::new(ReplayGuard::in_memory())
///     .with_key(noma::dedupe_key);
/// ```
///
/// (`hookguard::axum::Dedupe` and `hookguard::actix::Dedupe` take it the
/// same way: `Dedupe::<NomaEvent>::new(guard).with_key(noma::dedupe_key)`;
/// `hookguard listen --provider noma --dedupe memory --noma-dedupe`.)
///
/// Two genuine events whose bodies differ only in those two members get
/// the same key, and the second is answered `duplicate` without running:
/// that is why it is opt-in and forgets after 3 minutes. Do not use it
/// where such events are distinct and both matter:
/// - webhooks with the `payload` flag off: two `content.updated` of one
///   entry within 3 minutes carry the same ids and nothing else;
/// - auth events: a user who logs in twice within 3 minutes sends two
///   identical `auth.login.success` bodies.
///
/// A body that is not a JSON object (no authentic Noma event is) keeps the
/// replay shield.
#[must_use]
#[allow(clippy::unnecessary_wraps)] // the shape `with_key` takes
pub fn dedupe_key(delivery: &Delivery<NomaEvent>) -> Option<ReplayId> {
    Some(match key_without_attempt(&delivery.body) {
        Some(digest) => ReplayId::durable(digest).for_duration(DEDUPE_RETENTION),
        None => ReplayId::body_digest(&delivery.body).for_replay_window(),
    })
}

/// SHA-256 of `body` without the values of its top-level per-attempt
/// members; `None` when `body` is not a JSON object.
fn key_without_attempt(body: &[u8]) -> Option<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut kept_from = 0;
    let mut cut = |name: &[u8], value: std::ops::Range<usize>| {
        if PER_ATTEMPT.iter().any(|wanted| name_is(name, wanted)) {
            hasher.update(&body[kept_from..value.start]);
            kept_from = value.end;
        }
    };
    visit_members(body, &mut cut).ok()?;
    hasher.update(&body[kept_from..]);
    Some(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without(body: &str) -> Option<[u8; 32]> {
        key_without_attempt(body.as_bytes())
    }

    fn digest(text: &str) -> [u8; 32] {
        Sha256::digest(text.as_bytes()).into()
    }

    #[test]
    fn the_values_of_delivery_id_and_timestamp_are_cut_in_body_order() {
        let body = r#"{"event":"content.updated","timestamp":"2026-01-15T10:30:00+00:00","content_id":42, "delivery_id" : "d-1" }"#;
        assert_eq!(
            without(body),
            Some(digest(
                r#"{"event":"content.updated","timestamp":,"content_id":42, "delivery_id" :  }"#
            ))
        );
    }

    #[test]
    fn the_three_attempts_of_one_event_share_a_key_and_other_content_does_not() {
        let attempt = |time: &str, id: &str, title: &str| {
            without(&format!(
                r#"{{"event":"content.updated","content_entry":{{"fields":{{"title":"{title}"}}}},"timestamp":"{time}","delivery_id":"{id}"}}"#
            ))
        };
        let first = attempt("2026-01-15T10:30:00+00:00", "a", "Hello");
        assert_eq!(first, attempt("2026-01-15T10:30:30+00:00", "b", "Hello"));
        assert_eq!(
            first,
            attempt("2026-01-15T10:31:00+00:00", "c-longer", "Hello")
        );
        assert_ne!(first, attempt("2026-01-15T10:30:00+00:00", "a", "Hello!"));
    }

    #[test]
    fn a_nested_delivery_id_is_not_cut() {
        let nested =
            r#"{"content_entry":{"fields":{"delivery_id":"x","timestamp":"y"}},"delivery_id":"d"}"#;
        assert_eq!(
            without(nested),
            Some(digest(
                r#"{"content_entry":{"fields":{"delivery_id":"x","timestamp":"y"}},"delivery_id":}"#
            ))
        );
        let other =
            r#"{"content_entry":{"fields":{"delivery_id":"z","timestamp":"y"}},"delivery_id":"d"}"#;
        assert_ne!(without(nested), without(other));
    }

    #[test]
    fn duplicate_top_level_members_are_each_cut() {
        let body = r#"{"delivery_id":"a","x":1,"delivery_id":"b"}"#;
        assert_eq!(
            without(body),
            Some(digest(r#"{"delivery_id":,"x":1,"delivery_id":}"#))
        );
    }

    #[test]
    fn strings_with_escaped_quotes_are_cut_whole_and_others_are_kept() {
        let body =
            r#"{"title":"say \"delivery_id\":\"x\"","delivery_id":"a\"b\\","timestamp":"t"}"#;
        assert_eq!(
            without(body),
            Some(digest(
                r#"{"title":"say \"delivery_id\":\"x\"","delivery_id":,"timestamp":}"#
            ))
        );
    }

    #[test]
    fn escaped_spellings_of_the_per_attempt_names_are_cut_too() {
        let body =
            r#"{"delivery\u005fid":"a","x":1,"timest\u0061mp":"t","delivery\u005fidx":"kept"}"#;
        assert_eq!(
            without(body),
            Some(digest(
                r#"{"delivery\u005fid":,"x":1,"timest\u0061mp":,"delivery\u005fidx":"kept"}"#
            ))
        );
    }

    proptest::proptest! {
        #[test]
        fn attempts_differing_only_in_id_and_time_share_a_key_and_content_changes_it(
            first in proptest::collection::vec(("[a-z]{1,8}", "[ -~&&[^\"\\\\]]{0,24}"), 0..4),
            ids in proptest::array::uniform3("[ -~&&[^\"\\\\]]{0,40}"),
            times in proptest::array::uniform3("[0-9T:+-]{0,25}"),
            title in "[a-zA-Z ]{0,16}",
        ) {
            let attempt = |at: usize, title: &str| {
                let mut body = String::from("{");
                for (name, value) in &first {
                    body.push_str(&format!(r#""x{name}":"{value}","#));
                }
                body.push_str(&format!(
                    r#""timestamp":"{}","fields":{{"title":"{title}","delivery_id":"nested"}},"delivery_id":"{}"}}"#,
                    times[at], ids[at]
                ));
                without(&body)
            };
            let key = attempt(0, &title);
            proptest::prop_assert!(key.is_some());
            proptest::prop_assert_eq!(key, attempt(1, &title));
            proptest::prop_assert_eq!(key, attempt(2, &title));
            proptest::prop_assert_ne!(key, attempt(0, &format!("{title}!")));
        }
    }

    /// Member names, the first four of them per-attempt (two spelled with
    /// escapes); the others only look like them.
    const NAMES: [&str; 8] = [
        "delivery_id",
        r"delivery\u005fid",
        "timestamp",
        r"timest\u0061mp",
        "x",
        "delivery_idx",
        "Delivery_id",
        r"delivery\u015fid",
    ];
    /// Values, some of which hide per-attempt names inside.
    const VALUES: [&str; 7] = [
        r#""a""#,
        r#""b""#,
        "1",
        r#"{"delivery_id":"a"}"#,
        r#"{"delivery_id":"b"}"#,
        r#""\"delivery_id\":""#,
        "[]",
    ];
    const BLANKS: [&str; 3] = ["", " ", "\n "];

    type Members = Vec<(usize, usize, usize)>;

    fn render(members: &Members) -> String {
        let rendered: Vec<String> = members
            .iter()
            .map(|&(name, value, blank)| {
                let blank = BLANKS[blank];
                format!(
                    "{blank}\"{}\"{blank}:{blank}{}{blank}",
                    NAMES[name], VALUES[value]
                )
            })
            .collect();
        format!("{{{}}}", rendered.join(","))
    }

    /// What must decide the key: everything but the per-attempt values.
    fn masked(members: &Members) -> Vec<(usize, Option<usize>, usize)> {
        members
            .iter()
            .map(|&(name, value, blank)| (name, (name >= 4).then_some(value), blank))
            .collect()
    }

    fn members() -> impl proptest::strategy::Strategy<Value = Members> {
        proptest::collection::vec((0..NAMES.len(), 0..VALUES.len(), 0..BLANKS.len()), 0..4)
    }

    proptest::proptest! {
        /// Two bodies share a key exactly when they differ at most in the
        /// values of top-level per-attempt members (however their names
        /// are spelled): never because a cut took more, or less, than that.
        #[test]
        fn bodies_share_a_key_exactly_when_only_per_attempt_values_differ(
            first in members(),
            second in members(),
        ) {
            let (one, other) = (render(&first), render(&second));
            proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&one).is_ok(), "{}", one);
            proptest::prop_assert_eq!(
                without(&one) == without(&other),
                masked(&first) == masked(&second),
                "{} vs {}", one, other
            );
        }
    }

    #[test]
    fn a_body_that_is_not_a_json_object_has_no_cut_key() {
        for body in ["", "not json", "[1,2]", r#"{"delivery_id":"a""#, "\"x\""] {
            assert_eq!(without(body), None, "{body:?}");
        }
    }
}
