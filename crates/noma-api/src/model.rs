//! The webhook resource: what is sent (a definition) and what comes back.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::secret::WebhookSecret;

/// Declares a closed set of wire names with `as_str`, `ALL` and `FromStr`.
macro_rules! wire_names {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order the Noma documentation lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name on the wire.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(name: &str) -> Result<Self, UnknownName> {
                match name {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(UnknownName(name.chars().take(64).collect())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_names! {
    /// The 12 events a Noma webhook can subscribe to (Noma docs, "Create a
    /// Webhook", allowed events).
    Event {
        /// `content.created`
        ContentCreated = "content.created",
        /// `content.updated`
        ContentUpdated = "content.updated",
        /// `content.published`
        ContentPublished = "content.published",
        /// `content.unpublished`
        ContentUnpublished = "content.unpublished",
        /// `content.deleted`
        ContentDeleted = "content.deleted",
        /// `content.trashed`
        ContentTrashed = "content.trashed",
        /// `content.restored`
        ContentRestored = "content.restored",
        /// `auth.signup.success`
        AuthSignupSuccess = "auth.signup.success",
        /// `auth.login.success`
        AuthLoginSuccess = "auth.login.success",
        /// `auth.logout.success`
        AuthLogoutSuccess = "auth.logout.success",
        /// `auth.logout_all.success`
        AuthLogoutAllSuccess = "auth.logout_all.success",
        /// `auth.email_verification.verified`
        AuthEmailVerificationVerified = "auth.email_verification.verified",
    }
}

wire_names! {
    /// Where a change must originate for the webhook to fire.
    Source {
        /// Changes made in the project dashboard.
        Cms = "cms",
        /// Changes made through the Content API.
        Api = "api",
    }
}

/// A name that is not one of the known events or sources (cut to 64
/// characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName(pub String);

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown name {:?}", self.0)
    }
}

impl std::error::Error for UnknownName {}

/// Everything that defines a webhook: the body of a create, and of an
/// update (Noma's `PUT` takes the whole definition, not a patch).
///
/// Validated locally by [`crate::validate`] before any request. Its `Debug`
/// shows whether a secret is set, never the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookDefinition {
    /// Display name, 1 to 255 characters.
    pub name: String,
    /// Notes.
    pub description: Option<String>,
    /// Where Noma delivers: HTTPS, at most 2048 characters, no credentials,
    /// a public host.
    pub url: String,
    /// The signing secret (6 to 255 characters); `None` registers an
    /// unsigned webhook.
    pub secret: Option<WebhookSecret>,
    /// At least one event.
    pub events: Vec<Event>,
    /// At least one source.
    pub sources: Vec<Source>,
    /// Include the full `content_entry` in deliveries (Noma's default: on).
    pub payload: bool,
    /// Enabled (Noma's default: on).
    pub status: bool,
    /// Restrict to these collection ids; empty means every collection.
    pub collection_ids: Vec<u64>,
}

impl WebhookDefinition {
    /// A definition with Noma's defaults: enabled, with payloads, every
    /// collection, no description, no secret.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        url: impl Into<String>,
        events: Vec<Event>,
        sources: Vec<Source>,
    ) -> Self {
        Self {
            name: name.into(),
            description: None,
            url: url.into(),
            secret: None,
            events,
            sources,
            payload: true,
            status: true,
            collection_ids: Vec::new(),
        }
    }

    /// The definition a registered webhook has, with `secret` as its secret
    /// (the API never returns the secret): what an update must send to
    /// change only the secret.
    ///
    /// # Errors
    ///
    /// [`UnknownName`] when the webhook carries an event or source this
    /// version does not know (sending it back could be refused).
    pub fn from_webhook(
        webhook: &Webhook,
        secret: Option<WebhookSecret>,
    ) -> Result<Self, UnknownName> {
        Ok(Self {
            name: webhook.name.clone(),
            description: webhook.description.clone(),
            url: webhook.url.clone(),
            secret,
            events: webhook
                .events
                .iter()
                .map(|event| event.parse())
                .collect::<Result<_, _>>()?,
            sources: webhook
                .sources
                .iter()
                .map(|source| source.parse())
                .collect::<Result<_, _>>()?,
            payload: webhook.payload,
            status: webhook.status,
            collection_ids: webhook.collections.iter().map(|c| c.id).collect(),
        })
    }

    /// The JSON body the API documents. The only place the secret leaves
    /// its wrapper.
    pub(crate) fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("name".into(), self.name.clone().into());
        if let Some(description) = &self.description {
            body.insert("description".into(), description.clone().into());
        }
        body.insert("url".into(), self.url.clone().into());
        if let Some(secret) = &self.secret {
            body.insert("secret".into(), secret.expose().into());
        }
        let names = |names: Vec<&str>| Value::from(names);
        body.insert(
            "events".into(),
            names(self.events.iter().map(|e| e.as_str()).collect()),
        );
        body.insert(
            "sources".into(),
            names(self.sources.iter().map(|s| s.as_str()).collect()),
        );
        body.insert("payload".into(), self.payload.into());
        body.insert("status".into(), self.status.into());
        body.insert("collection_ids".into(), self.collection_ids.clone().into());
        Value::Object(body)
    }
}

