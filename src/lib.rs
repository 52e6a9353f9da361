#![doc = include_str!("../README.md")]

pub use hookguard_core::*;

/// axum 0.8 integration: the [`Webhook`](hookguard_axum::Webhook) extractor
/// and [`VerifyLayer`](hookguard_axum::VerifyLayer).
#[cfg(feature = "axum")]
pub mod axum {
    pub use hookguard_axum::*;
}

/// actix-web 4 integration: the [`Verify`](hookguard_actix::Verify)
/// middleware and the [`Webhook`](hookguard_actix::Webhook) extractor.
#[cfg(feature = "actix")]
pub mod actix {
    pub use hookguard_actix::*;
}

/// The Redis replay store: [`RedisStore`](hookguard_redis::RedisStore).
#[cfg(feature = "redis")]
pub mod redis {
    pub use hookguard_redis::*;
}
