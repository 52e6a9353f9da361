//! The command line, as SPEC §6 defines it.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::Failure;
use crate::provider::Provider;

/// Sign, send, verify and listen to webhook deliveries
/// (Nomos, Noma, Standard Webhooks, Stripe, GitHub, Slack, Shopify, Paddle, Linear).
#[derive(Debug, Parser)]
#[command(name = "hookguard", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the signature headers a provider would send with a body.
    #[command(
        after_help = "Example:\n  hookguard sign --provider nomos --secret-env NOMOS_WEBHOOK_SECRET --body-file event.json"
    )]
    Sign(SignArgs),
    /// Check a captured delivery: exit 0 and the event as JSON, or exit 1 and the error code.
    #[command(
        after_help = "Example:\n  hookguard verify --provider nomos --secret-env NOMOS_WEBHOOK_SECRET \\\n    --header 'X-Nomos-Signature: t=1768473000,v1=5f…' --body-file event.json --now 1768473005"
    )]
    Verify(VerifyArgs),
    /// POST a signed delivery over http or https (a file, or a generated test event for --topic).
    #[command(
        after_help = "Example:\n  hookguard send --provider nomos --secret-env NOMOS_WEBHOOK_SECRET \\\n    --url http://127.0.0.1:3000/ --topic subscription.created"
    )]
    Send(SendArgs),
    /// Run a receiver (POST / by default) that prints each verified event as one JSON line.
    #[command(
        after_help = "Example:\n  hookguard listen --provider nomos --secret-env NOMOS_WEBHOOK_SECRET --addr 127.0.0.1:3000 --dedupe memory"
    )]
    Listen(ListenArgs),
    /// Register and manage the Noma webhook endpoint: create, list, get, update, delete, logs, rotate-secret.
    #[command(
        after_help = "Example:\n  hookguard noma create --name Site --url https://hooks.example.com/noma \\\n    --event content.published --source cms --secret-file ./noma-webhook-secret"
    )]
    Noma(crate::noma::NomaArgs),
}

/// The one secret to sign with, for `sign` and `send`, and (Standard
/// Webhooks) the ed25519 key to sign `v1a` entries with.
#[derive(Args)]
pub(crate) struct SigningSecret {
    /// The endpoint secret to sign with (visible in the process list: prefer --secret-env or --secret-file).
    #[arg(long = "secret", value_name = "S")]
    pub(crate) secrets: Vec<String>,
    /// The name of an environment variable that holds the secret to sign with.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub(crate) secret_envs: Vec<String>,
    /// A file whose first line is the secret to sign with.
    #[arg(long = "secret-file", value_name = "PATH")]
    pub(crate) secret_files: Vec<PathBuf>,
    /// The name of an environment variable that holds a Standard Webhooks signing key (`whsk_` + base64 of a 32-byte seed, or of 64 bytes seed and public key): adds a `v1a` (ed25519) entry; with a secret too, one `webhook-signature` header carries both `v1,` and `v1a,`.
    #[arg(long = "signing-key-env", value_name = "VAR")]
    pub(crate) signing_key_env: Option<String>,
}

/// What `sign` and `send` sign with: a secret, a `v1a` signing key, or both.
pub(crate) struct SigningKeys {
    pub(crate) secret: Option<String>,
    pub(crate) signing_key: Option<String>,
}

impl SigningSecret {
    /// The secret (at most one of the three sources) and the signing key;
    /// at least one of them.
    pub(crate) fn collect(&self) -> Result<SigningKeys, Failure> {
        let mut secrets = gather(&self.secrets, &self.secret_envs, &self.secret_files)?;
        if secrets.len() > 1 {
            return Err(Failure::Usage(
                "signing uses one secret: give one --secret, --secret-env or --secret-file".into(),
            ));
        }
        let signing_key = self.signing_key_env.as_deref().map(from_env).transpose()?;
        if secrets.is_empty() && signing_key.is_none() {
            return Err(Failure::Usage(
                "give one --secret, --secret-env or --secret-file, or --signing-key-env".into(),
            ));
        }
        Ok(SigningKeys {
            secret: secrets.pop(),
            signing_key,
        })
    }
}

