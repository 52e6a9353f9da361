//! actix-web 4 integration for [hookguard]: verified, typed webhooks with a
//! middleware, an extractor, or both.
//!
//! | item | use it for |
//! |---|---|
//! | [`Verify<E>`] | middleware: read, verify and parse before the handler; the bytes are put back |
//! | [`Webhook<E>`] | the typed event in a handler, from the middleware or verified on the spot |
//! | [`WebhookDelivery<E>`] | the event plus matched secret, signed time, idempotency key and raw bytes |
//! | [`WebhookError`] | the answer to a refused request: SPEC status, `{"error":"<code>"}` |
//!
//! Bodies are read once, under the verifier's limit (1 MiB by default;
//! `Content-Length` checked first, chunked bodies cut off at the limit) and
//! refused with 413 `payload_too_large` before any hashing. actix-web's own
//! `PayloadConfig` does not apply to this read; it still applies to a
//! `web::Bytes` or `web::Json` the handler takes after the middleware.
//!
//! [hookguard]: https://docs.rs/hookguard

mod error;
mod extract;
mod middleware;
mod receive;

pub use self::error::WebhookError;
pub use self::extract::{Webhook, WebhookDelivery};
pub use self::middleware::{Verify, VerifyMiddleware};
