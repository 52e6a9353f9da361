//! Noma CMS events: content events and auth events, chosen by `event`.

use chrono::{DateTime, Utc};
use http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::event::{Event, parse_as, php, read_head, time, topic::topics};
use crate::scheme::Noma;
use crate::verifier::Verified;

topics! {
    /// A Noma topic (the body's `event` member).
    NomaTopic {
        /// `content.created`
        ContentCreated => "content.created",
        /// `content.updated`
        ContentUpdated => "content.updated",
        /// `content.published`
        ContentPublished => "content.published",
        /// `content.unpublished`
        ContentUnpublished => "content.unpublished",
        /// `content.deleted`: never carries a `content_entry`.
        ContentDeleted => "content.deleted",
        /// `content.trashed`
        ContentTrashed => "content.trashed",
        /// `content.restored`
        ContentRestored => "content.restored",
        /// `auth.signup.success`
        AuthSignupSuccess => "auth.signup.success",
        /// `auth.login.success`
        AuthLoginSuccess => "auth.login.success",
        /// `auth.logout.success`
        AuthLogoutSuccess => "auth.logout.success",
        /// `auth.logout_all.success`
        AuthLogoutAllSuccess => "auth.logout_all.success",
        /// `auth.email_verification.verified`
        AuthEmailVerificationVerified => "auth.email_verification.verified",
    }
}

/// A Noma event, chosen by the body's `event` member.
///
/// Serialized as the body it came from (`event` first); `Unknown` as
/// `{"topic":…,"raw":…}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event")]
#[non_exhaustive]
pub enum NomaEvent {
    /// `content.created`
    #[serde(rename = "content.created")]
    ContentCreated(ContentEvent),
    /// `content.updated`
    #[serde(rename = "content.updated")]
    ContentUpdated(ContentEvent),
    /// `content.published`
    #[serde(rename = "content.published")]
    ContentPublished(ContentEvent),
    /// `content.unpublished`
    #[serde(rename = "content.unpublished")]
    ContentUnpublished(ContentEvent),
    /// `content.deleted`
    #[serde(rename = "content.deleted")]
    ContentDeleted(ContentEvent),
    /// `content.trashed`
    #[serde(rename = "content.trashed")]
    ContentTrashed(ContentEvent),
    /// `content.restored`
    #[serde(rename = "content.restored")]
    ContentRestored(ContentEvent),
    /// `auth.signup.success`
    #[serde(rename = "auth.signup.success")]
    AuthSignupSuccess(AuthEvent),
    /// `auth.login.success`
    #[serde(rename = "auth.login.success")]
    AuthLoginSuccess(AuthEvent),
    /// `auth.logout.success`
    #[serde(rename = "auth.logout.success")]
    AuthLogoutSuccess(AuthEvent),
    /// `auth.logout_all.success`
    #[serde(rename = "auth.logout_all.success")]
    AuthLogoutAllSuccess(AuthEvent),
    /// `auth.email_verification.verified`
    #[serde(rename = "auth.email_verification.verified")]
    AuthEmailVerificationVerified(AuthEvent),
    /// A topic this version does not know: a normal event, not an error.
    #[serde(untagged)]
    Unknown {
        /// The topic as sent.
        topic: String,
        /// The whole body.
        raw: Value,
    },
}

/// A `content.*` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContentEvent {
    /// The project's UUID.
    pub project_uuid: String,
    /// The collection's id.
    pub collection_id: i64,
    /// The content item's id.
    pub content_id: i64,
    /// The entry; absent for `content.deleted` and when the webhook's
    /// `payload` flag is off.
    #[serde(
        default,
        deserialize_with = "php::optional_object",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_entry: Option<ContentEntry>,
    /// When Noma sent this attempt (signed; checked for freshness).
    #[serde(deserialize_with = "time::utc")]
    pub timestamp: DateTime<Utc>,
    /// This attempt's id: it changes on every retry.
    pub delivery_id: String,
}

/// The content entry of a content event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContentEntry {
    /// The entry's UUID.
    pub uuid: String,
    /// The entry's locale, such as `en`.
    pub locale: String,
    /// When the entry was published; `null` while it is a draft.
    #[serde(deserialize_with = "time::optional_utc")]
    pub published_at: Option<DateTime<Utc>>,
    /// The entry's fields by name (PHP's `[]` reads as no fields).
    #[serde(deserialize_with = "php::map")]
    pub fields: Map<String, Value>,
    /// When the entry was created, when sent.
    #[serde(
        default,
        deserialize_with = "time::optional_utc",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// When the entry was last updated, when sent.
    #[serde(
        default,
        deserialize_with = "time::optional_utc",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<DateTime<Utc>>,
}

