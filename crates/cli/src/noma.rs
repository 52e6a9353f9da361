//! `hookguard noma …`: register and manage the Noma webhook endpoint
//! (SPEC §12), with `hookguard-noma-api`.

mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgGroup, Args, Subcommand};
use hookguard_noma_api::{
    ApiToken, Client, DEFAULT_BASE_URL, Error, Event, FieldError, Source, WebhookDefinition,
    WebhookSecret,
};

use crate::Failure;

/// Register and manage the Noma webhook endpoint.
#[derive(Debug, Args)]
pub(crate) struct NomaArgs {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: NomaCommand,
}

/// The options every `noma` subcommand takes.
#[derive(Debug, Args)]
struct Common {
    /// The Noma API (http:// only for loopback hosts).
    #[arg(long, global = true, value_name = "URL", env = "NOMA_API_URL", default_value = DEFAULT_BASE_URL)]
    api_url: String,
    /// The project's UUID.
    #[arg(long, global = true, value_name = "ID", env = "NOMA_PROJECT_ID")]
    project_id: Option<String>,
    /// The environment variable that holds the API token (admin ability); the token never goes on the command line.
    #[arg(
        long,
        global = true,
        value_name = "VAR",
        default_value = "NOMA_API_KEY"
    )]
    api_key_env: String,
    /// Print the API's JSON (one line per webhook or log row) instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum NomaCommand {
    /// Register a webhook; with --secret-file, a new signing secret is generated into a new file (0600).
    #[command(
        after_help = "Example:\n  export NOMA_PROJECT_ID=… NOMA_API_KEY=…\n  hookguard noma create --name 'Site rebuild' --url https://hooks.example.com/noma \\\n    --event content.published --event content.updated --source cms --source api \\\n    --secret-file ./noma-webhook-secret"
    )]
    Create(DefinitionArgs),
    /// Replace a webhook's whole definition (Noma's PUT is not a patch: give every flag, the secret choice too).
    #[command(
        after_help = "Example:\n  hookguard noma update 9f0c2b1e-… --name 'Site rebuild' --url https://hooks.example.com/noma \\\n    --event content.published --source cms --secret-env NOMA_WEBHOOK_SECRET --disabled"
    )]
    Update {
        /// The webhook's UUID.
        uuid: String,
        #[command(flatten)]
        definition: DefinitionArgs,
    },
    /// List the project's webhooks.
    #[command(after_help = "Example:\n  hookguard noma list --json")]
    List,
    /// Show one webhook.
    #[command(after_help = "Example:\n  hookguard noma get 9f0c2b1e-…")]
    Get {
        /// The webhook's UUID.
        uuid: String,
    },
    /// Delete a webhook.
    #[command(after_help = "Example:\n  hookguard noma delete 9f0c2b1e-…")]
    Delete {
        /// The webhook's UUID.
        uuid: String,
    },
    /// Show a webhook's delivery logs (every page unless --page is given).
    #[command(after_help = "Example:\n  hookguard noma logs 9f0c2b1e-… --page 1 --per-page 50")]
    Logs {
        /// The webhook's UUID.
        uuid: String,
        /// Only this page (1-based).
        #[arg(long, value_name = "N")]
        page: Option<u64>,
        /// Rows per page (the server caps it, typically at 100).
        #[arg(long, value_name = "N", default_value_t = 25)]
        per_page: u64,
    },
    /// Rotate the signing secret in two steps, so no delivery fails in between.
    #[command(
        after_help = "Example:\n  hookguard noma rotate-secret 9f0c2b1e-… --secret-file ./noma-secret.next\n  # deploy the receiver with the new and the old secret, then:\n  hookguard noma rotate-secret 9f0c2b1e-… --secret-file ./noma-secret.next --commit"
    )]
    RotateSecret {
        /// The webhook's UUID.
        uuid: String,
        /// The new secret: written here (a new file) without --commit, read from here with it.
        #[arg(long, value_name = "NEW")]
        secret_file: PathBuf,
        /// Send the new secret to Noma (GET the definition, PUT it back with the new secret).
        #[arg(long)]
        commit: bool,
    },
}