/// The secrets and keys a receiver accepts, for `verify` and `listen`.
#[derive(Args)]
pub(crate) struct VerifyingSecrets {
    /// An endpoint secret (visible in the process list: prefer --secret-env or --secret-file); repeat while rotating: a delivery passes if any matches.
    #[arg(long = "secret", value_name = "S")]
    pub(crate) secrets: Vec<String>,
    /// The name of an environment variable that holds a secret; may repeat.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub(crate) secret_envs: Vec<String>,
    /// A file whose first line is a secret; may repeat. `secret_index` counts --secret, then --secret-env, then --secret-file, then --retiring-secret-env.
    #[arg(long = "secret-file", value_name = "PATH")]
    pub(crate) secret_files: Vec<PathBuf>,
    /// The name of an environment variable that holds a secret that stops matching after the --retire-at given in the same position; may repeat.
    #[arg(
        long = "retiring-secret-env",
        value_name = "VAR",
        requires = "retire_at"
    )]
    pub(crate) retiring_secret_envs: Vec<String>,
    /// The Unix time (seconds) after which the --retiring-secret-env in the same position no longer matches.
    #[arg(
        long = "retire-at",
        value_name = "UNIX",
        requires = "retiring_secret_envs"
    )]
    pub(crate) retire_at: Vec<u64>,
    /// A Standard Webhooks public key for `v1a` (ed25519) signatures: base64 of the raw 32-byte key or of its SPKI form, `whpk_` optional; may repeat (`public_key_index` counts them).
    #[arg(long = "public-key", value_name = "K")]
    pub(crate) public_keys: Vec<String>,
}

/// What `verify` and `listen` accept deliveries under.
pub(crate) struct VerifyingKeys {
    pub(crate) secrets: Vec<String>,
    pub(crate) retiring: Vec<(String, u64)>,
    pub(crate) public_keys: Vec<String>,
}

impl VerifyingSecrets {
    /// Every secret (`--secret`, then `--secret-env`, then `--secret-file`),
    /// the retiring ones with their dates, and the public keys; at least one
    /// of them.
    pub(crate) fn collect(&self) -> Result<VerifyingKeys, Failure> {
        let secrets = gather(&self.secrets, &self.secret_envs, &self.secret_files)?;
        if self.retiring_secret_envs.len() != self.retire_at.len() {
            return Err(Failure::Usage(
                "give one --retire-at for each --retiring-secret-env, in the same order".into(),
            ));
        }
        let retiring = self
            .retiring_secret_envs
            .iter()
            .zip(&self.retire_at)
            .map(|(name, &retire_at)| Ok((from_env(name)?, retire_at)))
            .collect::<Result<Vec<_>, Failure>>()?;
        if secrets.is_empty() && retiring.is_empty() && self.public_keys.is_empty() {
            return Err(Failure::Usage(
                "give at least one --secret, --secret-env, --secret-file, --retiring-secret-env or --public-key".into(),
            ));
        }
        Ok(VerifyingKeys {
            secrets,
            retiring,
            public_keys: self.public_keys.clone(),
        })
    }
}

/// `Debug` of secret options: how many of each source, never a secret
/// or a key (the variable names and file paths are not secret).
fn redacted_secrets<'f, 'a>(
    f: &'f mut fmt::Formatter<'a>,
    name: &str,
    secrets: &[String],
    secret_envs: &[String],
    secret_files: &[PathBuf],
) -> fmt::DebugStruct<'f, 'a> {
    let mut shown = f.debug_struct(name);
    shown
        .field("secrets", &format_args!("<{} redacted>", secrets.len()))
        .field("secret_envs", &secret_envs)
        .field("secret_files", &secret_files);
    shown
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted_secrets(
            f,
            "SigningSecret",
            &self.secrets,
            &self.secret_envs,
            &self.secret_files,
        )
        .field("signing_key_env", &self.signing_key_env)
        .finish()
    }
}

impl fmt::Debug for VerifyingSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        redacted_secrets(
            f,
            "VerifyingSecrets",
            &self.secrets,
            &self.secret_envs,
            &self.secret_files,
        )
        .field("retiring_secret_envs", &self.retiring_secret_envs)
        .field("retire_at", &self.retire_at)
        .field(
            "public_keys",
            &format_args!("<{} redacted>", self.public_keys.len()),
        )
        .finish()
    }
}

/// The longest first line `--secret-file` reads; real secrets are far shorter.
const SECRET_FILE_LIMIT: u64 = 4096;

/// The secrets of the three sources, in that order; possibly none.
fn gather(
    given: &[String],
    env_names: &[String],
    files: &[PathBuf],
) -> Result<Vec<String>, Failure> {
    let mut secrets = given.to_vec();
    for name in env_names {
        secrets.push(from_env(name)?);
    }
    for path in files {
        secrets.push(first_line(path)?);
    }
    Ok(secrets)
}

/// The value of environment variable `name` (never shown in an error).
fn from_env(name: &str) -> Result<String, Failure> {
    std::env::var(name)
        .map_err(|_| Failure::Usage(format!("environment variable {name} is not set")))
}

