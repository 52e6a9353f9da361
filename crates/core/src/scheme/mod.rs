//! The signature schemes: how each provider signs a delivery, how its
//! headers are read, and how the helpers in each module sign one for tests.

mod github;
mod noma;
mod nomos;
mod standard_webhooks;
mod stripe;
mod timestamped_list;

use std::fmt;

use http::{HeaderMap, HeaderValue};

pub use self::github::GitHub;
pub use self::noma::Noma;
pub use self::nomos::Nomos;
pub use self::standard_webhooks::StandardWebhooks;
pub use self::stripe::Stripe;
use crate::error::{Error, SecretError};
use crate::secret::{Secret, TAG_LEN, tags_equal};
use crate::verifier::Verified;

/// A provider's signature scheme; the type parameter of
/// [`Verifier`](crate::Verifier).
///
/// Sealed: the five schemes are [`Nomos`], [`Noma`], [`StandardWebhooks`],
/// [`Stripe`] and [`GitHub`].
pub trait Scheme: sealed::Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    /// The scheme's short name, as the `hookguard` command spells it
    /// (`nomos`, `noma`, `standard`, `stripe`, `github`).
    const NAME: &'static str;
}

pub(crate) mod sealed {
    use super::{Error, HeaderMap, Secret, SecretError, Verified};

    /// What a scheme does; hidden so that the set of schemes stays closed
    /// and their internals can change without breaking anyone.
    pub trait Sealed {
        /// Turns one configured secret into key state.
        fn secret(text: &str) -> Result<Secret, SecretError> {
            Secret::from_text(text)
        }

        /// Parses the headers and checks the signature. The result carries
        /// the timestamp from the headers, when the scheme signs one.
        fn authenticate<'h>(
            &self,
            secrets: &[Secret],
            headers: &'h HeaderMap,
            body: &[u8],
        ) -> Result<Verified<'h>, Error>;

        /// The signed time of a delivery whose headers carry none, read from
        /// the authenticated body (Noma).
        fn body_timestamp(&self, _body: &[u8]) -> Result<Option<u64>, Error> {
            Ok(None)
        }

        /// The headers a sender puts on `body`; schemes without a timestamp
        /// or an id header ignore those arguments.
        fn signature_headers(
            secret: &Secret,
            timestamp: u64,
            id: &str,
            body: &[u8],
        ) -> Result<HeaderMap, Error>;
    }
}

/// The index of the first secret whose tag over `message` equals one of the
/// candidates; `None` when none does. A candidate that failed to decode is
/// `None` and matches nothing.
fn matching_secret<I>(
    secrets: &[Secret],
    message: &[&[u8]],
    candidates: impl Fn() -> I,
) -> Option<usize>
where
    I: Iterator<Item = Option<[u8; TAG_LEN]>>,
{
    secrets.iter().position(|secret| {
        let tag = secret.tag(message);
        candidates()
            .flatten()
            .any(|candidate| tags_equal(&tag, &candidate))
    })
}

/// A hex-encoded tag (either case); `None` unless exactly 64 hex digits.
fn decode_hex_tag(text: &str) -> Option<[u8; TAG_LEN]> {
    let mut tag = [0; TAG_LEN];
    hex::decode_to_slice(text, &mut tag).ok()?;
    Some(tag)
}

/// A header value the signing helpers generated from digits, hex, base64
/// and punctuation, all of which are valid header text.
fn generated_value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).expect("generated signature headers are visible ASCII")
}
