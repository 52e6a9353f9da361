//! `hookguard noma …` driven as a process against a fake Noma API on
//! 127.0.0.1, and the end-to-end path: create with a generated secret,
//! then a delivery signed with that secret verifies.

#![allow(clippy::unwrap_used)]

#[path = "../../noma-api/tests/support/fake_noma.rs"]
mod fake_noma;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fake_noma::{ADMIN_TOKEN, FakeNoma, PROJECT};

/// A public IP literal: no DNS needed, so no warning and no waiting.
const HOOK_URL: &str = "https://93.184.215.14/noma";
const NOW: &str = "1768473000";
const NOMA_EVENT: &str = r#"{"event":"content.published","project_uuid":"0b6f3c2e","collection_id":2,"content_id":41,"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"dlv_1"}"#;

fn noma(fake: &FakeNoma, arguments: &[&str]) -> Output {
    noma_with(fake, arguments, &[])
}

fn noma_with(fake: &FakeNoma, arguments: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookguard"));
    command
        .arg("noma")
        .args(arguments)
        .env_remove("RUST_LOG")
        .env("NOMA_API_URL", fake.url())
        .env("NOMA_PROJECT_ID", PROJECT)
        .env("NOMA_API_KEY", ADMIN_TOKEN);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A fresh folder for secret files.
fn scratch(name: &str) -> PathBuf {
    let folder =
        std::env::temp_dir().join(format!("hookguard-noma-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

fn create_arguments(secret_file: &Path) -> Vec<String> {
    [
        "create",
        "--name",
        "Site rebuild",
        "--url",
        HOOK_URL,
        "--event",
        "content.published",
        "--event",
        "content.updated",
        "--source",
        "cms",
        "--source",
        "api",
        "--secret-file",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([secret_file.to_str().unwrap().to_owned()])
    .collect()
}

fn run_create(fake: &FakeNoma, secret_file: &Path) -> Output {
    let arguments = create_arguments(secret_file);
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    noma(fake, &arguments)
}

fn assert_nothing_secret(output: &Output, secret: &str) {
    for stream in [text(&output.stdout), text(&output.stderr)] {
        assert!(!stream.contains(ADMIN_TOKEN), "token printed: {stream}");
        assert!(
            secret.is_empty() || !stream.contains(secret),
            "secret printed: {stream}"
        );
    }
}

#[test]
fn noma_create_with_a_generated_secret_then_a_signed_delivery_verifies() {
    let fake = FakeNoma::start_in_thread();
    let secret_file = scratch("e2e").join("noma-secret");
    let output = run_create(&fake, &secret_file);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    let secret = std::fs::read_to_string(&secret_file).unwrap();
    assert_eq!(secret.len(), 43);
    assert!(!secret.contains('\n'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_nothing_secret(&output, &secret);
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("created webhook 9f0c2b1e-0000-4000-8000-000000000001\n"),
        "{stdout}"
    );

    // The API got exactly that secret, with the documented request.
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/api/webhooks");
    assert_eq!(
        requests[0].headers["authorization"],
        format!("Bearer {ADMIN_TOKEN}")
    );
    assert_eq!(requests[0].headers["project-id"], PROJECT);
    assert_eq!(
        requests[0].body.as_ref().unwrap(),
        &serde_json::json!({
            "name": "Site rebuild", "url": HOOK_URL, "secret": secret,
            "events": ["content.published", "content.updated"], "sources": ["cms", "api"],
            "payload": true, "status": true, "collection_ids": [],
        })
    );

    // A delivery signed with the file's secret, as Noma would send it, verifies.
    let body = scratch("e2e-body").join("body.json");
    std::fs::write(&body, NOMA_EVENT).unwrap();
    let body = body.to_str().unwrap();
    let signed = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "sign",
            "--provider",
            "noma",
            "--secret-env",
            "NOMA_WEBHOOK_SECRET",
            "--body-file",
            body,
        ])
        .env("NOMA_WEBHOOK_SECRET", &secret)
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
    let header = text(&signed.stdout).trim().to_owned();
    assert!(header.starts_with("x-webhook-signature: "), "{header}");
    let verified = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "verify",
            "--provider",
            "noma",
            "--secret-env",
            "NOMA_WEBHOOK_SECRET",
            "--header",
            &header,
            "--body-file",
            body,
            "--now",
            NOW,
        ])
        .env("NOMA_WEBHOOK_SECRET", &secret)
        .output()
        .unwrap();
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stdout)
    );
    assert!(text(&verified.stdout).starts_with(
        r#"{"ok":true,"provider":"noma","secret_index":0,"public_key_index":null,"topic":"content.published""#
    ));

    // And one signed with any other secret does not.
    let refused = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "verify",
            "--provider",
            "noma",
            "--secret-env",
            "NOMA_WEBHOOK_SECRET",
            "--header",
            &header,
            "--body-file",
            body,
            "--now",
            NOW,
        ])
        .env("NOMA_WEBHOOK_SECRET", "another-secret-entirely")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        text(&refused.stdout),
        "{\"ok\":false,\"error\":\"signature_mismatch\"}\n"
    );
}

