//! What `hookguard noma` prints: the API's JSON with `--json`, else short
//! tables. Text from the server is printed with control characters
//! replaced, so a hostile name cannot move the cursor or clear the screen.

use std::path::Path;

use hookguard_noma_api::{LogEntry, Webhook};

/// Server text made safe for a terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Rows under a header, each column as wide as its widest cell; the last
/// column is not padded.
fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (index, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if index == last {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        println!("{}", text.trim_end());
    };
    line(header.iter().map(|h| (*h).to_owned()).collect());
    for row in rows {
        line(row.clone());
    }
}

fn state(webhook: &Webhook) -> &'static str {
    if webhook.status {
        "enabled"
    } else {
        "disabled"
    }
}

pub(super) fn webhooks(webhooks: &[Webhook], json: bool) {
    if json {
        for webhook in webhooks {
            println!("{}", webhook.raw());
        }
        return;
    }
    if webhooks.is_empty() {
        println!("no webhooks in this project");
        return;
    }
    let rows: Vec<Vec<String>> = webhooks
        .iter()
        .map(|w| {
            vec![
                printable(&w.uuid),
                state(w).to_owned(),
                printable(&w.events.join(",")),
                printable(&w.name),
                printable(&w.url),
            ]
        })
        .collect();
    table(&["UUID", "STATUS", "EVENTS", "NAME", "URL"], &rows);
}

pub(super) fn webhook(webhook: &Webhook, json: bool) {
    if json {
        println!("{}", webhook.raw());
        return;
    }
    let collections = if webhook.collections.is_empty() {
        "all".to_owned()
    } else {
        webhook
            .collections
            .iter()
            .map(|c| c.id.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fields = [
        ("uuid", printable(&webhook.uuid)),
        ("name", printable(&webhook.name)),
        ("url", printable(&webhook.url)),
        ("events", printable(&webhook.events.join(", "))),
        ("sources", printable(&webhook.sources.join(", "))),
        ("status", state(webhook).to_owned()),
        (
            "payload",
            if webhook.payload {
                "full entry"
            } else {
                "ids only"
            }
            .to_owned(),
        ),
        ("collections", collections),
    ];
    for (name, value) in fields {
        println!("  {name:<12}{value}");
    }
}

pub(super) fn registered(webhook: &Webhook, created: bool, secret_file: Option<&Path>, json: bool) {
    if json {
        println!("{}", webhook.raw());
        return;
    }
    let verb = if created { "created" } else { "updated" };
    println!("{verb} webhook {}", printable(&webhook.uuid));
    self::webhook(webhook, false);
    if let Some(path) = secret_file {
        println!(
            "  {:<12}written to {} (mode 0600); Noma never shows it again",
            "secret",
            path.display()
        );
        println!(
            "verify deliveries with it: hookguard verify --provider noma --secret-env VAR …, VAR holding the file's content"
        );
    }
}

pub(super) fn logs(entries: &[LogEntry], json: bool) {
    if json {
        for entry in entries {
            println!("{}", entry.raw());
        }
        return;
    }
    if entries.is_empty() {
        println!("no deliveries logged");
        return;
    }
    let cell = |value: &Option<String>| printable(value.as_deref().unwrap_or("-"));
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                cell(&e.created_at),
                cell(&e.action),
                cell(&e.status),
                cell(&e.url),
            ]
        })
        .collect();
    table(&["WHEN", "EVENT", "STATUS", "URL"], &rows);
}

pub(super) fn rotation_steps(uuid: &str, path: &Path, json: bool) {
    let path = path.display();
    let steps = [
        format!("1. done: wrote the new secret to {path} (mode 0600); nothing was sent to Noma"),
        "2. deploy the receiver with the new secret and the old one (the old one may retire on a date)".to_owned(),
        format!("3. hookguard noma rotate-secret {uuid} --secret-file {path} --commit"),
        "4. after Noma's retry window (~90 s), drop the old secret from the receiver".to_owned(),
    ];
    if json {
        println!(
            "{}",
            serde_json::json!({"uuid": uuid, "secret_file": path.to_string(), "committed": false, "steps": steps})
        );
    } else {
        for step in steps {
            println!("{step}");
        }
    }
}

pub(super) fn committed(webhook: &Webhook, path: &Path, json: bool) {
    if json {
        println!("{}", webhook.raw());
    } else {
        println!(
            "webhook {} now signs with the secret in {}",
            printable(&webhook.uuid),
            path.display()
        );
        println!("next: after Noma's retry window (~90 s), drop the old secret from the receiver");
    }
}
