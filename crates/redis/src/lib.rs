//! A [`ReplayStore`] on a real Redis server, for several receiver instances
//! that must run each webhook event once between them.
//!
//! - **claim**: `SET <prefix><key> <owner token> NX PX <lease>`; when the
//!   key exists, its value tells a completed key (`done`) from a live claim.
//! - **complete** and **release**: Lua scripts that compare the owner token
//!   and then mark the key done for the retention, or delete it, in one
//!   atomic step, so a late owner whose lease expired changes nothing.
//! - Every command has a timeout; a Redis that is down, slow or refusing
//!   answers [`Error::StoreUnavailable`] (503), and the handler does not run.
//!   The connection manager reconnects on its own when Redis comes back.
//!
//! ```no_run
//! use hookguard_core::replay::ReplayGuard;
//! use hookguard_redis::RedisStore;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = RedisStore::connect("redis://127.0.0.1:6379/").await?.with_prefix("billing:webhooks:");
//! let guard = ReplayGuard::new(store);
//! # let _ = guard; Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::time::Duration;

use hookguard_core::Error;
use hookguard_core::replay::{Claim, OwnerToken, ReplayStore, StoreFuture};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, RedisError, Script};

/// The value of a completed key; owner tokens never take this form.
const DONE: &str = "done";

/// Marks the key done if the caller still owns it.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
    return 1
end
return 0";

/// Deletes the key if the caller still owns it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0";

/// The default key prefix.
pub const DEFAULT_PREFIX: &str = "hookguard:replay:";

/// The default time limit of one store operation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// A replay store shared through Redis. Cheap to clone.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    complete: Script,
    release: Script,
}

/// Why the store could not be set up.
#[derive(Debug)]
pub struct ConnectError(RedisError);

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL is left out: it may hold a password.
        write!(
            f,
            "cannot connect to the Redis replay store ({:?})",
            self.0.kind()
        )
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl RedisStore {
    /// Connects to the Redis server at `url` (`redis://host:port/db`).
    ///
    /// # Errors
    ///
    /// The URL is invalid or the server cannot be reached now: a receiver
    /// should not start without its replay store.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let client = redis::Client::open(url).map_err(ConnectError)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(DEFAULT_TIMEOUT))
            .set_response_timeout(Some(DEFAULT_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(ConnectError)?;
        Ok(Self {
            connection,
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
        })
    }

    /// Sets the prefix put before every key (default `hookguard:replay:`),
    /// so several applications can share one Redis.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Sets the time limit of one store operation (default 2 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Runs one operation under the timeout; any failure is `store_unavailable`.
    async fn limited<T>(
        &self,
        operation: impl Future<Output = Result<T, RedisError>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::warn!(target: "hookguard::replay", kind = ?error.kind(), "redis replay store failed");
                Err(Error::StoreUnavailable)
            }
            Err(_) => {
                tracing::warn!(target: "hookguard::replay", "redis replay store timed out");
                Err(Error::StoreUnavailable)
            }
        }
    }

    async fn claim_key(&self, key: String, lease: Duration) -> Result<Claim, Error> {
        let lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        // The key may vanish between a refused SET and the GET (its lease
        // ended): then try once more.
        for _ in 0..2 {
            let token = OwnerToken::generate();
            let mut connection = self.connection.clone();
            let options = redis::SetOptions::default()
                .conditional_set(redis::ExistenceCheck::NX)
                .with_expiration(redis::SetExpiry::PX(lease_ms));
            let set: Option<String> = self
                .limited(connection.set_options(&key, token.as_str(), options))
                .await?;
            if set.is_some() {
                return Ok(Claim::Claimed(token));
            }
            let current: Option<String> = self.limited(connection.get(&key)).await?;
            match current.as_deref() {
                Some(DONE) => return Ok(Claim::Completed),
                Some(_) => return Ok(Claim::InFlight),
                None => {}
            }
        }
        Ok(Claim::InFlight)
    }

    async fn run_script(
        &self,
        script: &Script,
        key: String,
        token: &OwnerToken,
        retention_ms: u64,
    ) -> Result<bool, Error> {
        let mut connection = self.connection.clone();
        let mut invocation = script.key(key);
        invocation.arg(token.as_str()).arg(retention_ms);
        let changed: i64 = self
            .limited(invocation.invoke_async(&mut connection))
            .await?;
        Ok(changed == 1)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ReplayStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(self.claim_key(self.key(key), lease))
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        let retention_ms = u64::try_from(retention.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        Box::pin(self.run_script(&self.complete, self.key(key), token, retention_ms))
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        Box::pin(self.run_script(&self.release, self.key(key), token, 0))
    }

    fn release_detached(&self, key: String, token: OwnerToken) {
        // Outside a Tokio runtime there is nowhere to run it: the lease ends
        // the claim instead.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            runtime.spawn(async move {
                let _released = store
                    .run_script(&store.release, store.key(&key), &token, 0)
                    .await;
            });
        }
    }
}