#[test]
fn transcript_of_create_list_and_logs() {
    let fake = FakeNoma::start_in_thread();
    let secret_file = scratch("transcript").join("noma-secret");
    let create = run_create(&fake, &secret_file);
    assert_eq!(create.status.code(), Some(0), "{}", text(&create.stderr));
    let uuid = "9f0c2b1e-0000-4000-8000-000000000001";
    fake.seed("Search index", "https://search.example.com/noma");
    fake.add_logs(uuid, 3);
    let list = noma(&fake, &["list"]);
    let logs = noma(&fake, &["logs", uuid]);
    let list_json = noma(&fake, &["list", "--json"]);
    let logs_json = noma(
        &fake,
        &["logs", uuid, "--page", "1", "--per-page", "2", "--json"],
    );
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    for output in [&create, &list, &logs, &list_json, &logs_json] {
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_nothing_secret(output, &secret);
    }
    println!(
        "$ hookguard noma {}",
        create_arguments(Path::new("./noma-secret")).join(" ")
    );
    print!(
        "{}",
        text(&create.stdout).replace(secret_file.to_str().unwrap(), "./noma-secret")
    );
    println!("$ hookguard noma list");
    print!("{}", text(&list.stdout));
    println!("$ hookguard noma logs {uuid}");
    print!("{}", text(&logs.stdout));
    println!("$ hookguard noma list --json");
    print!("{}", text(&list_json.stdout));
    println!("$ hookguard noma logs {uuid} --page 1 --per-page 2 --json");
    print!("{}", text(&logs_json.stdout));

    assert_eq!(
        text(&list.stdout),
        format!(
            "UUID                                  STATUS   EVENTS                             NAME          URL\n\
             {uuid}  enabled  content.published,content.updated  Site rebuild  {HOOK_URL}\n\
             9f0c2b1e-0000-4000-8000-000000000002  enabled  content.published                  Search index  https://search.example.com/noma\n"
        )
    );
    assert_eq!(
        text(&logs.stdout),
        "WHEN                         EVENT              STATUS  URL\n\
         2026-01-15T10:59:00.000000Z  content.published  200     https://hooks.example.com/noma\n\
         2026-01-15T10:58:00.000000Z  content.updated    500     https://hooks.example.com/noma\n\
         2026-01-15T10:57:00.000000Z  content.published  200     https://hooks.example.com/noma\n"
    );
    // --json: one line of the API's JSON per webhook, per log row.
    let lines: Vec<serde_json::Value> = text(&list_json.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["uuid"], uuid);
    assert_eq!(text(&logs_json.stdout).lines().count(), 2);
    let requests = fake.requests();
    let last = requests.last().unwrap();
    assert_eq!(last.query.as_deref(), Some("page=1&paginate=2"));
}

