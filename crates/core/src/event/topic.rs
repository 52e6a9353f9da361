//! The topic types: one enum per provider, generated from one table so the
//! wire names are written once.

/// Declares a provider's topic enum from `Variant => "wire.name"` rows, with
/// an `Other` variant for topics this version does not know.
macro_rules! topics {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$row_meta:meta])* $variant:ident => $wire:literal, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$row_meta])* $variant, )*
            /// A topic this version does not know; parsing never puts a
            /// known topic here.
            Other(String),
        }

        impl $name {
            /// The topic as it appears on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(topic) => topic,
                }
            }

            /// The wire name of a known topic; `None` for `Other`.
            pub(crate) fn known_name(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($wire), )*
                    Self::Other(_) => None,
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(topic: &str) -> Result<Self, Self::Err> {
                Ok(match topic {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                })
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use topics;
