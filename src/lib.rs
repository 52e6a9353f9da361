// The README is the crate's front page for every feature set. Its examples
// run as doctests; those that need a feature are wrapped, in hidden lines,
// in a module compiled only with that feature, so the text is the same for
// every user and each feature set's doctests still pass.
#![doc = include_str!("../README.md")]

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
/// builds the request a provider sends, as an `http` 1.x request (axum,
/// tower's `oneshot`) and, with the `actix` feature, as an actix-web
/// `TestRequest` (trait `IntoTestRequest`). See "Testing your handler" on
/// the front page.
#[cfg(feature = "testing")]
pub mod testing {
    #[cfg(feature = "actix")]
    pub use hookguard_actix::testing::*;
    pub use hookguard_core::testing::*;
}