/// A collection a webhook is limited to.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Collection {
    /// The collection's database id (what `collection_ids` holds).
    pub id: u64,
    /// The collection's UUID.
    #[serde(default)]
    pub uuid: Option<String>,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Slug.
    #[serde(default)]
    pub slug: Option<String>,
}

/// A registered webhook, as the API returns it (never with its secret).
///
/// Read leniently: fields the docs call optional may be missing or null,
/// unknown fields are kept in [`Webhook::raw`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Webhook {
    /// The webhook's id, used in every other call.
    pub uuid: String,
    /// Display name.
    pub name: String,
    /// Notes.
    pub description: Option<String>,
    /// The delivery URL.
    pub url: String,
    /// Subscribed events, as sent (a newer API may know more than [`Event`]).
    pub events: Vec<String>,
    /// `cms`, `api` or both.
    pub sources: Vec<String>,
    /// Whether deliveries carry the full entry.
    pub payload: bool,
    /// Enabled or disabled.
    pub status: bool,
    /// The collections it is limited to; empty means all.
    pub collections: Vec<Collection>,
    /// ISO 8601.
    pub created_at: Option<String>,
    /// ISO 8601.
    pub updated_at: Option<String>,
    raw: Value,
}

/// The documented fields, each optional, so a missing one takes a default.
#[derive(Deserialize)]
struct WebhookFields {
    uuid: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    events: Option<Vec<String>>,
    #[serde(default)]
    sources: Option<Vec<String>>,
    #[serde(default)]
    payload: Option<Flag>,
    #[serde(default)]
    status: Option<Flag>,
    #[serde(default)]
    collections: Option<Vec<Collection>>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

/// A boolean as Laravel may serialize it: `true`, `1` or `"1"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Number(i64),
    Text(String),
}

impl Flag {
    fn is_on(&self) -> bool {
        match self {
            Self::Bool(on) => *on,
            Self::Number(number) => *number != 0,
            Self::Text(text) => matches!(text.as_str(), "1" | "true"),
        }
    }
}

