//! Generated test events: a valid body for each provider and topic, with
//! fresh ids, as `hookguard send --topic` posts them.

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::provider::{Provider, fresh_id};

/// The body of a test event of `topic` sent at `timestamp`, and the extra
/// headers the provider sends with it (GitHub names its event in one).
/// `id`, when given, is the event's own id (Noma: its `delivery_id`).
pub(crate) fn event(
    provider: Provider,
    topic: &str,
    timestamp: u64,
    id: Option<&str>,
) -> (Vec<u8>, Vec<(&'static str, String)>) {
    let event_id = || id.map_or_else(|| fresh_id("evt_"), str::to_owned);
    let time = chrono::DateTime::<Utc>::from_timestamp(i64::try_from(timestamp).unwrap_or(0), 0)
        .unwrap_or_default();
    let mut headers = Vec::new();
    let body = match provider {
        Provider::Nomos => {
            let mut context = json!({ "subscription": fresh_id("sub_") });
            if topic == "subscription.created" {
                context["lead"] = Value::from(fresh_id("lead_"));
            }
            if topic == "test.event" {
                context = json!({});
            }
            json!({
                "id": event_id(),
                "timestamp": time.to_rfc3339_opts(SecondsFormat::Millis, true),
                "topic": topic,
                "context": context,
            })
        }
        Provider::Noma => noma(
            topic,
            &time.to_rfc3339_opts(SecondsFormat::Secs, false),
            id.map_or_else(|| fresh_id("delivery-"), str::to_owned),
        ),
        Provider::Standard | Provider::Stripe => json!({
            "id": event_id(),
            "type": topic,
            "created": timestamp,
            "data": { "object": { "id": fresh_id("obj_") } },
        }),
        Provider::Github => {
            headers.push(("x-github-event", topic.to_owned()));
            json!({ "zen": "Keep it logically awesome.", "hook_id": 1 })
        }
        Provider::Slack => json!({
            "type": "event_callback",
            "event_id": event_id(),
            "event_time": timestamp,
            "event": { "type": topic, "text": "Hello from hookguard" },
        }),
        Provider::Shopify => {
            headers.push(("x-shopify-topic", topic.to_owned()));
            json!({ "id": 820_982_911_946_154_508_u64, "admin_graphql_api_id": fresh_id("gid://shopify/Order/") })
        }
        Provider::Paddle => json!({
            "event_id": event_id(),
            "event_type": topic,
            "occurred_at": time.to_rfc3339_opts(SecondsFormat::Micros, true),
            "notification_id": fresh_id("ntf_"),
            "data": { "id": fresh_id("txn_") },
        }),
        Provider::Linear => linear(topic, timestamp),
    };
    (body.to_string().into_bytes(), headers)
}

/// A Linear body for topic `<type>.<action>` (a topic without a dot is a
/// type whose action is `create`).
fn linear(topic: &str, timestamp: u64) -> Value {
    let (kind, action) = topic.split_once('.').unwrap_or((topic, "create"));
    json!({
        "action": action,
        "type": kind,
        "data": { "id": fresh_id("issue-") },
        "url": "https://linear.app/",
        "webhookTimestamp": timestamp.saturating_mul(1000),
        "webhookId": fresh_id("webhook-"),
    })
}

fn noma(topic: &str, timestamp: &str, delivery_id: String) -> Value {
    let project = fresh_id("project-");
    if topic.starts_with("auth.") {
        return json!({
            "event": topic,
            "source": "api",
            "project_uuid": project,
            "auth_user_uuid": fresh_id("user-"),
            "auth_user_email": "test@example.com",
            "timestamp": timestamp,
            "delivery_id": delivery_id,
        });
    }
    let mut body = json!({
        "event": topic,
        "project_uuid": project,
        "collection_id": 1,
        "content_id": 42,
        "timestamp": timestamp,
        "delivery_id": delivery_id,
    });
    if topic != "content.deleted" {
        body["content_entry"] = json!({
            "uuid": fresh_id("entry-"),
            "locale": "en",
            "published_at": null,
            "fields": { "title": "Hello from hookguard" },
        });
    }
    body
}