/// A webhook's whole definition, as create and update take it.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("secret").required(true).args(["secret_file", "secret_env", "no_secret"])))]
struct DefinitionArgs {
    /// Display name (1 to 255 characters).
    #[arg(long, value_name = "N")]
    name: String,
    /// Where Noma delivers: https, a public host.
    #[arg(long, value_name = "URL")]
    url: String,
    /// An event to subscribe to; repeat for each (content.created, content.published, auth.login.success…).
    #[arg(long = "event", value_name = "E")]
    events: Vec<String>,
    /// cms, api; repeat for both.
    #[arg(long = "source", value_name = "S")]
    sources: Vec<String>,
    /// Notes.
    #[arg(long, value_name = "D")]
    description: Option<String>,
    /// Limit to this collection id; repeat for each (default: every collection).
    #[arg(long = "collection-id", value_name = "N")]
    collection_ids: Vec<u64>,
    /// Deliveries carry ids only, not the full entry.
    #[arg(long)]
    no_payload: bool,
    /// Register the webhook disabled.
    #[arg(long)]
    disabled: bool,
    /// Generate a new secret into this new file (0600, refused if it exists).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// Use the secret in this environment variable.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// Register an unsigned webhook (anyone who knows the URL can forge a delivery).
    #[arg(long)]
    no_secret: bool,
}

pub(crate) fn run(arguments: &NomaArgs) -> Result<ExitCode, Failure> {
    let client = client(&arguments.common)?;
    let json = arguments.common.json;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Failed(format!("cannot start the runtime: {error}")))?;
    runtime.block_on(async {
        match &arguments.command {
            NomaCommand::Create(definition) => register(&client, None, definition, json).await,
            NomaCommand::Update { uuid, definition } => {
                register(&client, Some(uuid), definition, json).await
            }
            NomaCommand::List => {
                let webhooks = client.list().await.map_err(failure)?;
                output::webhooks(&webhooks, json);
                Ok(ExitCode::SUCCESS)
            }
            NomaCommand::Get { uuid } => {
                let webhook = client.get(uuid).await.map_err(failure)?;
                output::webhook(&webhook, json);
                Ok(ExitCode::SUCCESS)
            }
            NomaCommand::Delete { uuid } => {
                client.delete(uuid).await.map_err(failure)?;
                if json {
                    println!("{}", serde_json::json!({ "deleted": uuid }));
                } else {
                    println!("deleted webhook {uuid}");
                }
                Ok(ExitCode::SUCCESS)
            }
            NomaCommand::Logs {
                uuid,
                page,
                per_page,
            } => {
                match page {
                    Some(page) => {
                        let page = client.logs(uuid, *page, *per_page).await.map_err(failure)?;
                        output::logs(&page.entries, json);
                        if !json {
                            let total = page.total.map_or(String::new(), |t| format!(", {t} rows"));
                            println!("page {} of {}{total}", page.current_page, page.last_page);
                        }
                    }
                    None => {
                        let entries = client.all_logs(uuid, *per_page).await.map_err(failure)?;
                        output::logs(&entries, json);
                    }
                }
                Ok(ExitCode::SUCCESS)
            }
            NomaCommand::RotateSecret {
                uuid,
                secret_file,
                commit,
            } => rotate(&client, uuid, secret_file, *commit, json).await,
        }
    })
}

/// The client, or a usage error naming what is missing.
fn client(common: &Common) -> Result<Client, Failure> {
    let token = std::env::var(&common.api_key_env).map_err(|_| {
        Failure::Usage(format!(
            "environment variable {} is not set: it must hold a Noma API token with the admin ability",
            common.api_key_env
        ))
    })?;
    let project = common
        .project_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .ok_or_else(|| {
            Failure::Usage("no project id: set NOMA_PROJECT_ID or pass --project-id".into())
        })?;
    Client::builder(project, ApiToken::new(token))
        .base_url(&common.api_url)
        .build()
        .map_err(failure)
}

/// Exit 2 for what was refused before sending or misconfigured, 1 for the rest.
fn failure(error: Error) -> Failure {
    match error {
        Error::Invalid(_) | Error::Config(_) => Failure::Usage(error.to_string()),
        other => Failure::Failed(other.to_string()),
    }
}

