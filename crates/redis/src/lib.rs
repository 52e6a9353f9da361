//! A [`ReplayStore`] on Redis, a single server or a Redis Cluster, for
//! several receiver instances that must run each webhook event once between
//! them.
//!
//! Keys are `<prefix><64 lowercase hex>`: the prefix (default
//! `hookguard:replay:`) then the event's [`ReplayKey`] digest. Every
//! operation is one Lua script on one key, so it is atomic, and in a
//! cluster it runs on the node that owns the key's slot:
//!
//! - **claim**: `SET key <owner token> NX PX <lease>`; when the key exists,
//!   its value tells a completed key (`done`) from a live claim.
//! - **renew**, **complete** and **release** compare the owner token, then
//!   `PEXPIRE` the key for the lease, mark it `done` for the retention, or
//!   delete it, so a late owner whose lease expired changes nothing.
//! - Leases and retentions are clamped to 1 s – 10 years
//!   ([`clamp_duration`]).
//! - Every command has a timeout; a Redis that is down, slow or refusing
//!   answers [`Error::StoreUnavailable`] (503), and the handler does not run.
//!   The connection reconnects on its own when Redis comes back.
//!
//! ```no_run
//! use hookguard::redis::RedisStore;
//! use hookguard::replay::ReplayGuard;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = RedisStore::connect("redis://127.0.0.1:6379/").await?.with_prefix("billing:webhooks:");
//! let guard = ReplayGuard::new(store);
//!
//! // Or a Redis Cluster, from any of its nodes:
//! let cluster = RedisStore::connect_cluster(["redis://10.0.0.1:6379/", "redis://10.0.0.2:6379/"]).await?;
//! # let _ = (guard, cluster); Ok(()) }
//! ```

#[cfg(feature = "test-server")]
pub mod test_server;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hookguard_core::Error;
use hookguard_core::replay::{
    Claim, OwnerToken, ReplayKey, ReplayStore, StoreFuture, clamp_duration,
};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{IntoConnectionInfo as _, RedisError, Script};

/// Claims the key for the token, or tells why not: 1 claimed, 2 completed,
/// 3 claimed by someone else. Owner tokens never take the value `done`.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return 1
end
if redis.call('GET', KEYS[1]) == 'done' then
    return 2
end
return 3";

/// Extends the lease if the caller still owns the key.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0";

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
    connection: Connection,
    /// Where the store connects, as `host:port` (comma-separated for a
    /// cluster): for logs and errors, never with a password.
    target: Arc<str>,
    prefix: String,
    timeout: Duration,
    scripts: Arc<Scripts>,
}

#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

struct Scripts {
    claim: Script,
    renew: Script,
    complete: Script,
    release: Script,
}

/// Why the store could not be set up: the address (`host:port`, never a
/// password) and the cause.
#[derive(Debug)]
pub struct ConnectError {
    target: String,
    cause: RedisError,
    /// The cause as shown, with any password taken out.
    message: String,
}

impl ConnectError {
    fn new(target: String, cause: RedisError, secrets: &[String]) -> Self {
        let mut message = cause.to_string();
        for secret in secrets.iter().filter(|secret| !secret.is_empty()) {
            message = message.replace(secret.as_str(), "***");
        }
        Self {
            target,
            cause,
            message,
        }
    }

    /// Where the store tried to connect: `host:port`, comma-separated for a
    /// cluster.
    #[must_use]
    pub fn target(&self) -> &str {
        &self.target
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot connect to the Redis replay store at {}: {}",
            self.target, self.message
        )
    }
}

impl std::error::Error for ConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// The `host:port` of a URL and the strings that must not be shown (the
/// URL itself, its password), or the error of a URL that does not parse.
fn describe(url: &str) -> Result<(String, Vec<String>), ConnectError> {
    let mut secrets = vec![url.to_owned()];
    match url.into_connection_info() {
        Ok(info) => {
            secrets.extend(info.redis_settings().password().map(str::to_owned));
            Ok((info.addr().to_string(), secrets))
        }
        Err(cause) => Err(ConnectError::new(
            "an invalid URL".to_owned(),
            cause,
            &secrets,
        )),
    }
}