/// The first line of a secret file, without its line ending. The file is
/// read no further than [`SECRET_FILE_LIMIT`] bytes; the secret itself is
/// never part of an error.
fn first_line(path: &std::path::Path) -> Result<String, Failure> {
    use std::io::Read as _;
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|error| Failure::Usage(format!("cannot read --secret-file {shown}: {error}")))?;
    let mut head = Vec::new();
    file.take(SECRET_FILE_LIMIT + 1)
        .read_to_end(&mut head)
        .map_err(|error| Failure::Usage(format!("cannot read --secret-file {shown}: {error}")))?;
    let line = match head.iter().position(|&byte| byte == b'\n') {
        Some(end) => &head[..end],
        None if head.len() as u64 > SECRET_FILE_LIMIT => {
            return Err(Failure::Usage(format!(
                "--secret-file {shown}: the first line is longer than {SECRET_FILE_LIMIT} bytes"
            )));
        }
        None => &head[..],
    };
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(Failure::Usage(format!(
            "--secret-file {shown}: the first line is empty"
        )));
    }
    String::from_utf8(line.to_vec()).map_err(|_| {
        Failure::Usage(format!(
            "--secret-file {shown}: the first line is not UTF-8"
        ))
    })
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// nomos, noma, standard, stripe, github, slack, shopify, paddle or linear.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SigningSecret,
    /// The body to sign, or - for standard input.
    #[arg(long, value_name = "F")]
    pub(crate) body_file: PathBuf,
    /// The send time in Unix seconds (default: now).
    #[arg(long, value_name = "T")]
    pub(crate) timestamp: Option<u64>,
    /// The message id (Standard Webhooks `webhook-id`, GitHub `X-GitHub-Delivery`; default: generated).
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// nomos, noma, standard, stripe, github, slack, shopify, paddle or linear.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: VerifyingSecrets,
    /// A request header as `Name: value`; repeat for each (a name given twice is a repeated field).
    #[arg(long = "header", value_name = "'Name: value'")]
    pub(crate) headers: Vec<String>,
    /// The raw body, or - for standard input.
    #[arg(long, value_name = "F")]
    pub(crate) body_file: PathBuf,
    /// Check as if now were T (Unix seconds), e.g. when the delivery was captured.
    #[arg(long, value_name = "T")]
    pub(crate) now: Option<u64>,
    /// The tolerance in seconds (default 300).
    #[arg(long, value_name = "SECS")]
    pub(crate) tolerance: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// nomos, noma, standard, stripe, github, slack, shopify, paddle or linear.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SigningSecret,
    /// Where to POST: http:// or https:// (certificates checked against the system's roots).
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// The body to send, or - for standard input.
    #[arg(
        long,
        value_name = "F",
        conflicts_with = "topic",
        required_unless_present = "topic"
    )]
    pub(crate) body_file: Option<PathBuf>,
    /// Send a generated test event of this topic, with fresh ids.
    #[arg(long, value_name = "T", help = TOPIC_HELP)]
    pub(crate) topic: Option<String>,
    /// The send time in Unix seconds (default: now).
    #[arg(long, value_name = "T")]
    pub(crate) timestamp: Option<u64>,
    /// The message id: Standard Webhooks `webhook-id`, GitHub `X-GitHub-Delivery`, and with --topic the event's own id (Nomos, Stripe, Standard Webhooks `id`; Noma `delivery_id`). Default: generated.
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// An extra request header as `Name: value`; repeat for each. The first one of a name replaces a generated header of that name (to send a forged signature on purpose), later ones add to it.
    #[arg(long = "header", value_name = "'Name: value'")]
    pub(crate) headers: Vec<String>,
    /// Accept any certificate, for a local receiver with a self-signed one. Refused unless the URL's host is localhost or a loopback address.
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Seconds to wait for the answer.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub(crate) timeout: u64,
}

/// `send --topic`'s help: the topics each provider defines today.
const TOPIC_HELP: &str = "Send a generated test event of this topic, with fresh ids. \
Known topics: nomos: subscription.created, subscription.confirmed, subscription.activated, \
subscription.terminated, subscription.ended, test.event; \
noma: content.created, content.updated, content.published, content.unpublished, content.deleted, \
content.trashed, content.restored, auth.signup.success, auth.login.success, auth.logout.success, \
auth.logout_all.success, auth.email_verification.verified; \
standard, stripe: any event `type` (e.g. invoice.paid); github: any event name (e.g. push); \
slack: any `event.type` (e.g. app_mention); shopify: any `X-Shopify-Topic` (e.g. orders/paid); \
paddle: any `event_type` (e.g. transaction.completed); linear: `<type>.<action>` (e.g. Issue.create). \
Another topic is sent as given, with a warning.";

