#![doc = include_str!("../README.md")]

pub use hookguard_core::*;
