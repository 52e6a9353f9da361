//! Noma CMS events: content events and auth events, chosen by `event`.

use crate::header::Headers;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Noma;
use crate::error::Error;
use crate::event::{Event, ReplayId, php, table::events, time};
use crate::verification::Verification;

events! {
    /// A Noma event, chosen by the body's `event` member.
    ///
    /// Serialized as the body it came from (`event` first); `Unknown` as
    /// `{"topic":…,"raw":…}`.
    event NomaEvent, tagged "event";
    /// A Noma topic (the body's `event` member).
    topic NomaTopic;
    rows {
        /// `content.created`
        ContentCreated(ContentEvent) => "content.created",
        /// `content.updated`
        ContentUpdated(ContentEvent) => "content.updated",
        /// `content.published`
        ContentPublished(ContentEvent) => "content.published",
        /// `content.unpublished`
        ContentUnpublished(ContentEvent) => "content.unpublished",
        /// `content.deleted`: never carries a `content_entry`.
        ContentDeleted(ContentEvent) => "content.deleted",
        /// `content.trashed`
        ContentTrashed(ContentEvent) => "content.trashed",
        /// `content.restored`
        ContentRestored(ContentEvent) => "content.restored",
        /// `auth.signup.success`
        AuthSignupSuccess(AuthEvent) => "auth.signup.success",
        /// `auth.login.success`
        AuthLoginSuccess(AuthEvent) => "auth.login.success",
        /// `auth.logout.success`
        AuthLogoutSuccess(AuthEvent) => "auth.logout.success",
        /// `auth.logout_all.success`
        AuthLogoutAllSuccess(AuthEvent) => "auth.logout_all.success",
        /// `auth.email_verification.verified`
        AuthEmailVerificationVerified(AuthEvent) => "auth.email_verification.verified",
    }
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

impl Event for NomaEvent {
    type Scheme = Noma;

    fn parse(_headers: &dyn Headers, body: &[u8], _verified: &Verification) -> Result<Self, Error> {
        Self::from_slice(body)
    }

    fn topic_name(&self) -> Option<&str> {
        Some(self.topic_str())
    }

    fn replay_id(&self, body: &[u8]) -> Option<ReplayId> {
        // `delivery_id` changes on every attempt, so genuine retries must
        // pass; the exact body (its signed `timestamp` included) is a
        // shield against a captured delivery resent inside the window.
        Some(ReplayId::body_digest(body).for_replay_window())
    }
}
