//! Typed events: every fixture under `tests/fixtures/` (bodies as the
//! providers send them) verified and parsed into the right variant with the
//! right values; unknown topics, broken bodies, the generic event of the
//! public schemes, serialization, and the dispatcher.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use hookguard_core::generic::{
    GitHubEvent, LinearEvent, PaddleEvent, ShopifyEvent, SlackEvent, StandardWebhooksEvent,
    StripeEvent,
};
use hookguard_core::noma::{NomaEvent, NomaTopic};
use hookguard_core::nomos::{NomosEvent, NomosTopic};
use hookguard_core::scheme::{GitHub, Linear, Shopify, Slack};
use hookguard_core::{
    Delivery, DispatchError, Dispatcher, Event, FixedClock, Hold, ReplayId, Signer, Verifier,
};
use proptest::prelude::*;

/// 2026-01-15T10:30:00Z, the send time of every fixture.
const SENT: u64 = 1_768_473_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn fixture(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Signs `body` as the provider would and receives it as event `E`.
fn receive<E: Event>(body: &[u8]) -> Result<Delivery<E>, hookguard_core::Error>
where
    E::Scheme: Default,
{
    let headers = Signer::<E::Scheme>::new(SECRET)
        .unwrap()
        .sign(SENT, "msg_fixture", body)
        .unwrap();
    Verifier::<E::Scheme>::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(SENT))
        .receive::<E>(&headers, body.to_vec())
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn nomos_subscription_fixtures() {
    let delivery = receive::<NomosEvent>(&fixture("nomos/subscription.created.json")).unwrap();
    assert_eq!(delivery.id(), Some("evt_01JH2ZK3Q8"));
    assert_eq!(delivery.body, fixture("nomos/subscription.created.json"));
    let NomosEvent::SubscriptionCreated(created) = delivery.event else {
        panic!("{:?}", delivery.event)
    };
    assert_eq!(created.id, "evt_01JH2ZK3Q8");
    assert_eq!(created.timestamp, at("2026-01-15T10:30:00.123Z"));
    assert_eq!(created.context.subscription, "sub_7Hq2");
    assert_eq!(created.context.lead.as_deref(), Some("lead_91Xa"));

    for (name, topic) in [
        ("confirmed", NomosTopic::SubscriptionConfirmed),
        ("activated", NomosTopic::SubscriptionActivated),
        ("terminated", NomosTopic::SubscriptionTerminated),
        ("ended", NomosTopic::SubscriptionEnded),
    ] {
        let event = receive::<NomosEvent>(&fixture(&format!("nomos/subscription.{name}.json")))
            .unwrap()
            .event;
        assert_eq!(event.topic(), topic, "{name}");
        assert_eq!(
            event.topic_name(),
            Some(format!("subscription.{name}").as_str())
        );
        let (NomosEvent::SubscriptionConfirmed(inner)
        | NomosEvent::SubscriptionActivated(inner)
        | NomosEvent::SubscriptionTerminated(inner)
        | NomosEvent::SubscriptionEnded(inner)) = event
        else {
            panic!("{name}: {event:?}")
        };
        assert_eq!(inner.id, format!("evt_{name}"));
        assert_eq!(inner.timestamp, at("2026-01-15T10:30:00Z"));
        assert_eq!(inner.context.subscription, "sub_7Hq2");
        assert_eq!(inner.context.lead, None);
    }
}

#[test]
fn nomos_test_event_in_both_shapes() {
    let full = receive::<NomosEvent>(&fixture("nomos/test.event.json")).unwrap();
    let NomosEvent::TestEvent(event) = &full.event else {
        panic!("{:?}", full.event)
    };
    assert_eq!(event.id.as_deref(), Some("evt_test_1"));
    assert_eq!(
        event.timestamp,
        Some(at("2026-01-15T09:30:00Z")),
        "offset +01:00"
    );
    assert_eq!(full.id(), Some("evt_test_1"));

    let bare = receive::<NomosEvent>(&fixture("nomos/test.event.bare.json")).unwrap();
    let NomosEvent::TestEvent(event) = &bare.event else {
        panic!("{:?}", bare.event)
    };
    assert_eq!((event.id.as_deref(), event.timestamp), (None, None));
    assert_eq!(bare.id(), None);
}

#[test]
fn noma_content_fixtures() {
    for (name, topic) in [
        ("created", NomaTopic::ContentCreated),
        ("updated", NomaTopic::ContentUpdated),
        ("published", NomaTopic::ContentPublished),
        ("unpublished", NomaTopic::ContentUnpublished),
        ("trashed", NomaTopic::ContentTrashed),
        ("restored", NomaTopic::ContentRestored),
    ] {
        let body = fixture(&format!("noma/content.{name}.json"));
        let delivery = receive::<NomaEvent>(&body).unwrap();
        assert_eq!(
            delivery.body, body,
            "{name}: raw bytes kept, PHP escapes included"
        );
        assert_eq!(delivery.id(), None, "Noma has no stable id");
        assert_eq!(
            delivery.replay_id(),
            Some(ReplayId::body_digest(&body).for_replay_window()),
            "{name}: the replay shield is the exact body's digest"
        );
        assert_eq!(delivery.replay_id().unwrap().hold(), Hold::ReplayWindow);
        assert_eq!(delivery.event.topic(), topic, "{name}");
        let (NomaEvent::ContentCreated(event)
        | NomaEvent::ContentUpdated(event)
        | NomaEvent::ContentPublished(event)
        | NomaEvent::ContentUnpublished(event)
        | NomaEvent::ContentTrashed(event)
        | NomaEvent::ContentRestored(event)) = delivery.event
        else {
            panic!("{name}: {:?}", delivery.event)
        };
        assert_eq!(event.project_uuid, "9b2f6c1e-4d2a-4c3b-9a55-0f1e2d3c4b5a");
        assert_eq!((event.collection_id, event.content_id), (12, 345));
        assert_eq!(event.timestamp, at("2026-01-15T10:30:00Z"));
        assert_eq!(event.delivery_id, format!("dlv_{name}_1"));
        let entry = event.content_entry.unwrap();
        assert_eq!(entry.uuid, "c0ffee00-1111-2222-3333-444455556666");
        assert_eq!(entry.locale, "de");
        let published = (name == "published").then(|| at("2026-01-15T10:29:58Z"));
        assert_eq!(entry.published_at, published, "{name}");
        assert_eq!(
            entry.fields["title"], "Müller / Sohn",
            "PHP's \\u00fc and \\/ decoded"
        );
        assert_eq!(entry.fields["url"], "https://example.com/a");
        assert_eq!(entry.fields["tags"], serde_json::json!(["x", "y"]));
        assert_eq!(entry.created_at, Some(at("2026-01-10T08:00:00Z")));
        assert_eq!(entry.updated_at, Some(at("2026-01-15T10:29:59Z")));
    }
}

#[test]
fn noma_deleted_and_empty_fields() {
    let deleted = receive::<NomaEvent>(&fixture("noma/content.deleted.json"))
        .unwrap()
        .event;
    let NomaEvent::ContentDeleted(event) = deleted else {
        panic!("{deleted:?}")
    };
    assert_eq!(event.content_entry, None);
    assert_eq!(event.delivery_id, "dlv_deleted_1");

    let updated = receive::<NomaEvent>(&fixture("noma/content.updated.empty-fields.json"))
        .unwrap()
        .event;
    let NomaEvent::ContentUpdated(event) = updated else {
        panic!("{updated:?}")
    };
    let entry = event.content_entry.unwrap();
    assert!(entry.fields.is_empty(), "PHP's [] is an empty map");
    assert_eq!(
        (entry.published_at, entry.created_at, entry.updated_at),
        (None, None, None)
    );

    let php_empty_entry = br#"{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":2,"content_entry":[],"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
    let NomaEvent::ContentUpdated(event) = receive::<NomaEvent>(php_empty_entry).unwrap().event
    else {
        panic!()
    };
    assert_eq!(event.content_entry, None, "PHP's [] for an absent entry");
}

#[test]
fn noma_auth_fixtures() {
    for (name, topic) in [
        ("signup.success", NomaTopic::AuthSignupSuccess),
        ("login.success", NomaTopic::AuthLoginSuccess),
        ("logout.success", NomaTopic::AuthLogoutSuccess),
        ("logout_all.success", NomaTopic::AuthLogoutAllSuccess),
        (
            "email_verification.verified",
            NomaTopic::AuthEmailVerificationVerified,
        ),
    ] {
        let event = receive::<NomaEvent>(&fixture(&format!("noma/auth.{name}.json")))
            .unwrap()
            .event;
        assert_eq!(event.topic(), topic, "{name}");
        let (NomaEvent::AuthSignupSuccess(auth)
        | NomaEvent::AuthLoginSuccess(auth)
        | NomaEvent::AuthLogoutSuccess(auth)
        | NomaEvent::AuthLogoutAllSuccess(auth)
        | NomaEvent::AuthEmailVerificationVerified(auth)) = event
        else {
            panic!("{name}: {event:?}")
        };
        assert_eq!(auth.source, "api");
        assert_eq!(auth.auth_user_uuid.as_deref(), Some("u-1234"));
        assert_eq!(auth.auth_user_email.as_deref(), Some("jürgen@example.com"));
        assert_eq!(auth.delivery_id, format!("dlv_auth_{name}"));
    }
    let anonymous = receive::<NomaEvent>(&fixture("noma/auth.logout_all.success.no-user.json"))
        .unwrap()
        .event;
    let NomaEvent::AuthLogoutAllSuccess(auth) = anonymous else {
        panic!("{anonymous:?}")
    };
    assert_eq!((auth.auth_user_uuid, auth.auth_user_email), (None, None));
}

#[test]
fn unknown_topics_are_events_that_keep_the_whole_body() {
    let body = br#"{"id":"evt_9","timestamp":"2026-01-15T10:30:00Z","topic":"tariff.changed","context":{"tariff":"t1"},"new":true}"#;
    let delivery = receive::<NomosEvent>(body).unwrap();
    assert_eq!(delivery.id(), Some("evt_9"));
    let NomosEvent::Unknown { topic, raw } = &delivery.event else {
        panic!("{:?}", delivery.event)
    };
    assert_eq!(topic, "tariff.changed");
    assert_eq!(
        raw,
        &serde_json::from_slice::<serde_json::Value>(body).unwrap()
    );
    assert_eq!(
        delivery.event.topic(),
        NomosTopic::Other("tariff.changed".into())
    );

    let body = br#"{"event":"media.uploaded","project_uuid":"p","timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
    let event = receive::<NomaEvent>(body).unwrap().event;
    assert_eq!(event.topic_name(), Some("media.uploaded"));
    assert!(matches!(event, NomaEvent::Unknown { .. }), "{event:?}");
}

#[test]
fn the_topic_member_is_read_however_it_is_written() {
    // An escaped topic still chooses its variant.
    let escaped = br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription\u002eended","context":{"subscription":"s"}}"#;
    assert!(matches!(
        receive::<NomosEvent>(escaped).unwrap().event,
        NomosEvent::SubscriptionEnded(_)
    ));
    for (body, reason) in [
        (
            &br#"{"topic":"test.event","topic":"subscription.ended"}"#[..],
            "body is not an object with a string `topic`",
        ),
        (
            br#"{"topic":7}"#,
            "body is not an object with a string `topic`",
        ),
        (
            br#"{"topic":null}"#,
            "body is not an object with a string `topic`",
        ),
        (
            br#"{"topic":"test.event" "id":"x"}"#,
            "body is not valid JSON",
        ),
    ] {
        assert_eq!(
            receive::<NomosEvent>(body).unwrap_err(),
            hookguard_core::Error::InvalidPayload { reason },
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn extra_fields_are_ignored() {
    let body = br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"s","region":"eu"},"version":3}"#;
    let event = receive::<NomosEvent>(body).unwrap().event;
    assert!(
        matches!(event, NomosEvent::SubscriptionEnded(ref e) if e.context.subscription == "s"),
        "{event:?}"
    );
}

#[test]
fn broken_bodies_are_invalid_payload() {
    let cases: [(&[u8], &str); 7] = [
        (br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{}}"#, "a field is missing or has the wrong type for the topic"),
        (br#"{"timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"s"}}"#, "a field is missing or has the wrong type for the topic"),
        (br#"{"id":7,"timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"s"}}"#, "a field is missing or has the wrong type for the topic"),
        (br#"{"id":"e","timestamp":"last tuesday","topic":"subscription.ended","context":{"subscription":"s"}}"#, "a field is missing or has the wrong type for the topic"),
        (br#"{"id":"evt_1","context":{}}"#, "body is not an object with a string `topic`"),
        (br#"["topic"]"#, "body is not an object with a string `topic`"),
        (b"{\"topic\":\"test.event\",\"x\":\"\xff\"}", "body is not UTF-8"),
    ];
    for (body, reason) in cases {
        assert_eq!(
            receive::<NomosEvent>(body).unwrap_err(),
            hookguard_core::Error::InvalidPayload { reason },
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let wrong_type = br#"{"event":"content.created","project_uuid":"p","collection_id":"12","content_id":1,"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
    assert_eq!(
        receive::<NomaEvent>(wrong_type).unwrap_err().code(),
        "invalid_payload"
    );
    let fields_list = br#"{"event":"content.created","project_uuid":"p","collection_id":1,"content_id":1,"content_entry":{"uuid":"u","locale":"en","published_at":null,"fields":["a"]},"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
    assert_eq!(
        receive::<NomaEvent>(fields_list).unwrap_err().code(),
        "invalid_payload"
    );
    let no_source = br#"{"event":"auth.login.success","project_uuid":"p","timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
    assert_eq!(
        receive::<NomaEvent>(no_source).unwrap_err().code(),
        "invalid_payload"
    );
}

#[test]
fn generic_events_take_topic_and_id_where_each_scheme_puts_them() {
    let body = br#"{"type":"invoice.paid","id":"evt_body","data":{}}"#;

    let standard = receive::<StandardWebhooksEvent>(body).unwrap();
    assert_eq!(standard.event.topic.as_deref(), Some("invoice.paid"));
    assert_eq!(standard.id(), Some("msg_fixture"), "webhook-id");

    let stripe = receive::<StripeEvent>(body).unwrap();
    assert_eq!(stripe.event.topic.as_deref(), Some("invoice.paid"));
    assert_eq!(stripe.id(), Some("evt_body"), "the body's id");

    let mut headers = Signer::<GitHub>::new(SECRET)
        .unwrap()
        .sign(0, "gh-guid-1", body)
        .unwrap();
    headers.insert("x-github-event", "push".parse().unwrap());
    let github = Verifier::<GitHub>::new([SECRET])
        .unwrap()
        .receive::<GitHubEvent>(&headers, body.to_vec())
        .unwrap();
    assert_eq!(
        github.event.topic.as_deref(),
        Some("push"),
        "X-GitHub-Event"
    );
    assert_eq!(github.id(), Some("gh-guid-1"), "X-GitHub-Delivery");
    assert_eq!(github.event.payload["id"], "evt_body");

    // Replay keys come only from signed bytes (SPEC §7).
    let digest = |bytes: &[u8]| ReplayId::body_digest(bytes);
    assert_eq!(standard.replay_id(), Some(ReplayId::durable("msg_fixture")));
    assert_eq!(stripe.replay_id(), Some(ReplayId::durable("evt_body")));
    assert_eq!(
        github.replay_id(),
        Some(digest(body)),
        "not the unsigned X-GitHub-Delivery"
    );
    let mut resent = headers.clone();
    resent.insert("x-github-delivery", "forged-new-guid".parse().unwrap());
    let resent = Verifier::<GitHub>::new([SECRET])
        .unwrap()
        .receive::<GitHubEvent>(&resent, body.to_vec())
        .unwrap();
    assert_eq!(resent.id(), Some("forged-new-guid"), "reported as sent");
    assert_eq!(
        resent.replay_id(),
        github.replay_id(),
        "a new delivery id does not make a new replay key"
    );

    let scalar = receive::<StripeEvent>(b"42").unwrap().event;
    assert_eq!(
        (scalar.topic, scalar.id, scalar.payload),
        (None, None, serde_json::json!(42))
    );
    assert_eq!(
        receive::<StandardWebhooksEvent>(b"not json")
            .unwrap_err()
            .code(),
        "invalid_payload"
    );
}

/// The published Slack slash command (SPEC §10), received whole.
#[test]
fn slack_form_bodies_are_events_keyed_by_their_digest() {
    let vector: serde_json::Value = serde_json::from_slice(
        &std::fs::read(format!(
            "{}/tests/data/slack-docs.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let body = vector["body"].as_str().unwrap().as_bytes().to_vec();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "x-slack-signature",
        vector["signature"].as_str().unwrap().parse().unwrap(),
    );
    headers.insert("x-slack-request-timestamp", "1531420618".parse().unwrap());
    let delivery = Verifier::<Slack>::new([vector["secret"].as_str().unwrap()])
        .unwrap()
        .with_clock(FixedClock(1_531_420_618))
        .receive::<SlackEvent>(&headers, body.clone())
        .unwrap();
    assert_eq!(
        delivery.event.topic.as_deref(),
        Some("/webhook-collect"),
        "`command`"
    );
    assert_eq!(delivery.id(), None);
    assert_eq!(delivery.event.payload["text"], "");
    assert_eq!(
        delivery.event.payload["response_url"],
        "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
    );
    assert_eq!(delivery.event.payload.as_object().unwrap().len(), 11);
    assert_eq!(delivery.replay_id(), Some(ReplayId::body_digest(&body)));
}

#[test]
fn slack_topics_ids_and_keys() {
    let callback =
        br#"{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","text":"hi"}}"#;
    let delivery = receive::<SlackEvent>(callback).unwrap();
    assert_eq!(
        delivery.event.topic.as_deref(),
        Some("app_mention"),
        "`event.type` first"
    );
    assert_eq!(delivery.id(), Some("Ev1"));
    assert_eq!(
        delivery.replay_id(),
        Some(ReplayId::durable("Ev1")),
        "the signed `event_id`"
    );
    assert_eq!(delivery.event.challenge(), None);

    let interactive =
        b"payload=%7B%22type%22%3A%22block_actions%22%2C%22trigger_id%22%3A%22t1%22%7D";
    let delivery = receive::<SlackEvent>(interactive).unwrap();
    assert_eq!(
        delivery.event.topic.as_deref(),
        Some("block_actions"),
        "the `payload` field's `type`"
    );
    assert_eq!(
        delivery.event.payload,
        serde_json::json!({"type": "block_actions", "trigger_id": "t1"})
    );
    assert_eq!(
        delivery.replay_id(),
        Some(ReplayId::body_digest(interactive))
    );

    let bare = receive::<SlackEvent>(br#"{"token":"t"}"#).unwrap();
    assert_eq!((bare.event.topic.as_deref(), bare.id()), (None, None));
    assert_eq!(
        receive::<SlackEvent>(b"{broken").unwrap_err().code(),
        "invalid_payload"
    );
}

#[test]
fn a_captured_slack_json_delivery_relabelled_as_a_form_is_still_json() {
    // `Content-Type` is unsigned: the signed bytes alone choose the parse,
    // so the topic and the replay key cannot be changed by relabelling.
    let body = br#"{"type":"event_callback","event_id":"Ev1","event":{"type":"message"}}"#;
    let mut headers = Signer::<Slack>::new(SECRET)
        .unwrap()
        .sign(SENT, "", body)
        .unwrap();
    headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let delivery = Verifier::<Slack>::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(SENT))
        .receive::<SlackEvent>(&headers, body.to_vec())
        .unwrap();
    assert_eq!(delivery.event.topic.as_deref(), Some("message"));
    assert_eq!(delivery.replay_id(), Some(ReplayId::durable("Ev1")));
}

#[test]
fn slack_url_verification_is_answered_by_the_pipeline_never_the_handler() {
    let body = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let headers = Signer::<Slack>::new(SECRET)
        .unwrap()
        .sign(SENT, "", body)
        .unwrap();
    let verifier = Verifier::<Slack>::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(SENT));
    let delivery = verifier
        .receive::<SlackEvent>(&headers, body.to_vec())
        .unwrap();
    assert_eq!(delivery.event.topic.as_deref(), Some("url_verification"));
    let answer = hookguard_core::receive::accept::<SlackEvent>(&verifier, &headers, body.to_vec())
        .unwrap_err();
    assert_eq!(answer.http_status(), 200);
    assert_eq!(
        answer.response_body(),
        r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#
    );

    // The challenge is the sender's text: escaped, never spliced in raw.
    let quoted = br#"{"type":"url_verification","challenge":"a\"},\"x\":\"<"}"#;
    let headers = Signer::<Slack>::new(SECRET)
        .unwrap()
        .sign(SENT, "", quoted)
        .unwrap();
    let answer =
        hookguard_core::receive::accept::<SlackEvent>(&verifier, &headers, quoted.to_vec())
            .unwrap_err();
    assert_eq!(answer.response_body(), r#"{"challenge":"a\"},\"x\":\"<"}"#);

    // Unsigned or stale handshakes are refused like any delivery.
    assert_eq!(
        hookguard_core::receive::accept::<SlackEvent>(
            &verifier,
            &http::HeaderMap::new(),
            body.to_vec()
        )
        .unwrap_err()
        .code(),
        "missing_header"
    );
    let stale = Signer::<Slack>::new(SECRET)
        .unwrap()
        .sign(SENT - 301, "", body)
        .unwrap();
    assert_eq!(
        hookguard_core::receive::accept::<SlackEvent>(&verifier, &stale, body.to_vec())
            .unwrap_err()
            .code(),
        "timestamp_too_old"
    );
    // A handshake without a string challenge is not a valid event.
    for broken in [
        &br#"{"type":"url_verification"}"#[..],
        br#"{"type":"url_verification","challenge":7}"#,
    ] {
        assert_eq!(
            receive::<SlackEvent>(broken).unwrap_err().code(),
            "invalid_payload"
        );
    }
    // Only the top-level `type` is a handshake.
    let nested = receive::<SlackEvent>(
        br#"{"type":"event_callback","event":{"type":"url_verification"},"challenge":"x"}"#,
    )
    .unwrap();
    assert_eq!(nested.event.challenge(), None);
}

#[test]
fn shopify_topic_and_id_are_unsigned_headers_and_the_key_binds_the_topic() {
    let body = br#"{"id":820982911946154508,"financial_status":"paid"}"#;
    let deliver = |topic: Option<&str>, webhook_id: &str| {
        let mut headers = Signer::<Shopify>::new(SECRET)
            .unwrap()
            .sign(0, webhook_id, body)
            .unwrap();
        if let Some(topic) = topic {
            headers.insert("x-shopify-topic", topic.parse().unwrap());
        }
        Verifier::<Shopify>::new([SECRET])
            .unwrap()
            .receive::<ShopifyEvent>(&headers, body.to_vec())
            .unwrap()
    };
    let paid = deliver(Some("orders/paid"), "wh-1");
    assert_eq!(paid.event.topic.as_deref(), Some("orders/paid"));
    assert_eq!(paid.id(), Some("wh-1"));
    let key = |topic: &str| {
        let mut message = topic.as_bytes().to_vec();
        message.push(0);
        message.extend_from_slice(body);
        Some(ReplayId::body_digest(&message))
    };
    assert_eq!(
        paid.replay_id(),
        key("orders/paid"),
        "SHA-256 of topic, 0x00, body"
    );
    assert_eq!(
        deliver(Some("orders/paid"), "forged-new-id").replay_id(),
        paid.replay_id(),
        "a new webhook id does not make a new replay key"
    );
    let updated = deliver(Some("orders/updated"), "wh-2");
    assert_ne!(
        updated.replay_id(),
        paid.replay_id(),
        "two genuine topics, one body: two events"
    );
    assert_eq!(deliver(None, "wh-3").replay_id(), key(""));
}

#[test]
fn paddle_topic_id_and_key_come_from_the_signed_body() {
    let delivery = receive::<PaddleEvent>(
        br#"{"event_id":"evt_01h","event_type":"transaction.completed","data":{}}"#,
    )
    .unwrap();
    assert_eq!(
        delivery.event.topic.as_deref(),
        Some("transaction.completed")
    );
    assert_eq!(delivery.id(), Some("evt_01h"));
    assert_eq!(delivery.replay_id(), Some(ReplayId::durable("evt_01h")));
    assert_eq!(receive::<PaddleEvent>(b"{}").unwrap().replay_id(), None);
}

#[test]
fn linear_topic_is_type_dot_action_and_its_key_is_a_shield() {
    let body =
        format!(r#"{{"action":"create","type":"Issue","data":{{}},"webhookTimestamp":{SENT}000}}"#);
    let mut headers = Signer::<Linear>::new(SECRET)
        .unwrap()
        .sign(0, "delivery-1", body.as_bytes())
        .unwrap();
    let verifier = Verifier::<Linear>::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(SENT));
    let delivery = verifier
        .receive::<LinearEvent>(&headers, body.clone())
        .unwrap();
    assert_eq!(delivery.event.topic.as_deref(), Some("Issue.create"));
    assert_eq!(
        delivery.id(),
        Some("delivery-1"),
        "Linear-Delivery, reported"
    );
    assert_eq!(delivery.verification.timestamp, Some(SENT));
    let shield = delivery.replay_id().unwrap();
    assert_eq!(shield.key(), ReplayId::body_digest(body.as_bytes()).key());
    assert_eq!(shield.hold(), Hold::ReplayWindow);
    headers.insert("linear-delivery", "forged".parse().unwrap());
    let resent = verifier
        .receive::<LinearEvent>(&headers, body.clone())
        .unwrap();
    assert_eq!(
        resent.replay_id(),
        Some(shield),
        "the unsigned delivery id is not the key"
    );
    let untyped = format!(r#"{{"type":"Issue","webhookTimestamp":{SENT}000}}"#);
    let headers = Signer::<Linear>::new(SECRET)
        .unwrap()
        .sign(0, "", untyped.as_bytes())
        .unwrap();
    assert_eq!(
        verifier
            .receive::<LinearEvent>(&headers, untyped)
            .unwrap()
            .event
            .topic,
        None
    );
}

#[test]
fn events_serialize_as_their_envelope() {
    let event = receive::<NomosEvent>(&fixture("nomos/subscription.created.json"))
        .unwrap()
        .event;
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"topic":"subscription.created","id":"evt_01JH2ZK3Q8","timestamp":"2026-01-15T10:30:00.123Z","context":{"subscription":"sub_7Hq2","lead":"lead_91Xa"}}"#
    );
    let unknown = NomosEvent::from_slice(br#"{"topic":"x.y","a":1}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&unknown).unwrap(),
        r#"{"topic":"x.y","raw":{"a":1,"topic":"x.y"}}"#
    );
    let deleted = receive::<NomaEvent>(&fixture("noma/content.deleted.json"))
        .unwrap()
        .event;
    assert_eq!(
        serde_json::to_string(&deleted).unwrap(),
        r#"{"event":"content.deleted","project_uuid":"9b2f6c1e-4d2a-4c3b-9a55-0f1e2d3c4b5a","collection_id":12,"content_id":345,"timestamp":"2026-01-15T10:30:00Z","delivery_id":"dlv_deleted_1"}"#
    );
    assert_eq!(
        serde_json::to_string(&NomaTopic::AuthLogoutAllSuccess).unwrap(),
        r#""auth.logout_all.success""#
    );
}

#[test]
fn topics_round_trip_through_their_wire_names() {
    for wire in [
        "subscription.created",
        "subscription.confirmed",
        "subscription.activated",
        "subscription.terminated",
        "subscription.ended",
        "test.event",
    ] {
        let topic: NomosTopic = wire.parse().unwrap();
        assert!(!matches!(topic, NomosTopic::Other(_)), "{wire}");
        assert_eq!(topic.as_str(), wire);
    }
    for wire in [
        "content.created",
        "content.updated",
        "content.published",
        "content.unpublished",
        "content.deleted",
        "content.trashed",
        "content.restored",
        "auth.signup.success",
        "auth.login.success",
        "auth.logout.success",
        "auth.logout_all.success",
        "auth.email_verification.verified",
    ] {
        let topic: NomaTopic = wire.parse().unwrap();
        assert!(!matches!(topic, NomaTopic::Other(_)), "{wire}");
        assert_eq!(topic.to_string(), wire);
    }
    assert_eq!(
        "content.moved".parse::<NomaTopic>().unwrap(),
        NomaTopic::Other("content.moved".into())
    );
}

/// Drives a future that never waits (every handler here is ready at once).
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[test]
fn dispatcher_routes_by_topic_and_falls_back() {
    let dispatcher = Dispatcher::<NomosEvent, &'static str, String>::builder()
        .on(NomosTopic::SubscriptionCreated, |event, app| async move {
            format!("{app}: created {}", event.id().unwrap())
        })
        .on("test.event", |_, app| async move { format!("{app}: test") })
        .fallback(|event, app| async move { format!("{app}: fallback for {}", event.topic()) })
        .build()
        .unwrap();
    let event = |file: &str| NomosEvent::from_slice(&fixture(file)).unwrap();
    assert_eq!(
        run(dispatcher.dispatch(event("nomos/subscription.created.json"), "app")),
        "app: created evt_01JH2ZK3Q8"
    );
    assert_eq!(
        run(dispatcher.dispatch(event("nomos/test.event.bare.json"), "app")),
        "app: test"
    );
    assert_eq!(
        run(dispatcher.dispatch(event("nomos/subscription.ended.json"), "app")),
        "app: fallback for subscription.ended"
    );
    let unknown = NomosEvent::from_slice(br#"{"topic":"tariff.changed"}"#).unwrap();
    assert_eq!(
        run(dispatcher.dispatch(unknown, "app")),
        "app: fallback for tariff.changed"
    );
    assert_eq!(
        format!("{dispatcher:?}"),
        r#"Dispatcher { topics: ["subscription.created", "test.event"], .. }"#
    );
}

#[test]
fn dispatcher_refuses_ambiguous_registrations() {
    let duplicate = Dispatcher::<NomaEvent, (), ()>::builder()
        .on(NomaTopic::ContentCreated, |_, ()| async {})
        .on("content.created", |_, ()| async {})
        .fallback(|_, ()| async {})
        .build();
    assert_eq!(
        duplicate.unwrap_err(),
        DispatchError::DuplicateTopic("content.created".into())
    );
    let no_fallback = Dispatcher::<NomaEvent, (), ()>::builder()
        .on(NomaTopic::ContentCreated, |_, ()| async {})
        .build();
    assert_eq!(no_fallback.unwrap_err(), DispatchError::MissingFallback);
    let two_fallbacks = Dispatcher::<NomaEvent, (), ()>::builder()
        .fallback(|_, ()| async {})
        .fallback(|_, ()| async {})
        .build();
    assert_eq!(two_fallbacks.unwrap_err(), DispatchError::DuplicateFallback);
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z._]{0,12}".prop_map(serde_json::Value::from),
        prop_oneof![
            Just("subscription.created"),
            Just("content.created"),
            Just("auth.login.success"),
            Just("test.event")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("topic".to_owned()),
                    Just("event".to_owned()),
                    Just("context".to_owned()),
                    Just("content_entry".to_owned()),
                    Just("fields".to_owned()),
                    Just("timestamp".to_owned()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

fn parse_all(body: &[u8]) {
    let _ = NomosEvent::from_slice(body);
    let _ = NomaEvent::from_slice(body);
    let _ = receive::<StandardWebhooksEvent>(body);
    let _ = receive::<StripeEvent>(body);
}

proptest! {
    #[test]
    fn any_json_body_never_panics_the_parsers(value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        parse_all(&body);
    }
}
