//! Verify-and-parse on arbitrary headers and bodies, for every provider.
//!
//! The first byte picks the provider and whether the body is signed
//! properly (so the typed parsers see authentic bodies too); the next
//! three lines are header values; the rest is the body.
#![no_main]

use hookguard_core::generic::{
    GitHubEvent, LinearEvent, PaddleEvent, ShopifyEvent, SlackEvent, StandardWebhooksEvent, StripeEvent,
};
use hookguard_core::http::{HeaderMap, HeaderName, HeaderValue};
use hookguard_core::noma::NomaEvent;
use hookguard_core::nomos::NomosEvent;
use hookguard_core::{Event, FixedClock, Signer, Verifier, receive};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn deliver<E: Event>(names: [&'static str; 3], values: &[&[u8]], body: &[u8], signed: bool)
where
    E::Scheme: Default,
{
    let mut headers = HeaderMap::new();
    for (name, value) in names.into_iter().zip(values) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    if signed {
        if let Ok(signature) = Signer::<E::Scheme>::new(SECRET).unwrap().sign(1_700_000_000, "msg_fuzz", body) {
            headers.extend(signature);
        }
    }
    let verifier = Verifier::<E::Scheme>::new([SECRET]).unwrap().with_clock(FixedClock(1_700_000_000));
    if let Ok(delivery) = receive::accept::<E>(&verifier, &headers, body.to_vec()) {
        let _ = serde_json::to_string(&delivery.event);
        let _ = delivery.event.topic_name();
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else { return };
    let mut parts = rest.splitn(4, |&byte| byte == b'\n');
    let values: Vec<&[u8]> = parts.by_ref().take(3).collect();
    let body = parts.next().unwrap_or_default();
    let signed = selector & 0x80 != 0;
    match (selector & 0x7f) % 9 {
        0 => deliver::<NomosEvent>(["x-nomos-signature", "x-nomos-signature", "content-type"], &values, body, signed),
        1 => deliver::<NomaEvent>(["x-webhook-signature", "x-webhook-signature", "content-type"], &values, body, signed),
        2 => deliver::<StandardWebhooksEvent>(["webhook-id", "webhook-timestamp", "webhook-signature"], &values, body, signed),
        3 => deliver::<StripeEvent>(["stripe-signature", "stripe-signature", "content-type"], &values, body, signed),
        4 => deliver::<GitHubEvent>(["x-hub-signature-256", "x-github-delivery", "x-github-event"], &values, body, signed),
        5 => deliver::<SlackEvent>(["x-slack-signature", "x-slack-request-timestamp", "content-type"], &values, body, signed),
        6 => deliver::<ShopifyEvent>(["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-webhook-id"], &values, body, signed),
        7 => deliver::<PaddleEvent>(["paddle-signature", "paddle-signature", "content-type"], &values, body, signed),
        _ => deliver::<LinearEvent>(["linear-signature", "linear-delivery", "content-type"], &values, body, signed),
    }
});
