//! The store against real Redis: a single server and a 3-node Redis Cluster.
//!
//! Single server: `REDIS_URL` when set, else a `redis-server` from `PATH`
//! that the tests start on a free 127.0.0.1 port and stop. Cluster:
//! `REDIS_CLUSTER_NODES` (comma-separated `redis://host:port` URLs, as
//! `.ci/run` exports them) when set, else three `redis-server
//! --cluster-enabled yes` joined with `redis-cli --cluster create`. Every
//! run uses its own key prefix and deletes its keys. Without a server the
//! tests say so in one loud line, and fail under `CI=true`.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hookguard_core::Error;
use hookguard_core::replay::{Claim, ReplayGuard, ReplayStore, contract};
use hookguard_redis::RedisStore;
use hookguard_redis::test_server::RedisServer as Server;
use redis::AsyncCommands as _;

/// A name no other run uses, so runs against one server do not meet.
fn unique() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let count = {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        COUNT.fetch_add(1, Ordering::SeqCst)
    };
    format!("{}-{nanos}-{count}", std::process::id())
}

/// Says once, loudly, that the tests of `what` could not run, and fails
/// under `CI=true`.
fn not_run(what: &str, reason: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the {what} tests cannot run, and CI=true requires them: {reason}");
    }
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !said.iter().any(|done| done == what) {
        said.push(what.to_owned());
        // Straight to stderr: the test harness captures `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "!!!!! {what} TESTS NOT RUN (they pass without checking anything): {reason}"
        );
    }
}

/// The single server: `REDIS_URL`, or one started here.
struct Single {
    url: String,
    _server: Option<Server>,
}

fn single() -> Option<Single> {
    if let Ok(url) = std::env::var("REDIS_URL") {
        return Some(Single { url, _server: None });
    }
    match Server::start(&[]) {
        Ok(server) => Some(Single {
            url: server.url(),
            _server: Some(server),
        }),
        Err(reason) => {
            not_run(
                "REDIS",
                &format!(
                    "REDIS_URL is not set and {reason}; install redis-server or set REDIS_URL"
                ),
            );
            None
        }
    }
}

/// A store on the single server, under a prefix of its own.
async fn single_store(redis: &Single) -> (RedisStore, String) {
    let prefix = format!("hookguard-test:{}:", unique());
    let store = RedisStore::connect(&redis.url)
        .await
        .unwrap()
        .with_prefix(prefix.clone());
    (store, prefix)
}

/// Deletes the run's keys from the single server, then checks none is left.
async fn clean_single(redis: &Single, prefix: &str) {
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = connection.keys(format!("{prefix}*")).await.unwrap();
    if !keys.is_empty() {
        let _: () = connection.del(&keys).await.unwrap();
    }
    let left: Vec<String> = connection.keys(format!("{prefix}*")).await.unwrap();
    assert_eq!(left, Vec::<String>::new(), "the run's keys were deleted");
}

fn claimed(claim: Result<Claim, Error>) -> hookguard_core::replay::OwnerToken {
    match claim {
        Ok(Claim::Claimed(token)) => token,
        other => panic!("expected a claim, got {other:?}"),
    }
}

#[tokio::test]
async fn redis_store_keeps_the_contract() {
    let Some(redis) = single() else { return };
    let (store, prefix) = single_store(&redis).await;
    let keys = contract::check(&store, &unique(), tokio::time::sleep).await;
    assert_eq!(keys.len(), 8);
    clean_single(&redis, &prefix).await;
}

