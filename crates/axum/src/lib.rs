//! axum 0.8 integration for [hookguard]: verified, typed webhooks in one
//! extractor, verification as a tower layer, and the replay guard.
//!
//! The same names mean the same roles in `hookguard-axum` and
//! `hookguard-actix`:
//!
//! | role | axum | actix-web |
//! |---|---|---|
//! | verify, parse, hand the typed event to the handler | [`Webhook<E>`] extractor (verifier from state via `FromRef`) | `Webhook<E>` extractor (verifier from `app_data`, or from `Receive`) |
//! | the same, with matched secret, signed time and raw bytes | [`WebhookDelivery<E>`] | `WebhookDelivery<E>` |
//! | verify only, hand the raw body on | [`Verify<S>`] layer (`Extension<Verification>`) | `Verify<S>` middleware (`web::ReqData<Verification>`) |
//! | verify and parse in front of the handler, bytes put back | (the extractor does it) | `Receive<E>` middleware |
//! | run each event's handler once | [`Dedupe<E>`] layer | `Dedupe<E>` middleware |
//! | the answer to a refused request | [`WebhookRejection`] | `WebhookError` |
//!
//! Each verifier is given once: to the state (axum) or `app_data` (actix).
//! The replay guard needs no verifier: the extractor claims the key, the
//! `Dedupe` layer finishes the claim by the handler's status. Every rule
//! (body limits, declared length, verification, the claim and its outcome)
//! is the core's receive pipeline, [`hookguard::receive`]; this crate only
//! translates requests and answers.
//!
//! Bodies are read once, under the verifier's limit (1 MiB by default)
//! and the route's `DefaultBodyLimit`, whichever is smaller, and refused
//! with 413 `payload_too_large` before any hashing; a body whose length
//! differs from its `Content-Length` is 400 `invalid_payload`.
//!
//! With the `serve` feature (on in `hookguard`'s `axum` feature),
//! [`serve::serve`] runs a router as a receiver on the open internet
//! should run: a header timeout, an idle body timeout and a connection cap
//! (`axum::serve` has none of them).
//!
//! [hookguard]: https://docs.rs/hookguard
//! [`hookguard::receive`]: https://docs.rs/hookguard/latest/hookguard/receive/

mod body;
mod dedupe;
mod extract;
mod layer;
mod rejection;
#[cfg(feature = "serve")]
pub mod serve;

pub use self::dedupe::{Dedupe, DedupeService};
pub use self::extract::{Webhook, WebhookDelivery};
#[allow(deprecated)]
pub use self::layer::VerifyLayer;
pub use self::layer::{Verify, VerifyService};
pub use self::rejection::WebhookRejection;
