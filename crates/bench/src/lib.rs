//! The inputs every benchmark and load target shares: one secret, signed
//! deliveries of fixed sizes, and the floor each verification is held to.

use hmac::{Hmac, KeyInit as _, Mac as _};
use hookguard_core::http::HeaderMap;
use hookguard_core::scheme::{Nomos, StandardWebhooks};
use hookguard_core::{NomosVerifier, Scheme, Signer, StandardWebhooksVerifier, Verifier};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

/// The Standard Webhooks secret of the published vector.
pub const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// The Nomos endpoint secret.
pub const NOMOS_SECRET: &str = "bench-nomos-secret";
/// A Standard Webhooks `v1a` signing key (seed 0x42…, the core's vector).
pub const STANDARD_SIGNING_KEY: &str = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
/// The public key of [`STANDARD_SIGNING_KEY`].
pub const STANDARD_PUBLIC_KEY: &str = "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
/// The message id of every Standard Webhooks delivery.
pub const MESSAGE_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";

/// A Nomos event body of exactly `size` bytes (padding in a context field).
#[must_use]
pub fn nomos_body(size: usize) -> Vec<u8> {
    let head = r#"{"id":"evt_bench","timestamp":"2026-01-15T10:30:00.123Z","topic":"subscription.created","context":{"subscription":"sub_1","lead":"lead_1","padding":""#;
    padded(head, r#""}}"#, size)
}

/// `head`, `x`s and `tail`: `size` bytes in all (more when `head` and
/// `tail` alone are longer).
fn padded(head: &str, tail: &str, size: usize) -> Vec<u8> {
    let padding = size.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head.as_bytes());
    body.resize(head.len() + padding, b'x');
    body.extend_from_slice(tail.as_bytes());
    body
}

/// What a Nomos delivery signs, `<timestamp>.<body>`, in the parts a
/// [`Floor`] takes.
#[must_use]
pub fn nomos_message<'a>(timestamp: &'a [u8], body: &'a [u8]) -> [&'a [u8]; 3] {
    [timestamp, b".", body]
}

/// What a Standard Webhooks delivery signs, `<id>.<timestamp>.<body>` with
/// [`MESSAGE_ID`], in the parts a [`Floor`] takes.
#[must_use]
pub fn standard_message<'a>(timestamp: &'a [u8], body: &'a [u8]) -> [&'a [u8]; 5] {
    [MESSAGE_ID.as_bytes(), b".", timestamp, b".", body]
}

/// The two checks every speed target compares, over one Nomos delivery of
/// `size` bytes signed at `now`: `(floor, verify)`, each true when it
/// passes. Their inputs go through `black_box`, so neither is computed
/// once and reused.
pub fn nomos_checks(size: usize, now: u64) -> (impl Fn() -> bool, impl Fn() -> bool) {
    checks(
        nomos_delivery(size, now),
        NOMOS_SECRET.as_bytes(),
        now,
        nomos_message,
    )
}

/// [`nomos_checks`] for a Standard Webhooks delivery.
pub fn standard_checks(size: usize, now: u64) -> (impl Fn() -> bool, impl Fn() -> bool) {
    checks(
        standard_delivery(size, now),
        &standard_key(),
        now,
        standard_message,
    )
}

/// The floor (a pre-keyed HMAC over `message`'s parts, then a compare) and
/// the verifier's check, over the same delivery.
fn checks<S, M, const N: usize>(
    (verifier, headers, body): (Verifier<S>, HeaderMap, Vec<u8>),
    key: &[u8],
    now: u64,
    message: M,
) -> (
    impl Fn() -> bool + use<S, M, N>,
    impl Fn() -> bool + use<S, M, N>,
)
where
    S: Scheme,
    M: for<'a> Fn(&'a [u8], &'a [u8]) -> [&'a [u8]; N],
{
    use std::hint::black_box;

    let timestamp = now.to_string();
    let floor = Floor::new(key);
    let expected = floor.tag(&message(timestamp.as_bytes(), &body));
    let floor_body = body.clone();
    let floor_check = move || {
        floor.check(
            &message(black_box(timestamp.as_bytes()), black_box(&floor_body)),
            &expected,
        )
    };
    let verify = move || {
        verifier
            .verify_at(black_box(&headers), black_box(&body), now)
            .is_ok()
    };
    (floor_check, verify)
}