fn warn(warnings: &[FieldError]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// The definition the flags describe; the secret is decided by the caller.
fn definition(arguments: &DefinitionArgs) -> Result<WebhookDefinition, Failure> {
    let mut errors = Vec::new();
    let events = arguments
        .events
        .iter()
        .filter_map(|name| {
            name.parse::<Event>()
                .map_err(|unknown| errors.push(format!("events: {unknown}")))
                .ok()
        })
        .collect();
    let sources = arguments
        .sources
        .iter()
        .filter_map(|name| {
            name.parse::<Source>()
                .map_err(|unknown| errors.push(format!("sources: {unknown} (cms or api)")))
                .ok()
        })
        .collect();
    if !errors.is_empty() {
        return Err(Failure::Usage(format!(
            "refused before sending: {}",
            errors.join("; ")
        )));
    }
    let mut definition = WebhookDefinition::new(&arguments.name, &arguments.url, events, sources);
    definition.description.clone_from(&arguments.description);
    definition
        .collection_ids
        .clone_from(&arguments.collection_ids);
    definition.payload = !arguments.no_payload;
    definition.status = !arguments.disabled;
    Ok(definition)
}

/// `create` (uuid `None`) and `update`.
async fn register(
    client: &Client,
    uuid: Option<&String>,
    arguments: &DefinitionArgs,
    json: bool,
) -> Result<ExitCode, Failure> {
    let mut definition = definition(arguments)?;
    if let Some(name) = &arguments.secret_env {
        let secret = std::env::var(name)
            .map_err(|_| Failure::Usage(format!("environment variable {name} is not set")))?;
        definition.secret = Some(WebhookSecret::new(secret));
    }
    // Everything is checked before a secret file is written or a request sent.
    let warnings = client.validate(&definition).await.map_err(failure)?;
    warn(&warnings);
    if arguments.no_secret {
        eprintln!(
            "warning: --no-secret: Noma will send unsigned deliveries; anyone who knows the URL can forge one"
        );
    }
    if let Some(path) = &arguments.secret_file {
        let secret = WebhookSecret::generate_to_file(path).map_err(|error| match error {
            Error::SecretFile { .. } => Failure::Usage(format!(
                "{error} (a secret file is never overwritten: choose a new path)"
            )),
            other => Failure::Failed(other.to_string()),
        })?;
        definition.secret = Some(secret);
    }
    let answer = match uuid {
        None => client.create(&definition).await,
        Some(uuid) => client.update(uuid, &definition).await,
    };
    let registered = match answer {
        Ok(registered) => registered,
        Err(error) => {
            if let Some(path) = &arguments.secret_file {
                forget_secret_file(path, &error);
            }
            return Err(failure(error));
        }
    };
    output::registered(
        &registered.webhook,
        uuid.is_none(),
        arguments.secret_file.as_deref(),
        json,
    );
    Ok(ExitCode::SUCCESS)
}

/// After a failed create or update: a secret the API surely refused is
/// removed; after a transport failure it may be registered, so it stays.
fn forget_secret_file(path: &Path, error: &Error) {
    if error.status().is_some() {
        if std::fs::remove_file(path).is_ok() {
            eprintln!(
                "removed {}: the API refused it, nothing was registered",
                path.display()
            );
        }
    } else {
        eprintln!(
            "kept {}: the request may have reached Noma; check with `hookguard noma list`",
            path.display()
        );
    }
}

async fn rotate(
    client: &Client,
    uuid: &str,
    path: &Path,
    commit: bool,
    json: bool,
) -> Result<ExitCode, Failure> {
    if !commit {
        WebhookSecret::generate_to_file(path).map_err(|error| {
            Failure::Usage(format!(
                "{error} (a secret file is never overwritten: choose a new path)"
            ))
        })?;
        output::rotation_steps(uuid, path, json);
        return Ok(ExitCode::SUCCESS);
    }
    let secret =
        WebhookSecret::read_file(path).map_err(|error| Failure::Usage(error.to_string()))?;
    let current = client.get(uuid).await.map_err(failure)?;
    let next = WebhookDefinition::from_webhook(&current, Some(secret)).map_err(|unknown| {
        Failure::Failed(format!(
            "webhook {uuid} has an event or source this version does not know ({unknown}); update it with `hookguard noma update`"
        ))
    })?;
    let registered = client.update(uuid, &next).await.map_err(failure)?;
    warn(&registered.warnings);
    output::committed(&registered.webhook, path, json);
    Ok(ExitCode::SUCCESS)
}