#[tokio::test]
async fn keys_are_the_prefix_then_the_digest_in_lowercase_hex() {
    let Some(redis) = single() else { return };
    let (store, prefix) = single_store(&redis).await;
    let key = ReplayGuard::in_memory().key("nomos", b"evt_1");
    let token = claimed(store.claim(&key, Duration::from_secs(30)).await);
    let name = format!("{prefix}{key}");
    assert_eq!(store.redis_key(&key), name);
    assert_eq!(name.len(), prefix.len() + 64);
    let client = redis::Client::open(redis.url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let value: Option<String> = connection.get(&name).await.unwrap();
    assert_eq!(value.as_deref(), Some(token.as_str()));
    assert!(
        store
            .complete(&key, &token, Duration::from_secs(600))
            .await
            .unwrap()
    );
    let value: Option<String> = connection.get(&name).await.unwrap();
    assert_eq!(value.as_deref(), Some("done"));
    let ttl: i64 = connection.pttl(&name).await.unwrap();
    assert!(
        (590_000..=600_000).contains(&ttl),
        "retention 600 s, PTTL {ttl}"
    );
    clean_single(&redis, &prefix).await;
}

#[tokio::test]
async fn huge_lease_and_retention_are_not_refused() {
    // `PX u64::MAX` made Redis refuse every claim ("invalid expire time"):
    // the store answered store_unavailable to every delivery.
    let Some(redis) = single() else { return };
    let (store, prefix) = single_store(&redis).await;
    let key = ReplayGuard::in_memory().key("nomos", b"evt_huge");
    let token = claimed(store.claim(&key, Duration::MAX).await);
    assert!(store.renew(&key, &token, Duration::MAX).await.unwrap());
    assert!(store.complete(&key, &token, Duration::MAX).await.unwrap());
    assert_eq!(
        store.claim(&key, Duration::MAX).await.unwrap(),
        Claim::Completed
    );
    clean_single(&redis, &prefix).await;
}

#[tokio::test]
async fn concurrent_claims_of_one_key_give_one_owner() {
    let Some(redis) = single() else { return };
    let (store, prefix) = single_store(&redis).await;
    assert_eq!(race(&store).await, 1);
    clean_single(&redis, &prefix).await;
}

/// 16 claims of one key at once; returns how many won.
async fn race(store: &RedisStore) -> usize {
    let key = contract::key(&unique(), "evt_race");
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim(&key, Duration::from_secs(30)).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    assert!(
        answers
            .iter()
            .all(|answer| matches!(answer, Ok(Claim::Claimed(_) | Claim::InFlight))),
        "{answers:?}"
    );
    answers
        .iter()
        .filter(|answer| matches!(answer, Ok(Claim::Claimed(_))))
        .count()
}

#[tokio::test]
async fn a_handler_slower_than_its_lease_runs_once_on_redis() {
    // Nothing renewed the lease: a retry after it claimed the event while
    // the first handler still ran.
    let Some(redis) = single() else { return };
    let (store, prefix) = single_store(&redis).await;
    slow_handler_runs_once(ReplayGuard::new(store)).await;
    clean_single(&redis, &prefix).await;
}

/// A 2.5 s handler under a 1 s lease, and retries at 1.5 s and 2.2 s.
async fn slow_handler_runs_once(guard: ReplayGuard) {
    let guard = guard.with_lease(Duration::from_secs(1));
    let key = guard.key("nomos", format!("evt_slow_{}", unique()).as_bytes());
    let runs = Arc::new(AtomicUsize::new(0));
    let start = tokio::time::Instant::now();
    let first = {
        let (guard, runs) = (guard.clone(), Arc::clone(&runs));
        tokio::spawn(async move {
            let mut claimed = guard.claim(key, None).await.unwrap();
            claimed
                .hold_while(async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2500)).await;
                })
                .await;
            claimed.finish(true).await.unwrap();
        })
    };
    for at_ms in [1500, 2200] {
        tokio::time::sleep_until(start + Duration::from_millis(at_ms)).await;
        assert_eq!(
            guard.claim(key, None).await.unwrap_err(),
            Error::InFlight {
                retry_after_secs: 1
            },
            "a retry {at_ms} ms in finds the claim held"
        );
    }
    first.await.unwrap();
    assert_eq!(guard.claim(key, None).await.unwrap_err(), Error::Duplicate);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_server_is_refused_with_its_address_and_cause_but_no_password() {
    // The message said only "(Io)", with no address.
    let error = RedisStore::connect("redis://:hunter2@127.0.0.1:1/")
        .await
        .unwrap_err();
    let message = error.to_string();
    assert_eq!(error.target(), "127.0.0.1:1");
    assert!(
        message.starts_with("cannot connect to the Redis replay store at 127.0.0.1:1: "),
        "{message}"
    );
    assert!(
        message.contains("Connection refused"),
        "the cause: {message}"
    );
    assert!(!message.contains("hunter2"), "no password: {message}");
}

