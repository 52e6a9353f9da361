//! The command line, as SPEC §6 defines it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::Failure;
use crate::provider::Provider;

/// Sign, send, verify and listen to webhook deliveries
/// (Nomos, Noma, Standard Webhooks, Stripe, GitHub).
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
    /// POST a signed delivery (a file, or a generated test event for --topic).
    #[command(
        after_help = "Example:\n  hookguard send --provider nomos --secret-env NOMOS_WEBHOOK_SECRET \\\n    --url http://127.0.0.1:3000/ --topic subscription.created"
    )]
    Send(SendArgs),
    /// Run a receiver at POST / that prints each verified event as one JSON line.
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

/// The secrets of an endpoint: given, or read from the environment.
#[derive(Debug, Args)]
pub(crate) struct SecretArgs {
    /// An endpoint secret; repeat it while rotating (the first is used to sign).
    #[arg(long = "secret", value_name = "S")]
    pub(crate) secrets: Vec<String>,
    /// The name of an environment variable that holds a secret (keeps it out of the process list); may repeat.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub(crate) secret_envs: Vec<String>,
}

impl SecretArgs {
    /// Every secret, the `--secret` ones first, then the `--secret-env` ones.
    pub(crate) fn collect(&self) -> Result<Vec<String>, Failure> {
        let mut secrets = self.secrets.clone();
        for name in &self.secret_envs {
            let value = std::env::var(name)
                .map_err(|_| Failure::Usage(format!("environment variable {name} is not set")))?;
            secrets.push(value);
        }
        if secrets.is_empty() {
            return Err(Failure::Usage(
                "give at least one --secret or --secret-env".into(),
            ));
        }
        Ok(secrets)
    }
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// nomos, noma, standard, stripe or github.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
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
    /// nomos, noma, standard, stripe or github.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
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
    /// nomos, noma, standard, stripe or github.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// Where to POST (plain http://).
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
    #[arg(long, value_name = "T")]
    pub(crate) topic: Option<String>,
    /// The send time in Unix seconds (default: now).
    #[arg(long, value_name = "T")]
    pub(crate) timestamp: Option<u64>,
    /// Seconds to wait for the answer.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub(crate) timeout: u64,
}

#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// nomos, noma, standard, stripe or github.
    #[arg(long, value_name = "P")]
    pub(crate) provider: Provider,
    #[command(flatten)]
    pub(crate) secret: SecretArgs,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:3000")]
    pub(crate) addr: SocketAddr,
    /// Handle each event once: `memory`, or a Redis URL (`redis://host:port/`) shared by several listeners.
    #[arg(long, value_name = "memory|redis://…")]
    pub(crate) dedupe: Option<String>,
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
