//! actix-web 4 integration for [hookguard]: verified, typed webhooks with a
//! middleware, an extractor, or both, and the replay guard.
//!
//! The same names mean the same roles in `hookguard-actix` and
//! `hookguard-axum`:
//!
//! | role | actix-web | axum |
//! |---|---|---|
//! | verify, parse, hand the typed event to the handler | [`Webhook<E>`] extractor (verifier from `app_data`, or from `Receive`) | `Webhook<E>` extractor (verifier from state via `FromRef`) |
//! | the same, with matched secret, signed time and raw bytes | [`WebhookDelivery<E>`] | `WebhookDelivery<E>` |
//! | verify and parse in front of the handler, bytes put back | [`Receive<E>`] middleware | (the extractor does it) |
//! | verify only, hand the raw body on | [`Verify<S>`] middleware (`web::ReqData<Verification>`) | `Verify<S>` layer (`Extension<Verification>`) |
//! | run each event's handler once | [`Dedupe<E>`] middleware | `Dedupe<E>` layer |
//! | the answer to a refused request | [`WebhookError`] | `WebhookRejection` |
//!
//! Each verifier is given once: to `app_data` or to `Receive`. The replay
//! guard needs no verifier: the extractor claims the key, `Dedupe`
//! finishes the claim by the handler's status. Every rule (body limits,
//! declared length, verification, the claim and its outcome) is the core's
//! receive pipeline; this crate only translates requests and answers.
//!
//! Bodies are read once, under the verifier's limit (1 MiB by default;
//! `Content-Length` checked first, chunked bodies cut off at the limit) and
//! refused with 413 `payload_too_large` before any hashing; a body whose
//! length differs from its `Content-Length` is 400 `invalid_payload`.
//! actix-web's own `PayloadConfig` does not apply to this read; it still
//! applies to a `web::Bytes` or `web::Json` the handler takes after the
//! middleware. A body that goes [`BODY_IDLE_TIMEOUT`] (10 s) without a byte
//! is refused with 400 `invalid_payload`: actix-web bounds the request head
//! (`HttpServer::client_request_timeout`) but not the body.
//!
//! [hookguard]: https://docs.rs/hookguard

mod dedupe;
mod error;
mod extract;
mod middleware;
mod receive;
#[cfg(feature = "testing")]
pub mod testing;

pub use self::dedupe::{Dedupe, DedupeMiddleware};
pub use self::error::WebhookError;
pub use self::extract::{Webhook, WebhookDelivery};
pub use self::middleware::{
    Check, Gate, GateService, Receive, ReceiveCheck, Received, Verify, VerifyCheck,
};
pub use self::receive::BODY_IDLE_TIMEOUT;