#[tokio::test]
async fn an_unreachable_cluster_is_refused_with_its_nodes_and_cause_but_no_password() {
    let error =
        RedisStore::connect_cluster(["redis://:hunter2@127.0.0.1:1/", "redis://127.0.0.1:2/"])
            .await
            .unwrap_err();
    let message = error.to_string();
    assert_eq!(error.target(), "127.0.0.1:1,127.0.0.1:2");
    assert!(
        message
            .starts_with("cannot connect to the Redis replay store at 127.0.0.1:1,127.0.0.1:2: "),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "no password: {message}");
}

#[tokio::test]
async fn an_invalid_url_is_refused_without_echoing_it() {
    let error = RedisStore::connect("http://user:hunter2@example/")
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("cannot connect to the Redis replay store at an invalid URL: "),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "no password: {message}");
}

/// A 3-node cluster these tests started.
struct Cluster {
    nodes: Vec<String>,
    _servers: Vec<Server>,
}

fn start_cluster() -> Result<Cluster, String> {
    let servers = (0..3)
        .map(|_| {
            Server::start(&[
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ])
        })
        .collect::<Result<Vec<_>, _>>()?;
    let addresses: Vec<String> = servers
        .iter()
        .map(|server| format!("127.0.0.1:{}", server.port()))
        .collect();
    let created = Command::new("redis-cli")
        .arg("--cluster")
        .arg("create")
        .args(&addresses)
        .args(["--cluster-replicas", "0", "--cluster-yes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|error| format!("cannot run redis-cli from PATH ({error})"))?;
    if !created.success() {
        return Err(format!("redis-cli --cluster create failed: {created}"));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for server in &servers {
        loop {
            let info = Command::new("redis-cli")
                .args(["-p", &server.port().to_string(), "cluster", "info"])
                .output()
                .map_err(|error| format!("cannot run redis-cli ({error})"))?;
            if String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok") {
                break;
            }
            if Instant::now() > deadline {
                return Err("the cluster did not reach cluster_state:ok in 30 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    Ok(Cluster {
        nodes: servers.iter().map(Server::url).collect(),
        _servers: servers,
    })
}

fn cluster() -> Option<Cluster> {
    if let Ok(nodes) = std::env::var("REDIS_CLUSTER_NODES") {
        return Some(Cluster {
            nodes: nodes.split(',').map(str::to_owned).collect(),
            _servers: Vec::new(),
        });
    }
    match start_cluster() {
        Ok(cluster) => Some(cluster),
        Err(reason) => {
            not_run(
                "REDIS CLUSTER",
                &format!("REDIS_CLUSTER_NODES is not set and {reason}"),
            );
            None
        }
    }
}

#[tokio::test]
async fn redis_cluster_keeps_the_contract() {
    let Some(cluster) = cluster() else { return };
    let prefix = format!("hookguard-test:{}:", unique());
    let store = RedisStore::connect_cluster(&cluster.nodes)
        .await
        .unwrap()
        .with_prefix(prefix.clone());
    let keys = contract::check(&store, &unique(), tokio::time::sleep).await;
    assert_eq!(keys.len(), 8);
    assert_eq!(race(&store).await, 1);
    slow_handler_runs_once(ReplayGuard::new(store.clone())).await;

    // Delete what this run left, node by node (each node lists the keys of
    // its own slots). The keys landed on more than one node: the scripts
    // really ran cluster-wide, each on its key's node.
    let mut nodes_with_keys = 0;
    for node in &cluster.nodes {
        let client = redis::Client::open(node.as_str()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let found: Vec<String> = connection.keys(format!("{prefix}*")).await.unwrap();
        nodes_with_keys += usize::from(!found.is_empty());
        for key in &found {
            let _: i64 = connection.del(key).await.unwrap();
        }
        let left: Vec<String> = connection.keys(format!("{prefix}*")).await.unwrap();
        assert_eq!(
            left,
            Vec::<String>::new(),
            "the run's keys on {node} were deleted"
        );
    }
    assert!(
        nodes_with_keys > 1,
        "keys spread over {nodes_with_keys} node(s)"
    );
}
