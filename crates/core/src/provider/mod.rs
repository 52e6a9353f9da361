//! The providers, one folder each: its signature scheme, its verifier
//! alias, and its events (typed, or generic with the topic, id and replay
//! key the provider defines). Adding a provider is a folder and a line here.

pub mod github;
pub mod linear;
pub mod noma;
pub mod nomos;
pub mod paddle;
pub mod shopify;
pub mod slack;
pub mod standard;
pub mod stripe;