/// A signed Nomos delivery sent at `now`, and a verifier for it.
///
/// # Panics
///
/// Never: the secret is valid.
#[must_use]
pub fn nomos_delivery(size: usize, now: u64) -> (NomosVerifier, HeaderMap, Vec<u8>) {
    let body = nomos_body(size);
    let signer = Signer::<Nomos>::new(NOMOS_SECRET).expect("a valid secret");
    let headers = signer.sign(now, "", &body).expect("Nomos signs any body");
    let verifier = NomosVerifier::new([NOMOS_SECRET]).expect("a valid secret");
    (verifier, headers, body)
}

/// A signed Standard Webhooks delivery sent at `now`, and a verifier for it.
///
/// # Panics
///
/// Never: the secret and the id are valid.
#[must_use]
pub fn standard_delivery(size: usize, now: u64) -> (StandardWebhooksVerifier, HeaderMap, Vec<u8>) {
    let body = nomos_body(size);
    let signer = Signer::<StandardWebhooks>::new(STANDARD_SECRET).expect("a valid secret");
    let headers = signer
        .sign(now, MESSAGE_ID, &body)
        .expect("a valid message id");
    let verifier = StandardWebhooksVerifier::new([STANDARD_SECRET]).expect("a valid secret");
    (verifier, headers, body)
}

/// The HMAC key of [`STANDARD_SECRET`]: its base64 part, decoded.
///
/// # Panics
///
/// Never: the secret is valid base64.
#[must_use]
pub fn standard_key() -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(STANDARD_SECRET.trim_start_matches("whsec_"))
        .expect("the benchmark secret is base64")
}

/// A Standard Webhooks delivery signed with `v1a` (ed25519) only, sent at
/// `now`, and a verifier that holds its public key.
///
/// # Panics
///
/// Never: the keys and the id are valid.
#[must_use]
pub fn standard_v1a_delivery(
    size: usize,
    now: u64,
) -> (StandardWebhooksVerifier, HeaderMap, Vec<u8>) {
    let body = nomos_body(size);
    let signer =
        Signer::<StandardWebhooks>::from_signing_key(STANDARD_SIGNING_KEY).expect("a valid key");
    let headers = signer
        .sign(now, MESSAGE_ID, &body)
        .expect("a valid message id");
    let verifier =
        StandardWebhooksVerifier::from_public_keys([STANDARD_PUBLIC_KEY]).expect("a valid key");
    (verifier, headers, body)
}

/// The endpoint secret of the schemes benchmarked at 1 KiB only.
pub const PROVIDER_SECRET: &str = "bench-provider-secret";

/// A JSON body of exactly `size` bytes that every scheme accepts at `now`:
/// Linear's signed `webhookTimestamp` (milliseconds) first, then padding.
#[must_use]
pub fn timestamped_body(size: usize, now: u64) -> Vec<u8> {
    let head = format!(
        r#"{{"event_id":"evt_bench","type":"Issue","action":"create","webhookTimestamp":{now}000,"padding":""#
    );
    padded(&head, r#""}"#, size)
}

/// A delivery of scheme `S` sent at `now`, signed with
/// [`PROVIDER_SECRET`], and a verifier for it.
///
/// # Panics
///
/// Never: the secret is valid and the id is plain ASCII.
#[must_use]
pub fn delivery<S: Scheme + Default>(size: usize, now: u64) -> (Verifier<S>, HeaderMap, Vec<u8>) {
    let body = timestamped_body(size, now);
    let signer = Signer::<S>::new(PROVIDER_SECRET).expect("a valid secret");
    let headers = signer.sign(now, MESSAGE_ID, &body).expect("a valid id");
    let verifier = Verifier::<S>::new([PROVIDER_SECRET]).expect("a valid secret");
    (verifier, headers, body)
}

/// The floor: HMAC-SHA256 of a signed message with a pre-keyed state and
/// a constant-time compare with the expected tag, nothing else.
#[derive(Clone)]
pub struct Floor {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Floor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Floor(<keyed HMAC-SHA256>)")
    }
}

impl Floor {
    /// A floor keyed with `key`.
    #[must_use]
    pub fn new(key: &[u8]) -> Self {
        Self {
            keyed: Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length"),
        }
    }

    /// Whether the tag over `parts` equals `expected`.
    #[must_use]
    pub fn check(&self, parts: &[&[u8]], expected: &[u8; 32]) -> bool {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        let tag: [u8; 32] = mac.finalize().into_bytes().into();
        tag.ct_eq(expected).into()
    }

