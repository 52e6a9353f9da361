//! The store contract against a real Redis server at `REDIS_URL`.
//!
//! Skipped with a printed reason when `REDIS_URL` is unset, except under
//! `CI=true`, where a missing server is a failure.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::time::Duration;

use hookguard_core::replay::{Claim, ReplayStore, contract};
use hookguard_redis::RedisStore;

fn redis_url() -> Option<String> {
    match std::env::var("REDIS_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("REDIS_URL is not set, and CI=true requires the Redis tests to run")
        }
        Err(_) => {
            // Straight to stderr: the test harness captures `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: REDIS_URL is not set (run redis-server and set REDIS_URL=redis://127.0.0.1:6379/)"
            );
            None
        }
    }
}

/// A prefix no other run uses, so runs against one server do not meet.
fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test:{}:{nanos}", std::process::id())
}

#[tokio::test]
async fn redis_store_keeps_the_contract() {
    let Some(url) = redis_url() else { return };
    let store = RedisStore::connect(&url)
        .await
        .unwrap()
        .with_prefix(format!("{}:", unique()));
    contract::check(&store, "contract", tokio::time::sleep).await;
}

#[tokio::test]
async fn concurrent_claims_of_one_key_give_one_owner() {
    let Some(url) = redis_url() else { return };
    let store = RedisStore::connect(&url)
        .await
        .unwrap()
        .with_prefix(format!("{}:", unique()));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim("evt_race", Duration::from_secs(30)).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let owners = answers
        .iter()
        .filter(|answer| matches!(answer, Ok(Claim::Claimed(_))))
        .count();
    assert_eq!(owners, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|answer| matches!(answer, Ok(Claim::Claimed(_) | Claim::InFlight)))
    );
}

#[tokio::test]
async fn an_unreachable_server_is_refused_at_start_without_printing_the_url() {
    // Nothing listens on port 1: connecting fails at start-up, loudly.
    let error = RedisStore::connect("redis://127.0.0.1:1/")
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("cannot connect to the Redis replay store"),
        "{message}"
    );
    assert!(
        !message.contains("127.0.0.1"),
        "the URL (which may hold a password) is not printed: {message}"
    );
}
