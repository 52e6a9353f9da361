// The README is the crate's front page, and its examples run as doctests.
// Some use the framework adapters, so it is included when every feature is
// on (as in the README's test command and on docs.rs); with fewer features
// a short page points to it, and `cargo test` still passes.
#![cfg_attr(
    all(feature = "axum", feature = "actix", feature = "redis", feature = "noma-api"),
    doc = include_str!("../README.md")
)]
#![cfg_attr(
    not(all(
        feature = "axum",
        feature = "actix",
        feature = "redis",
        feature = "noma-api"
    )),
    doc = "Verify, parse and de-duplicate signed webhooks. See the README; build the docs with `--all-features` for the full page."
)]

pub use hookguard_core::*;

/// axum 0.8 integration: the [`Webhook`](hookguard_axum::Webhook) extractor,
/// the [`Verify`](hookguard_axum::Verify) and [`Dedupe`](hookguard_axum::Dedupe) layers.
#[cfg(feature = "axum")]
pub mod axum {
    pub use hookguard_axum::*;
}

/// actix-web 4 integration: the [`Receive`](hookguard_actix::Receive) and
/// [`Dedupe`](hookguard_actix::Dedupe) middleware and the
/// [`Webhook`](hookguard_actix::Webhook) extractor.
#[cfg(feature = "actix")]
pub mod actix {
    pub use hookguard_actix::*;
}

/// The Redis replay store: [`RedisStore`](hookguard_redis::RedisStore).
#[cfg(feature = "redis")]
pub mod redis {
    pub use hookguard_redis::*;
}

/// The client for Noma's webhook API: register, list, update, delete and
/// rotate the endpoint's secret ([`Client`](hookguard_noma_api::Client)).
#[cfg(feature = "noma-api")]
pub mod noma_api {
    pub use hookguard_noma_api::*;
}

/// Signed test deliveries for your own handlers: [`SignedRequest`](hookguard_core::testing::SignedRequest)
/// builds the request a provider sends, for axum (`http` 1.x) and, with the
/// `actix` feature, actix-web ([`IntoTestRequest`](hookguard_actix::testing::IntoTestRequest)).
#[cfg(feature = "testing")]
pub mod testing {
    pub use hookguard_core::testing::*;
    #[cfg(feature = "actix")]
    pub use hookguard_actix::testing::*;
}