    /// The tag over `parts`, to give `check` a matching one.
    #[must_use]
    pub fn tag(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

/// The least a Nomos receiver must do to verify by hand, for the load
/// test's `/floor` route: split `t=<unix>,v1=<hex>` at its first comma,
/// decode the hex and check the HMAC over `<t>.<body>` with `floor`. No
/// freshness check, no repeated or extra items, no size limit: what
/// hookguard adds over this is its own cost.
#[must_use]
pub fn floor_check_nomos(floor: &Floor, signature: &[u8], body: &[u8]) -> bool {
    let Some(comma) = signature.iter().position(|&byte| byte == b',') else {
        return false;
    };
    let (Some(timestamp), Some(hex)) = (
        signature[..comma].strip_prefix(b"t="),
        signature[comma + 1..].strip_prefix(b"v1="),
    ) else {
        return false;
    };
    let mut expected = [0; 32];
    hex::decode_to_slice(hex, &mut expected).is_ok()
        && floor.check(&nomos_message(timestamp, body), &expected)
}

/// The load test's axum routes (see `load_receiver`), all answering 204,
/// or 400 for a body that is not an event (or, on `/floor`, not signed):
///
/// - `POST /bare` reads the body and parses it into `NomosEvent` with
///   serde_json, as a handler without verification would;
/// - `POST /floor` does the same after [`floor_check_nomos`];
/// - `POST /verified` takes `Webhook<NomosEvent>`.
pub fn load_router(verifier: NomosVerifier, floor: Floor) -> axum::Router {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use hookguard_axum::Webhook;
    use hookguard_core::nomos::NomosEvent;

    fn parse(body: &[u8]) -> StatusCode {
        match NomosEvent::from_slice(body) {
            Ok(event) => {
                std::hint::black_box(event);
                StatusCode::NO_CONTENT
            }
            Err(_) => StatusCode::BAD_REQUEST,
        }
    }
    async fn bare(body: Bytes) -> StatusCode {
        parse(&body)
    }
    async fn verified(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
        std::hint::black_box(event);
        StatusCode::NO_CONTENT
    }
    let floor = Arc::new(floor);
    let by_hand = move |headers: HeaderMap, body: Bytes| {
        let floor = Arc::clone(&floor);
        async move {
            let signature = headers
                .get("x-nomos-signature")
                .map_or(&b""[..], |value| value.as_bytes());
            if floor_check_nomos(&floor, signature, &body) {
                parse(&body)
            } else {
                StatusCode::BAD_REQUEST
            }
        }
    };
    axum::Router::new()
        .route("/bare", post(bare))
        .route("/floor", post(by_hand))
        .route("/verified", post(verified))
        .with_state(verifier)
}

/// The load test's actix-web routes, the same three as [`load_router`]'s,
/// for `App::configure`.
pub fn load_routes(
    verifier: NomosVerifier,
    floor: Floor,
) -> impl Fn(&mut actix_web::web::ServiceConfig) + Clone {
    use actix_web::{HttpRequest, HttpResponse, web};
    use hookguard_actix::Webhook;
    use hookguard_core::nomos::NomosEvent;

    fn parse(body: &[u8]) -> HttpResponse {
        match NomosEvent::from_slice(body) {
            Ok(event) => {
                std::hint::black_box(event);
                HttpResponse::NoContent().finish()
            }
            Err(_) => HttpResponse::BadRequest().finish(),
        }
    }
    async fn bare(body: web::Bytes) -> HttpResponse {
        parse(&body)
    }
    async fn by_hand(
        request: HttpRequest,
        floor: web::Data<Floor>,
        body: web::Bytes,
    ) -> HttpResponse {
        let signature = request
            .headers()
            .get("x-nomos-signature")
            .map_or(&b""[..], |value| value.as_bytes());
        if floor_check_nomos(&floor, signature, &body) {
            parse(&body)
        } else {
            HttpResponse::BadRequest().finish()
        }
    }
    async fn verified(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
        std::hint::black_box(event);
        HttpResponse::NoContent().finish()
    }
    let floor = web::Data::new(floor);
    move |config: &mut web::ServiceConfig| {
        config
            .app_data(verifier.clone())
            .app_data(floor.clone())
            .route("/bare", web::post().to(bare))
            .route("/floor", web::post().to(by_hand))
            .route("/verified", web::post().to(verified));
    }
}