impl RedisStore {
    /// Connects to the Redis server at `url` (`redis://host:port/db`, or
    /// `rediss://` with TLS where the `redis` crate is built with it).
    ///
    /// # Errors
    ///
    /// The URL is invalid or the server cannot be reached now: a receiver
    /// should not start without its replay store. The error names
    /// `host:port` and the cause, never a password.
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        let (target, secrets) = describe(url)?;
        let fail = |cause| ConnectError::new(target.clone(), cause, &secrets);
        let client = redis::Client::open(url).map_err(fail)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(DEFAULT_TIMEOUT))
            .set_response_timeout(Some(DEFAULT_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(fail)?;
        Ok(Self::with_connection(
            Connection::Single(connection),
            target,
        ))
    }

    /// Connects to a Redis Cluster through its `nodes` (`redis://host:port/`
    /// URLs; one reachable node is enough, the others are discovered).
    /// Keys are spread over the cluster's slots; each operation touches one
    /// key, so no hash tags are needed.
    ///
    /// # Errors
    ///
    /// A URL is invalid, no node is given, or the cluster cannot be reached
    /// now. The error names the nodes' `host:port` and the cause, never a
    /// password.
    pub async fn connect_cluster<I, S>(nodes: I) -> Result<Self, ConnectError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let nodes: Vec<String> = nodes
            .into_iter()
            .map(|node| node.as_ref().to_owned())
            .collect();
        let mut targets = Vec::with_capacity(nodes.len());
        let mut secrets = Vec::new();
        for node in &nodes {
            let (target, node_secrets) = describe(node)?;
            targets.push(target);
            secrets.extend(node_secrets);
        }
        let target = if targets.is_empty() {
            "no node".to_owned()
        } else {
            targets.join(",")
        };
        let fail = |cause| ConnectError::new(target.clone(), cause, &secrets);
        let client = ClusterClient::builder(nodes)
            .connection_timeout(DEFAULT_TIMEOUT)
            .response_timeout(DEFAULT_TIMEOUT)
            .retries(1)
            .build()
            .map_err(fail)?;
        let connection = client.get_async_connection().await.map_err(fail)?;
        Ok(Self::with_connection(
            Connection::Cluster(connection),
            target,
        ))
    }

    fn with_connection(connection: Connection, target: String) -> Self {
        Self {
            connection,
            target: target.into(),
            prefix: DEFAULT_PREFIX.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            scripts: Arc::new(Scripts {
                claim: Script::new(CLAIM),
                renew: Script::new(RENEW),
                complete: Script::new(COMPLETE),
                release: Script::new(RELEASE),
            }),
        }
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

    /// The Redis key of `key`: the prefix, then the digest in hex.
    #[must_use]
    pub fn redis_key(&self, key: &ReplayKey) -> String {
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
                tracing::warn!(target: "hookguard::replay", redis = %self.target, %error, "redis replay store failed");
                Err(Error::StoreUnavailable)
            }
            Err(_) => {
                tracing::warn!(target: "hookguard::replay", redis = %self.target, timeout = ?self.timeout, "redis replay store timed out");
                Err(Error::StoreUnavailable)
            }
        }
    }

    /// Runs `script` on `key` with the owner token and a duration in ms.
    async fn run_script(
        &self,
        script: &Script,
        key: &ReplayKey,
        token: &OwnerToken,
        duration: Duration,
    ) -> Result<i64, Error> {
        let millis = u64::try_from(clamp_duration(duration).as_millis()).unwrap_or(u64::MAX);
        let mut invocation = script.key(self.redis_key(key));
        invocation.arg(token.as_str()).arg(millis);
        let answer = async {
            match &self.connection {
                Connection::Single(connection) => {
                    invocation.invoke_async(&mut connection.clone()).await
                }
                Connection::Cluster(connection) => {
                    invocation.invoke_async(&mut connection.clone()).await
                }
            }
        };
        self.limited(answer).await
    }

    async fn claim_key(&self, key: &ReplayKey, lease: Duration) -> Result<Claim, Error> {
        let token = OwnerToken::generate();
        match self
            .run_script(&self.scripts.claim, key, &token, lease)
            .await?
        {
            1 => Ok(Claim::Claimed(token)),
            2 => Ok(Claim::Completed),
            _ => Ok(Claim::InFlight),
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("target", &self.target)
            .field(
                "cluster",
                &matches!(self.connection, Connection::Cluster(_)),
            )
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ReplayStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(self.claim_key(key, lease))
    }

    fn renew<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            Ok(self
                .run_script(&self.scripts.renew, key, token, lease)
                .await?
                == 1)
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            Ok(self
                .run_script(&self.scripts.complete, key, token, retention)
                .await?
                == 1)
        })
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            Ok(self
                .run_script(&self.scripts.release, key, token, Duration::ZERO)
                .await?
                == 1)
        })
    }

    fn release_detached(&self, key: ReplayKey, token: OwnerToken) {
        // Outside a Tokio runtime there is nowhere to run it: the lease ends
        // the claim instead.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let store = self.clone();
            runtime.spawn(async move {
                let _released = store
                    .run_script(&store.scripts.release, &key, &token, Duration::ZERO)
                    .await;
            });
        }
    }
}