#[test]
fn a_missing_token_or_project_id_is_a_usage_error_naming_the_variable() {
    let fake = FakeNoma::start_in_thread();
    let output = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args(["noma", "list", "--api-url", &fake.url()])
        .env_remove("NOMA_API_KEY")
        .env("NOMA_PROJECT_ID", PROJECT)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: environment variable NOMA_API_KEY is not set: it must hold a Noma API token with the admin ability\n"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "noma",
            "list",
            "--api-url",
            &fake.url(),
            "--api-key-env",
            "MY_NOMA_TOKEN",
        ])
        .env("MY_NOMA_TOKEN", ADMIN_TOKEN)
        .env_remove("NOMA_PROJECT_ID")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: no project id: set NOMA_PROJECT_ID or pass --project-id\n"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn local_refusals_exit_2_name_the_field_and_send_nothing() {
    let fake = FakeNoma::start_in_thread();
    let folder = scratch("refusals");
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--url",
                "http://hooks.example.com/",
                "--event",
                "content.published",
                "--source",
                "cms",
            ],
            "url: must use https, not http",
        ),
        (
            &[
                "--url",
                "https://192.168.1.10/",
                "--event",
                "content.published",
                "--source",
                "cms",
            ],
            "url: 192.168.1.10 is private (192.168.0.0/16)",
        ),
        (
            &[
                "--url",
                HOOK_URL,
                "--event",
                "content.exploded",
                "--source",
                "cms",
            ],
            "events: unknown name \"content.exploded\"",
        ),
        (
            &["--url", HOOK_URL, "--source", "cms"],
            "events: at least one event is required",
        ),
        (
            &[
                "--url",
                HOOK_URL,
                "--event",
                "content.published",
                "--source",
                "cms",
                "--source",
                "web",
            ],
            "sources: unknown name \"web\" (cms or api)",
        ),
    ];
    for (index, (flags, reason)) in cases.iter().enumerate() {
        let secret_file = folder.join(format!("secret-{index}"));
        let mut arguments = vec!["create", "--name", "Site"];
        arguments.extend_from_slice(flags);
        arguments.extend(["--secret-file", secret_file.to_str().unwrap()]);
        let output = noma(&fake, &arguments);
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
        let stderr = text(&output.stderr);
        assert!(
            stderr.starts_with("error: refused before sending: "),
            "{stderr}"
        );
        assert!(stderr.contains(reason), "{stderr}");
        assert!(
            !secret_file.exists(),
            "a secret file was written for a refused definition"
        );
    }
    let output = noma_with(
        &fake,
        &[
            "create",
            "--name",
            "Site",
            "--url",
            HOOK_URL,
            "--event",
            "content.published",
            "--source",
            "cms",
            "--secret-env",
            "PADDED",
        ],
        &[("PADDED", " padded-secret ")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: refused before sending: secret: has leading or trailing white space\n"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn an_existing_secret_file_is_refused_before_any_request() {
    let fake = FakeNoma::start_in_thread();
    let secret_file = scratch("existing").join("noma-secret");
    std::fs::write(&secret_file, "the secret in use today").unwrap();
    let output = run_create(&fake, &secret_file);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("never overwritten"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&secret_file).unwrap(),
        "the secret in use today"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn the_servers_422_exits_1_with_its_field_errors_and_the_unused_secret_file_goes() {
    let fake = FakeNoma::start_in_thread();
    let secret_file = scratch("422").join("noma-secret");
    let mut arguments = create_arguments(&secret_file);
    arguments.extend(["--collection-id".to_owned(), "99".to_owned()]);
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let output = noma(&fake, &arguments);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        format!(
            "removed {}: the API refused it, nothing was registered\n\
             error: the Noma API answered 422 (validation failed): The selected collection_ids.0 is invalid.; \
             collection_ids.0: The selected collection_ids.0 is invalid.\n",
            secret_file.display()
        )
    );
    assert!(!secret_file.exists());
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_token_without_admin_is_exit_1_with_the_status() {
    let fake = FakeNoma::start_in_thread();
    let output = noma_with(
        &fake,
        &["list"],
        &[("NOMA_API_KEY", fake_noma::READER_TOKEN)],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        "error: the Noma API answered 403 (the token lacks the admin ability): Forbidden\n"
    );
}

#[test]
fn rotate_secret_writes_first_and_commits_second() {
    let fake = FakeNoma::start_in_thread();
    let uuid = fake.seed("Site", HOOK_URL);
    let next = scratch("rotate").join("noma-secret.next");
    let step_one = noma(
        &fake,
        &[
            "rotate-secret",
            &uuid,
            "--secret-file",
            next.to_str().unwrap(),
        ],
    );
    assert_eq!(
        step_one.status.code(),
        Some(0),
        "{}",
        text(&step_one.stderr)
    );
    assert!(fake.requests().is_empty(), "step one must not touch Noma");
    let secret = std::fs::read_to_string(&next).unwrap();
    assert_eq!(secret.len(), 43);
    assert_nothing_secret(&step_one, &secret);
    let steps = text(&step_one.stdout);
    assert_eq!(steps.lines().count(), 4, "{steps}");
    assert!(steps.contains(&format!(
        "3. hookguard noma rotate-secret {uuid} --secret-file {} --commit",
        next.display()
    )));

    let step_three = noma(
        &fake,
        &[
            "rotate-secret",
            &uuid,
            "--secret-file",
            next.to_str().unwrap(),
            "--commit",
        ],
    );
    assert_eq!(
        step_three.status.code(),
        Some(0),
        "{}",
        text(&step_three.stderr)
    );
    assert_nothing_secret(&step_three, &secret);
    let requests = fake.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PUT"]);
    assert_eq!(
        requests[1].body.as_ref().unwrap(),
        &serde_json::json!({
            "name": "Site", "url": HOOK_URL, "secret": secret,
            "events": ["content.published"], "sources": ["cms"],
            "payload": true, "status": true, "collection_ids": [],
        })
    );
    assert_eq!(fake.stored_secret(&uuid).as_deref(), Some(secret.as_str()));

    // Running step one again would overwrite NEW: refused.
    let again = noma(
        &fake,
        &[
            "rotate-secret",
            &uuid,
            "--secret-file",
            next.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn get_update_and_delete_round_trip() {
    let fake = FakeNoma::start_in_thread();
    let uuid = fake.seed("Site", HOOK_URL);
    let get = noma(&fake, &["get", &uuid, "--json"]);
    assert_eq!(get.status.code(), Some(0));
    let webhook: serde_json::Value = serde_json::from_str(text(&get.stdout).trim()).unwrap();
    assert_eq!(webhook["uuid"], uuid.as_str());

    let update = noma(
        &fake,
        &[
            "update",
            &uuid,
            "--name",
            "Site (off)",
            "--url",
            HOOK_URL,
            "--event",
            "content.deleted",
            "--source",
            "api",
            "--no-secret",
            "--disabled",
            "--no-payload",
        ],
    );
    assert_eq!(update.status.code(), Some(0), "{}", text(&update.stderr));
    assert!(text(&update.stderr).contains("warning: --no-secret"));
    let put = fake.requests().pop().unwrap();
    assert_eq!(put.method, "PUT");
    assert_eq!(put.body.unwrap()["payload"], false);
    assert_eq!(fake.stored_secret(&uuid), None);

    let delete = noma(&fake, &["delete", &uuid]);
    assert_eq!(text(&delete.stdout), format!("deleted webhook {uuid}\n"));
    let gone = noma(&fake, &["get", &uuid]);
    assert_eq!(gone.status.code(), Some(1));
    assert_eq!(
        text(&gone.stderr),
        "error: the Noma API answered 404 (not found): Webhook not found.\n"
    );
}

#[test]
fn an_unreachable_api_is_a_clear_error_with_the_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "noma",
            "list",
            "--api-url",
            &format!("http://127.0.0.1:{port}"),
            "--project-id",
            PROJECT,
        ])
        .env("NOMA_API_KEY", ADMIN_TOKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: cannot reach http://127.0.0.1:{port}/api/webhooks: "
        )),
        "{stderr}"
    );
    let plain_http = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "noma",
            "list",
            "--api-url",
            "http://app.nomacms.com",
            "--project-id",
            PROJECT,
        ])
        .env("NOMA_API_KEY", ADMIN_TOKEN)
        .output()
        .unwrap();
    assert_eq!(plain_http.status.code(), Some(2));
    assert!(text(&plain_http.stderr).contains("http:// is only for loopback hosts"));
}

#[test]
fn every_noma_subcommand_help_shows_an_example() {
    for subcommand in [
        "create",
        "update",
        "list",
        "get",
        "delete",
        "logs",
        "rotate-secret",
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_hookguard"))
            .args(["noma", subcommand, "--help"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let help = text(&output.stdout);
        assert!(help.contains("Example:\n  "), "{subcommand}: {help}");
        assert!(
            help.contains(&format!("hookguard noma {subcommand}")),
            "{subcommand}: {help}"
        );
        assert!(
            help.contains("--api-url") && help.contains("--json"),
            "{subcommand}: {help}"
        );
    }
}