impl Webhook {
    /// Reads one webhook from its JSON object. A `secret` member, which the
    /// API documents it never sends, is dropped all the same, so that
    /// printing [`Webhook::raw`] cannot show one.
    pub(crate) fn from_value(mut value: Value) -> Result<Self, String> {
        if let Some(object) = value.as_object_mut() {
            object.remove("secret");
        } else {
            return Err("a webhook is not a JSON object".into());
        }
        let fields: WebhookFields =
            serde_json::from_value(value.clone()).map_err(|error| error.to_string())?;
        Ok(Self {
            uuid: fields.uuid,
            name: fields.name.unwrap_or_default(),
            description: fields.description,
            url: fields.url.unwrap_or_default(),
            events: fields.events.unwrap_or_default(),
            sources: fields.sources.unwrap_or_default(),
            payload: fields.payload.is_none_or(|flag| flag.is_on()),
            status: fields.status.is_none_or(|flag| flag.is_on()),
            collections: fields.collections.unwrap_or_default(),
            created_at: fields.created_at,
            updated_at: fields.updated_at,
            raw: value,
        })
    }

    /// The webhook's JSON as the API sent it (less any `secret` member).
    #[must_use]
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// One delivery attempt in a webhook's logs.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LogEntry {
    /// The event name, e.g. `content.updated`.
    pub action: Option<String>,
    /// The URL that was called.
    pub url: Option<String>,
    /// The receiver's HTTP status as text, or `blocked` / `error` when no
    /// normal answer came.
    pub status: Option<String>,
    /// When the attempt was made, when the API says.
    pub created_at: Option<String>,
    raw: Value,
}

impl LogEntry {
    pub(crate) fn from_value(value: Value) -> Self {
        let text = |key: &str| match value.get(key) {
            Some(Value::String(text)) => Some(text.clone()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        };
        Self {
            action: text("action"),
            url: text("url"),
            status: text("status"),
            created_at: text("created_at"),
            raw: value,
        }
    }

    /// The row's JSON as the API sent it.
    #[must_use]
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// One page of logs (Laravel pagination).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LogPage {
    /// The rows, newest first.
    pub entries: Vec<LogEntry>,
    /// This page's number (1-based).
    pub current_page: u64,
    /// The last page's number.
    pub last_page: u64,
    /// The page size the server used.
    pub per_page: Option<u64>,
    /// All rows on all pages.
    pub total: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_and_source_round_trips_through_its_wire_name() {
        assert_eq!(Event::ALL.len(), 12);
        for event in Event::ALL {
            assert_eq!(event.as_str().parse::<Event>(), Ok(*event));
        }
        for source in Source::ALL {
            assert_eq!(source.as_str().parse::<Source>(), Ok(*source));
        }
        assert!("content.exploded".parse::<Event>().is_err());
        assert!("CMS".parse::<Source>().is_err());
    }

    #[test]
    fn the_body_has_the_documented_fields() {
        let mut definition = WebhookDefinition::new(
            "Site",
            "https://hooks.example.com/noma",
            vec![Event::ContentPublished],
            vec![Source::Cms, Source::Api],
        );
        definition.secret = Some(WebhookSecret::new("abcdef"));
        definition.collection_ids = vec![3];
        assert_eq!(
            definition.to_json(),
            serde_json::json!({
                "name": "Site",
                "url": "https://hooks.example.com/noma",
                "secret": "abcdef",
                "events": ["content.published"],
                "sources": ["cms", "api"],
                "payload": true,
                "status": true,
                "collection_ids": [3],
            })
        );
        assert!(!format!("{definition:?}").contains("abcdef"));
    }

    #[test]
    fn a_webhook_reads_leniently_and_never_keeps_a_secret() {
        let webhook = Webhook::from_value(serde_json::json!({
            "uuid": "u-1", "name": "n", "url": "https://x.example/", "secret": "leaked",
            "payload": 0, "status": "1", "collections": [{"id": 7}], "extra": true
        }))
        .unwrap();
        assert!(!webhook.payload);
        assert!(webhook.status);
        assert_eq!(webhook.collections[0].id, 7);
        assert!(webhook.raw().get("secret").is_none());
        assert_eq!(webhook.raw()["extra"], true);
        assert!(Webhook::from_value(serde_json::json!({"name": "no uuid"})).is_err());
        assert!(Webhook::from_value(serde_json::json!([1])).is_err());
    }
}