/// An `auth.*` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthEvent {
    /// Where the action came from (`api`).
    pub source: String,
    /// The project's UUID.
    pub project_uuid: String,
    /// The user's UUID, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_user_uuid: Option<String>,
    /// The user's e-mail address, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_user_email: Option<String>,
    /// When Noma sent this attempt (signed; checked for freshness).
    #[serde(deserialize_with = "time::utc")]
    pub timestamp: DateTime<Utc>,
    /// This attempt's id: it changes on every retry.
    pub delivery_id: String,
}

impl NomaEvent {
    /// The event's topic.
    #[must_use]
    pub fn topic(&self) -> NomaTopic {
        match self {
            Self::ContentCreated(_) => NomaTopic::ContentCreated,
            Self::ContentUpdated(_) => NomaTopic::ContentUpdated,
            Self::ContentPublished(_) => NomaTopic::ContentPublished,
            Self::ContentUnpublished(_) => NomaTopic::ContentUnpublished,
            Self::ContentDeleted(_) => NomaTopic::ContentDeleted,
            Self::ContentTrashed(_) => NomaTopic::ContentTrashed,
            Self::ContentRestored(_) => NomaTopic::ContentRestored,
            Self::AuthSignupSuccess(_) => NomaTopic::AuthSignupSuccess,
            Self::AuthLoginSuccess(_) => NomaTopic::AuthLoginSuccess,
            Self::AuthLogoutSuccess(_) => NomaTopic::AuthLogoutSuccess,
            Self::AuthLogoutAllSuccess(_) => NomaTopic::AuthLogoutAllSuccess,
            Self::AuthEmailVerificationVerified(_) => NomaTopic::AuthEmailVerificationVerified,
            Self::Unknown { topic, .. } => NomaTopic::Other(topic.clone()),
        }
    }

    /// Parses an authentic Noma body.
    ///
    /// # Errors
    ///
    /// `invalid_payload` when the body is not a JSON object with a string
    /// `event`, or a known topic lacks a field or has one of the wrong type.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct Head {
            event: String,
        }
        let Head { event } = read_head(body, "body is not an object with a string `event`")?;
        let content = |wrap: fn(ContentEvent) -> Self| parse_as(body, wrap);
        let auth = |wrap: fn(AuthEvent) -> Self| parse_as(body, wrap);
        match event.parse::<NomaTopic>() {
            Ok(NomaTopic::ContentCreated) => content(Self::ContentCreated),
            Ok(NomaTopic::ContentUpdated) => content(Self::ContentUpdated),
            Ok(NomaTopic::ContentPublished) => content(Self::ContentPublished),
            Ok(NomaTopic::ContentUnpublished) => content(Self::ContentUnpublished),
            Ok(NomaTopic::ContentDeleted) => content(Self::ContentDeleted),
            Ok(NomaTopic::ContentTrashed) => content(Self::ContentTrashed),
            Ok(NomaTopic::ContentRestored) => content(Self::ContentRestored),
            Ok(NomaTopic::AuthSignupSuccess) => auth(Self::AuthSignupSuccess),
            Ok(NomaTopic::AuthLoginSuccess) => auth(Self::AuthLoginSuccess),
            Ok(NomaTopic::AuthLogoutSuccess) => auth(Self::AuthLogoutSuccess),
            Ok(NomaTopic::AuthLogoutAllSuccess) => auth(Self::AuthLogoutAllSuccess),
            Ok(NomaTopic::AuthEmailVerificationVerified) => {
                auth(Self::AuthEmailVerificationVerified)
            }
            Ok(NomaTopic::Other(topic)) => parse_as(body, |raw| Self::Unknown { topic, raw }),
            Err(never) => match never {},
        }
    }
}

impl Event for NomaEvent {
    type Scheme = Noma;

    fn parse(_headers: &HeaderMap, body: &[u8], _verified: &Verified<'_>) -> Result<Self, Error> {
        Self::from_slice(body)
    }

    fn topic_name(&self) -> Option<&str> {
        match self {
            Self::Unknown { topic, .. } => Some(topic),
            known => known.topic().known_name(),
        }
    }
}