#[derive(Args)]
pub(crate) struct ListenArgs {
    /// nomos, noma, standard, stripe, github, slack, shopify, paddle or linear.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: VerifyingSecrets,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    pub(crate) addr: SocketAddr,
    /// The path deliveries are POSTed to; other methods there answer 405, other paths 404.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub(crate) path: String,
    /// Handle each event once: `memory`, or a Redis URL (`redis://host:port/`) shared by several listeners.
    #[arg(long, value_name = "memory|redis://…")]
    pub(crate) dedupe: Option<String>,
    /// With --provider noma and --dedupe: key Noma's retries of one event as one (the body without its `delivery_id` and `timestamp` values, kept 3 minutes), so the three attempts print once. Not for webhooks with the payload flag off or for auth events: two real events with the same content within 3 minutes print once.
    #[arg(long, requires = "dedupe")]
    pub(crate) noma_dedupe: bool,
    /// How long a request head may take to arrive, including the first one on an idle connection; then the connection is closed (`10`, `10s` or `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub(crate) header_timeout: Duration,
    /// How long a request body may go without a byte arriving; then the connection is closed. An idle timer, not a total: a large, slow but steady delivery passes.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = duration)]
    pub(crate) body_timeout: Duration,
    /// How many connections are served at once; past it, new ones wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: u32,
    /// How many event lines may wait for standard output (for tests).
    #[arg(long, hide = true, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) output_queue: u32,
    /// How long a verified delivery waits to enter the output queue (for tests).
    #[arg(long, hide = true, default_value = "5s", value_parser = duration)]
    pub(crate) queue_wait: Duration,
    /// How long a queued delivery waits for its line to be written (for tests).
    #[arg(long, hide = true, default_value = "5s", value_parser = duration)]
    pub(crate) flush_wait: Duration,
}

impl fmt::Debug for ListenArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A Redis URL may carry a password: show only which store it is.
        let dedupe = self.dedupe.as_deref().map(|store| {
            if store == "memory" {
                "memory"
            } else {
                "<redis URL redacted>"
            }
        });
        f.debug_struct("ListenArgs")
            .field("provider", &self.provider)
            .field("secret", &self.secret)
            .field("addr", &self.addr)
            .field("path", &self.path)
            .field("dedupe", &dedupe)
            .field("noma_dedupe", &self.noma_dedupe)
            .field("header_timeout", &self.header_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// A duration: whole seconds (`10`, `10s`) or milliseconds (`500ms`), at most a day.
fn duration(text: &str) -> Result<Duration, String> {
    let (digits, unit) = match text.strip_suffix("ms") {
        Some(digits) => (digits, Duration::from_millis(1)),
        None => (
            text.strip_suffix('s').unwrap_or(text),
            Duration::from_secs(1),
        ),
    };
    let usage = || format!("{text:?} is not a duration such as 10, 10s or 500ms");
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(usage());
    }
    let count: u32 = digits.parse().map_err(|_| usage())?;
    let duration = unit.saturating_mul(count);
    if duration.is_zero() || duration > Duration::from_secs(86_400) {
        return Err(format!("{text:?} must be more than 0 and at most a day"));
    }
    Ok(duration)
}

/// The body from a file, or from standard input for `-`.
pub(crate) fn read_body(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    if path.as_os_str() == "-" {
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut body)
            .map_err(|error| Failure::Usage(format!("cannot read standard input: {error}")))?;
        Ok(body)
    } else {
        std::fs::read(path)
            .map_err(|error| Failure::Usage(format!("cannot read {}: {error}", path.display())))
    }
}

#[cfg(test)]
mod debug_tests {
    use clap::Parser as _;

    use super::{Cli, Command};

    #[test]
    fn debug_of_the_arguments_never_shows_a_secret_or_a_redis_password() {
        let cli = Cli::parse_from([
            "hookguard",
            "listen",
            "--provider",
            "nomos",
            "--secret",
            "topsecret-value",
            "--dedupe",
            "redis://user:hunter2pass@127.0.0.1:6379/",
            "--public-key",
            "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=",
            "--retiring-secret-env",
            "OLD_SECRET",
            "--retire-at",
            "1769903999",
        ]);
        let Command::Listen(arguments) = cli.command else {
            panic!("parsed as listen");
        };
        let shown = format!("{cli_debug:?}", cli_debug = arguments);
        assert!(!shown.contains("topsecret-value"), "{shown}");
        assert!(!shown.contains("hunter2pass"), "{shown}");
        assert!(!shown.contains("IVL40Zt5"), "{shown}");
        assert!(shown.contains("secrets: <1 redacted>"), "{shown}");
        assert!(shown.contains("public_keys: <1 redacted>"), "{shown}");
        assert!(shown.contains("OLD_SECRET"), "{shown}");
        let cli = Cli::parse_from([
            "hookguard",
            "sign",
            "--provider",
            "nomos",
            "--secret",
            "topsecret-value",
            "--body-file",
            "-",
        ]);
        let shown = format!("{:?}", cli.command);
        assert!(!shown.contains("topsecret-value"), "{shown}");
    }
}
