//! The framework-free core of [hookguard]: it decides whether a webhook
//! delivery is authentic and fresh.
//!
//! A [`Verifier`] is built once per endpoint from one or more secrets (more
//! than one during a rotation), a tolerance and a [`Clock`], then checks
//! each delivery from its `http::HeaderMap` and raw body bytes. Five
//! signature schemes are supported, each in [`scheme`]: Nomos, Noma CMS,
//! Standard Webhooks (Svix), Stripe and GitHub.
//!
//! ```
//! use hookguard_core::{FixedClock, NomosVerifier, Signer, scheme::Nomos};
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
//! [`Dispatcher`] routes events to async handlers by topic.
//!
//! Refusals are [`Error`]s, each with a stable [`code`](Error::code) and an
//! [`http_status`](Error::http_status); secrets are refused at build time
//! with a [`SecretError`].
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `test-support` | `replay::contract`: the behaviour every replay store must show, for the tests of stores |
//!
//! [hookguard]: https://docs.rs/hookguard

mod clock;
mod dispatch;
mod error;
mod event;
pub mod generic;
mod header;
mod json_field;
pub mod noma;
pub mod nomos;
pub mod replay;
pub mod scheme;
mod secret;
mod sign;
mod verifier;

/// The `http` crate, whose `HeaderMap` every verifier takes.
pub use http;

pub use self::clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use self::dispatch::{DispatchError, Dispatcher, DispatcherBuilder};
pub use self::error::{Error, SecretError};
pub use self::event::{Delivery, Event};
pub use self::scheme::Scheme;
pub use self::secret::Secret;
pub use self::sign::Signer;
pub use self::verifier::{
    DEFAULT_BODY_LIMIT, DEFAULT_TOLERANCE, GitHubVerifier, NomaVerifier, NomosVerifier,
    StandardWebhooksVerifier, StripeVerifier, Verification, Verified, Verifier,
};
