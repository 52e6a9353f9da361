//! The framework-free core of [hookguard]: it decides whether a webhook
//! delivery is authentic and fresh, what event it carries, and whether its
//! handler may run.
//!
//! A [`Verifier`] is built once per endpoint from one or more secrets (more
//! than one during a rotation, and old ones may retire on a date:
//! [`Verifier::with_retiring_secret`]), a tolerance and a [`Clock`], then
//! checks each delivery from its headers (an `http::HeaderMap`, or any
//! [`Headers`]) and raw body bytes. Standard Webhooks verifiers may also
//! hold ed25519 public keys for `v1a` signatures
//! ([`StandardWebhooksVerifier::from_public_keys`],
//! [`Verifier::with_public_key`]). Each
//! provider lives in one module: its signature scheme, its verifier alias
//! and its events ([`nomos`], [`noma`], [`standard`], [`stripe`],
//! [`github`], [`slack`], [`shopify`], [`paddle`], [`linear`]).
//!
//! ```
//! use hookguard::{FixedClock, NomosVerifier, Signer, scheme::Nomos};
//!
//! let body = br#"{"id":"evt_1","topic":"test.event"}"#;
//! let headers = Signer::<Nomos>::new("s3cret")?.sign(1_700_000_000, "", body)?;
//!
//! let verifier = NomosVerifier::new(["s3cret"])?.with_clock(FixedClock(1_700_000_100));
//! let verified = verifier.verify(&headers, body)?;
//! assert_eq!(verified.secret_index, Some(0));
//! assert_eq!(verified.timestamp, Some(1_700_000_000));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Verifier::receive`] goes one step further: it verifies, then parses the
//! body into a typed event chosen by its topic ([`nomos::NomosEvent`],
//! [`noma::NomaEvent`], or a [`generic::GenericEvent`] for the public
//! schemes) and returns a [`Delivery`] with the raw bytes kept. A
//! [`Dispatcher`] routes events to async handlers by topic. The rest of the
//! receive pipeline (reading a body under its limit, the replay guard's
//! claim and outcome) is in [`BodyReader`] and [`Deduplication`], which the
//! framework adapters drive.
//!
//! Refusals are [`Error`]s, each with a stable [`code`](Error::code) and an
//! [`http_status`](Error::http_status); secrets are refused at build time
//! with a [`SecretError`].
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `metrics` | counters and a gauge of the receive pipeline through the `metrics` crate ([`metrics`]) |
//! | `testing` | [`testing::SignedRequest`]: signed test deliveries for your own handlers |
//! | `test-support` | `replay::contract`: the behaviour every replay store must show, for the tests of stores |
//!
//! [hookguard]: https://docs.rs/hookguard

mod clock;
mod dispatch;
mod ed25519_keys;
mod error;
mod event;
mod header;
mod json_field;
mod lenient_base64;
pub mod metrics;
mod provider;
pub mod receive;
pub mod replay;
mod retirement;
mod secret;
mod sign;
mod signature;
#[cfg(feature = "testing")]
pub mod testing;
mod verification;
mod verifier;

/// The `http` crate, whose `HeaderMap` every verifier reads and every
/// signer returns.
pub use http;

pub use self::clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use self::dispatch::{DispatchError, Dispatcher, DispatcherBuilder};
pub use self::error::{Error, SecretError};
pub use self::event::{Delivery, Event, Hold, ReplayId};
pub use self::header::{HeaderField, Headers};
pub use self::provider::github::GitHubVerifier;
pub use self::provider::linear::LinearVerifier;
pub use self::provider::noma::NomaVerifier;
pub use self::provider::nomos::NomosVerifier;
pub use self::provider::paddle::PaddleVerifier;
pub use self::provider::shopify::ShopifyVerifier;
pub use self::provider::slack::SlackVerifier;
pub use self::provider::standard::StandardWebhooksVerifier;
pub use self::provider::stripe::StripeVerifier;
pub use self::provider::{github, linear, noma, nomos, paddle, shopify, slack, standard, stripe};
pub use self::receive::{BodyReader, Deduplication};
pub use self::secret::Secret;
pub use self::sign::Signer;
pub use self::signature::Scheme;
pub use self::verification::Verification;
pub use self::verifier::{DEFAULT_BODY_LIMIT, DEFAULT_TOLERANCE, Verifier};

/// The signature schemes, one per provider: the type parameter of
/// [`Verifier`] and [`Signer`].
pub mod scheme {
    pub use crate::provider::github::GitHub;
    pub use crate::provider::linear::Linear;
    pub use crate::provider::noma::Noma;
    pub use crate::provider::nomos::Nomos;
    pub use crate::provider::paddle::Paddle;
    pub use crate::provider::shopify::Shopify;
    pub use crate::provider::slack::Slack;
    pub use crate::provider::standard::StandardWebhooks;
    pub use crate::provider::stripe::Stripe;
    pub use crate::signature::Scheme;
}

/// The event of the providers whose bodies are not typed: any JSON value,
/// with the topic and id each provider defines.
pub mod generic {
    pub use crate::event::generic::{GenericEvent, GenericSource};
    pub use crate::provider::github::GitHubEvent;
    pub use crate::provider::linear::LinearEvent;
    pub use crate::provider::paddle::PaddleEvent;
    pub use crate::provider::shopify::ShopifyEvent;
    pub use crate::provider::slack::SlackEvent;
    pub use crate::provider::standard::StandardWebhooksEvent;
    pub use crate::provider::stripe::StripeEvent;
}
