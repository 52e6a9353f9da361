//! Webhook secrets and API tokens: generated from the OS, written 0600,
//! never printed.

use std::fmt;
use std::io::{Read as _, Write as _};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::Error;

/// The number of random bytes in a generated secret.
const GENERATED_BYTES: usize = 32;

/// The most bytes read from a secret file: a valid secret is at most 255
/// characters, so anything much larger is not a secret file.
const MAX_SECRET_FILE: u64 = 4096;

/// A webhook signing secret.
///
/// Its `Debug` is redacted and it has no `Display`: the only way to the
/// characters is [`WebhookSecret::expose`], named so that it stands out in
/// review.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    /// A secret you already have (validated with the webhook definition,
    /// before any request).
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// A new secret: 32 bytes from the operating system's random source,
    /// base64url without padding (43 characters).
    ///
    /// # Errors
    ///
    /// [`Error::Random`] when the operating system cannot supply randomness.
    pub fn generate() -> Result<Self, Error> {
        let mut bytes = [0u8; GENERATED_BYTES];
        getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Generates a secret and writes it to a new file at `path`: the 43
    /// characters, no newline, mode 0600 on Unix. An existing file is never
    /// overwritten (it may hold the secret a receiver uses today).
    ///
    /// # Errors
    ///
    /// [`Error::SecretFile`] when the file exists or cannot be written (a
    /// half-written file is removed); [`Error::Random`] as for
    /// [`WebhookSecret::generate`].
    pub fn generate_to_file(path: &Path) -> Result<Self, Error> {
        let secret = Self::generate()?;
        let failed = |source| Error::SecretFile {
            path: path.to_owned(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(failed)?;
        if let Err(error) = file
            .write_all(secret.0.as_bytes())
            .and_then(|()| file.sync_all())
        {
            drop(file);
            // The file is ours and holds no usable secret: do not leave it.
            let _ = std::fs::remove_file(path);
            return Err(failed(error));
        }
        Ok(secret)
    }

    /// Reads a secret from a file: its first line, without the line end.
    /// White space is kept, so validation can refuse it (a copy-paste slip).
    ///
    /// # Errors
    ///
    /// [`Error::SecretFile`] when the file cannot be read, is larger than
    /// 4 KiB or is not UTF-8.
    pub fn read_file(path: &Path) -> Result<Self, Error> {
        let failed = |source| Error::SecretFile {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(failed)?;
        let mut content = Vec::new();
        file.take(MAX_SECRET_FILE + 1)
            .read_to_end(&mut content)
            .map_err(failed)?;
        if content.len() as u64 > MAX_SECRET_FILE {
            return Err(failed(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "larger than 4 KiB: not a secret file",
            )));
        }
        let content = String::from_utf8(content).map_err(|_| {
            failed(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not UTF-8",
            ))
        })?;
        let line = content.split('\n').next().unwrap_or_default();
        Ok(Self(line.strip_suffix('\r').unwrap_or(line).to_owned()))
    }

    /// The secret's characters, to build a verifier or send to the API.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// A Noma API token (a personal access token with the `admin` ability).
/// Sent only in the `Authorization` header; its `Debug` is redacted.
#[derive(Clone)]
pub struct ApiToken(String);

impl ApiToken {
    /// Wraps a token.
    #[must_use]
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!(
            "hookguard-noma-secret-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        folder.join("secret")
    }

    #[test]
    fn a_generated_secret_is_43_base64url_characters_of_32_random_bytes() {
        let secret = WebhookSecret::generate().unwrap();
        assert_eq!(secret.expose().len(), 43);
        let bytes = URL_SAFE_NO_PAD.decode(secret.expose()).unwrap();
        assert_eq!(bytes.len(), 32);
        assert!(
            secret
                .expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(secret, WebhookSecret::generate().unwrap());
    }

    #[test]
    fn the_secret_file_holds_exactly_the_secret_with_mode_0600() {
        let path = scratch("file");
        let secret = WebhookSecret::generate_to_file(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes, secret.expose().as_bytes());
        assert_eq!(bytes.len(), 43);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(WebhookSecret::read_file(&path).unwrap(), secret);
    }

    #[test]
    fn an_existing_secret_file_is_never_overwritten() {
        let path = scratch("existing");
        std::fs::write(&path, "the secret in use today").unwrap();
        let error = WebhookSecret::generate_to_file(&path).unwrap_err();
        assert!(matches!(
            &error,
            Error::SecretFile { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists
        ));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "the secret in use today"
        );
    }

    #[test]
    fn reading_takes_the_first_line_and_keeps_its_white_space() {
        let path = scratch("lines");
        std::fs::write(&path, " padded \r\nsecond line").unwrap();
        assert_eq!(
            WebhookSecret::read_file(&path).unwrap().expose(),
            " padded "
        );
    }

    #[test]
    fn a_huge_secret_file_is_refused_not_read_whole() {
        let path = scratch("huge");
        std::fs::write(&path, vec![b'a'; 1 << 20]).unwrap();
        assert!(matches!(
            WebhookSecret::read_file(&path),
            Err(Error::SecretFile { .. })
        ));
    }

    #[test]
    fn debug_never_shows_a_secret_or_a_token() {
        let secret = WebhookSecret::new("s3cret-value");
        let token = ApiToken::new("tok-value");
        let shown = format!("{secret:?} {token:?}");
        assert_eq!(shown, "WebhookSecret(<redacted>) ApiToken(<redacted>)");
    }
}
