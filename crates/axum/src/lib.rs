//! axum 0.8 integration for [hookguard]: verified, typed webhooks in one
//! extractor, or verification as a tower layer.
//!
//! | item | use it for |
//! |---|---|
//! | [`Webhook<E>`] | the typed event, in a handler's last argument |
//! | [`WebhookDelivery<E>`] | the event plus matched secret, signed time, idempotency key and raw bytes |
//! | [`VerifyLayer`] | verification in front of a handler that reads the body itself |
//! | [`ReplayGuardLayer`] | verification plus the replay guard: each event's handler runs once |
//! | [`WebhookRejection`] | the answer to a refused request: SPEC status, `{"error":"<code>"}` |
//!
//! Verifiers live in the router's state and are found through `FromRef`.
//! Bodies are read once, under the verifier's limit (1 MiB by default)
//! and the route's `DefaultBodyLimit`, whichever is smaller, and refused
//! with 413 `payload_too_large` before any hashing.
//!
//! [hookguard]: https://docs.rs/hookguard

mod body;
mod extract;
mod layer;
mod rejection;
mod replay;

pub use self::extract::{Webhook, WebhookDelivery};
pub use self::layer::{VerifyLayer, VerifyService};
pub use self::rejection::WebhookRejection;
pub use self::replay::{ReplayGuardLayer, ReplayGuardService};
