#![doc = include_str!("../README.md")]

pub use hookguard_core::*;

/// axum 0.8 integration: the [`Webhook`](hookguard_axum::Webhook) extractor
/// and [`VerifyLayer`](hookguard_axum::VerifyLayer).
#[cfg(feature = "axum")]
pub mod axum {
    pub use hookguard_axum::*;
}
