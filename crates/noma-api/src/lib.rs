//! Register and manage Noma CMS webhooks from Rust.
//!
//! Noma's webhook API (`/api/webhooks`, documented at
//! nomacms.com/documentation/api/webhooks) is how a receiver gets its
//! deliveries: a URL, the events, the sources and a signing secret. This
//! crate is a typed async client for it (create, list, get, update,
//! delete, logs), with local validation that mirrors every 422 rule the
//! API documents, so a bad definition is refused before it is sent, and
//! secret generation from the operating system's random source.
//!
//! ```no_run
//! use hookguard::noma_api::{ApiToken, Client, Event, Source, WebhookDefinition, WebhookSecret};
//!
//! # async fn run() -> Result<(), hookguard::noma_api::Error> {
//! let client = Client::builder(
//!     std::env::var("NOMA_PROJECT_ID").unwrap_or_default(),
//!     ApiToken::new(std::env::var("NOMA_API_KEY").unwrap_or_default()),
//! )
//! .build()?;
//! let mut definition = WebhookDefinition::new(
//!     "Site rebuild",
//!     "https://hooks.example.com/noma",
//!     vec![Event::ContentPublished, Event::ContentUpdated],
//!     vec![Source::Cms, Source::Api],
//! );
//! // 32 random bytes, written 0600 to a new file; the receiver reads it from there.
//! definition.secret = Some(WebhookSecret::generate_to_file("noma-secret".as_ref())?);
//! let registered = client.create(&definition).await?;
//! println!("created {}", registered.webhook.uuid);
//! # Ok(())
//! # }
//! ```
//!
//! Secrets and the API token never appear in `Debug`, in errors or in
//! anything read back from the server: `Debug` is redacted by hand, and a
//! server that echoes either has it replaced with `<redacted>`.
//!
//! HTTPS is rustls with the ring provider, configured per client (no
//! process-wide provider is installed); `http://` base URLs are accepted
//! for loopback hosts only, for local test doubles.

mod address;
mod client;
mod error;
mod model;
mod secret;
mod validate;

pub use address::{is_public, non_public_reason};
pub use client::{
    ATTEMPT_TIMEOUT, Client, ClientBuilder, DEFAULT_BASE_URL, MAX_PAGES, MAX_RESPONSE_BYTES,
    MAX_RETRIES, MAX_RETRY_WAIT, Registered,
};
pub use error::{Error, FieldError};
pub use model::{
    Collection, Event, LogEntry, LogPage, Source, UnknownName, Webhook, WebhookDefinition,
};
pub use secret::{ApiToken, WebhookSecret};
pub use validate::{
    Resolution, Resolve, SystemResolver, check_fields, check_secret, check_url, validate,
};
