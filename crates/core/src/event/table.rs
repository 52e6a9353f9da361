//! One table per provider: the `events!` macro turns rows of
//! `Variant(Payload) => "wire.name"` into the event enum (with its serde
//! names), the topic enum, `topic()` and the parse dispatch, so each wire
//! name is written exactly once.

/// Declares a provider's event enum and topic enum from one table.
///
/// ```text
/// events! {
///     /// docs of the event enum
///     event NomosEvent, tagged "topic";
///     /// docs of the topic enum
///     topic NomosTopic;
///     rows {
///         /// docs of the variant
///         SubscriptionCreated(SubscriptionEvent) => "subscription.created",
///     }
/// }
/// ```
///
/// The event enum gets an `Unknown { topic, raw }` variant for topics this
/// version does not know, and the topic enum an `Other(String)`.
macro_rules! events {
    (
        $(#[$event_meta:meta])*
        event $event:ident, tagged $tag:literal;
        $(#[$topic_meta:meta])*
        topic $topic:ident;
        rows {
            $( $(#[$row_meta:meta])* $variant:ident($payload:ty) => $wire:literal, )*
        }
    ) => {
        $(#[$topic_meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $topic {
            $( #[doc = concat!("`", $wire, "`")] $variant, )*
            /// A topic this version does not know; parsing never puts a
            /// known topic here.
            Other(String),
        }

        impl $topic {
            /// The topic as it appears on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(topic) => topic,
                }
            }

            /// Every topic this version knows, in table order.
            pub const KNOWN: &'static [&'static str] = &[$( $wire, )*];
        }

        impl std::str::FromStr for $topic {
            type Err = std::convert::Infallible;

            fn from_str(topic: &str) -> Result<Self, Self::Err> {
                Ok(match topic {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl AsRef<str> for $topic {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $topic {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $topic {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        $(#[$event_meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(tag = $tag)]
        #[non_exhaustive]
        pub enum $event {
            $(
                $(#[$row_meta])*
                #[serde(rename = $wire)]
                $variant($payload),
            )*
            /// A topic this version does not know: a normal event, not an error.
            #[serde(untagged)]
            Unknown {
                /// The topic as sent.
                topic: String,
                /// The whole body.
                raw: serde_json::Value,
            },
        }

        impl $event {
            /// The event's topic.
            #[must_use]
            pub fn topic(&self) -> $topic {
                match self {
                    $( Self::$variant(_) => $topic::$variant, )*
                    Self::Unknown { topic, .. } => $topic::Other(topic.clone()),
                }
            }

            /// The topic as sent on the wire, without allocating.
            #[must_use]
            pub fn topic_str(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $wire, )*
                    Self::Unknown { topic, .. } => topic,
                }
            }

            #[doc = concat!("Parses an authentic body into the variant its `", $tag, "` names.")]
            ///
            /// # Errors
            ///
            #[doc = concat!("`invalid_payload` when the body is not a JSON object with a string `", $tag, "`,")]
            /// or a known topic lacks a field or has one of the wrong type.
            pub fn from_slice(body: &[u8]) -> Result<Self, $crate::Error> {
                #[derive(serde::Deserialize)]
                struct Head {
                    #[serde(rename = $tag)]
                    topic: String,
                }
                let Head { topic } = $crate::event::read_head(
                    body,
                    concat!("body is not an object with a string `", $tag, "`"),
                )?;
                match topic.as_str() {
                    $( $wire => $crate::event::parse_as(body, Self::$variant), )*
                    _ => $crate::event::parse_as(body, |raw| Self::Unknown { topic, raw }),
                }
            }
        }
    };
}

pub(crate) use events;
