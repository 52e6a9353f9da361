//! Local validation: every 422 rule of Noma's `WebhookRequest` that can be
//! checked here, run before any request so a bad definition is never sent.

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

use reqwest::Url;
use url::Host;

use crate::address::non_public_reason;
use crate::{Error, FieldError, WebhookDefinition};

/// The longest `name` and `secret` (Laravel `max:255`, counted in characters).
const MAX_TEXT: usize = 255;
/// The shortest secret (Noma: `min:6`).
const MIN_SECRET: usize = 6;
/// The longest URL (Noma: `max:2048`).
const MAX_URL: usize = 2048;
/// How long a name may take to resolve before it only warns.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A future that resolves a host name.
pub type Resolution<'a> = Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send + 'a>>;

/// Resolves host names, so that a URL whose name points at a private
/// address is refused like an IP literal. Injected for tests; the default
/// is [`SystemResolver`].
pub trait Resolve: Send + Sync + fmt::Debug {
    /// The addresses `host` resolves to.
    fn resolve<'a>(&'a self, host: &'a str) -> Resolution<'a>;
}

/// The operating system's resolver (through tokio), 5 s at most.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve<'a>(&'a self, host: &'a str) -> Resolution<'a> {
        Box::pin(async move {
            let lookup = tokio::net::lookup_host((host, 443));
            let addresses = tokio::time::timeout(RESOLVE_TIMEOUT, lookup)
                .await
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "timed out"))??;
            Ok(addresses.map(|address| address.ip()).collect())
        })
    }
}

/// Checks a definition against every rule Noma's API enforces with a 422
/// and that can be known here. The URL's host name, if it is one, is
/// resolved and every address must be public; a name that does not
/// resolve is only a warning (the API decides).
///
/// Returns the warnings.
///
/// # Errors
///
/// [`Error::Invalid`] with every refused field.
pub async fn validate(
    definition: &WebhookDefinition,
    resolver: &dyn Resolve,
) -> Result<Vec<FieldError>, Error> {
    let mut errors = check_fields(definition);
    let mut warnings = Vec::new();
    if errors.is_empty() {
        if let Ok(url) = Url::parse(&definition.url) {
            if let Some(Host::Domain(name)) = url.host() {
                match resolver.resolve(name).await {
                    Ok(addresses) if !addresses.is_empty() => {
                        for address in addresses {
                            if let Some(reason) = non_public_reason(address) {
                                errors.push(FieldError::new(
                                    "url",
                                    format!("{name} resolves to {address}, which is {reason}"),
                                ));
                            }
                        }
                    }
                    Ok(_) => warnings.push(unresolved(name, "no address")),
                    Err(error) => warnings.push(unresolved(name, &error.to_string())),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        Err(Error::Invalid(errors))
    }
}

fn unresolved(name: &str, cause: &str) -> FieldError {
    FieldError::new(
        "url",
        format!("{name} does not resolve here ({cause}); the Noma API will decide"),
    )
}

/// The rules that need no network: every refused field, in body order.
#[must_use]
pub fn check_fields(definition: &WebhookDefinition) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name_length = definition.name.chars().count();
    if definition.name.trim().is_empty() {
        errors.push(FieldError::new("name", "is required"));
    } else if name_length > MAX_TEXT {
        errors.push(FieldError::new(
            "name",
            format!("is {name_length} characters; at most {MAX_TEXT}"),
        ));
    }
    if let Err(reason) = check_url(&definition.url) {
        errors.push(FieldError::new("url", reason));
    }
    if let Some(secret) = &definition.secret {
        if let Err(reason) = check_secret(secret.expose()) {
            errors.push(FieldError::new("secret", reason));
        }
    }
    if definition.events.is_empty() {
        errors.push(FieldError::new("events", "at least one event is required"));
    }
    if definition.sources.is_empty() {
        errors.push(FieldError::new(
            "sources",
            "at least one source (cms, api) is required",
        ));
    }
    errors
}

/// A secret's rules (never quoting the secret): 6 to 255 characters, no
/// leading or trailing white space (a copy-paste slip).
///
/// # Errors
///
/// The reason, without the secret.
pub fn check_secret(secret: &str) -> Result<(), String> {
    let length = secret.chars().count();
    if !(MIN_SECRET..=MAX_TEXT).contains(&length) {
        return Err(format!(
            "is {length} characters; it must be {MIN_SECRET} to {MAX_TEXT}"
        ));
    }
    if secret.trim() != secret {
        return Err("has leading or trailing white space".into());
    }
    Ok(())
}

/// The URL's own rules: HTTPS, at most 2048 characters, no credentials, a
/// host that is not an obviously local name nor a non-public IP literal.
///
/// # Errors
///
/// The reason.
pub fn check_url(text: &str) -> Result<(), String> {
    let length = text.chars().count();
    if length > MAX_URL {
        return Err(format!("is {length} characters; at most {MAX_URL}"));
    }
    if text.trim() != text || text.is_empty() {
        return Err("is empty or has white space around it".into());
    }
    let url = Url::parse(text).map_err(|error| format!("is not a valid URL ({error})"))?;
    if url.scheme() != "https" {
        return Err(format!("must use https, not {}", url.scheme()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials (user:pass@)".into());
    }
    match url.host() {
        None => Err("has no host".into()),
        Some(Host::Ipv4(v4)) => ip_rule(v4.into()),
        Some(Host::Ipv6(v6)) => ip_rule(v6.into()),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            // RFC 6761: these names are local by definition.
            if name == "localhost" || name.ends_with(".localhost") {
                Err(format!("{name} is a loopback name"))
            } else {
                Ok(())
            }
        }
    }
}

fn ip_rule(address: IpAddr) -> Result<(), String> {
    match non_public_reason(address) {
        Some(reason) => Err(format!("{address} is {reason}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Event, Source, WebhookSecret};

    fn definition(url: &str) -> WebhookDefinition {
        WebhookDefinition::new(
            "Site",
            url,
            vec![Event::ContentPublished],
            vec![Source::Cms],
        )
    }

    fn url_refused(url: &str) -> String {
        let errors = check_fields(&definition(url));
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert_eq!(errors[0].field, "url");
        errors[0].message.clone()
    }

    #[test]
    fn urls_that_noma_refuses_are_refused_here() {
        assert!(url_refused("http://hooks.example.com/").contains("https"));
        assert!(url_refused("https://user:pass@hooks.example.com/").contains("credentials"));
        assert!(url_refused("https://user@hooks.example.com/").contains("credentials"));
        assert!(url_refused(&format!("https://a.example/{}", "x".repeat(2048))).contains("2048"));
        assert!(url_refused("not a url").contains("valid URL"));
        assert!(url_refused("https://127.0.0.1/").contains("loopback"));
        assert!(url_refused("https://[::1]/").contains("loopback"));
        assert!(url_refused("https://[::ffff:169.254.169.254]/").contains("IPv4-mapped"));
        assert!(url_refused("https://10.0.0.5:8443/").contains("private"));
        assert!(url_refused("https://localhost/").contains("loopback"));
        assert!(url_refused("https://api.localhost./").contains("loopback"));
        // WHATWG parsing turns these into 127.0.0.1: still refused.
        assert!(url_refused("https://0x7f.1/").contains("loopback"));
        assert!(url_refused("https://2130706433/").contains("loopback"));
        assert!(check_fields(&definition("https://hooks.example.com/noma")).is_empty());
        assert!(check_fields(&definition("https://93.184.215.14/noma")).is_empty());
    }

    #[test]
    fn a_url_of_exactly_2048_characters_passes() {
        let base = "https://a.example/";
        let url = format!("{base}{}", "x".repeat(2048 - base.len()));
        assert!(check_fields(&definition(&url)).is_empty());
    }

    #[test]
    fn every_field_rule_names_its_field() {
        let mut bad = definition("https://hooks.example.com/");
        bad.name = " ".into();
        bad.events.clear();
        bad.sources.clear();
        bad.secret = Some(WebhookSecret::new("short"));
        let fields: Vec<_> = check_fields(&bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "secret", "events", "sources"]);

        bad.name = "n".repeat(256);
        assert_eq!(
            check_fields(&bad)[0].message,
            "is 256 characters; at most 255"
        );
        bad.name = "é".repeat(255);
        assert_eq!(check_fields(&bad)[0].field, "secret");
    }

    #[test]
    fn secret_bounds_and_white_space() {
        assert!(check_secret("abcdef").is_ok());
        assert!(check_secret(&"a".repeat(255)).is_ok());
        assert!(check_secret("abcde").is_err());
        assert!(check_secret(&"a".repeat(256)).is_err());
        assert_eq!(
            check_secret("abcdef\n"),
            Err("has leading or trailing white space".into())
        );
        assert!(check_secret(" abcdef").is_err());
        // The reason never quotes the secret.
        assert!(!check_secret("abc").unwrap_err().contains("abc"));
    }

    #[derive(Debug)]
    struct Fixed(Vec<IpAddr>);

    impl Resolve for Fixed {
        fn resolve<'a>(&'a self, _host: &'a str) -> Resolution<'a> {
            let addresses = self.0.clone();
            Box::pin(async move {
                if addresses.is_empty() {
                    Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "no such host",
                    ))
                } else {
                    Ok(addresses)
                }
            })
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_a_private_address_is_refused() {
        let resolver = Fixed(vec![
            "8.8.8.8".parse().unwrap(),
            "10.1.1.1".parse().unwrap(),
        ]);
        let error = validate(&definition("https://rebind.example.com/"), &resolver)
            .await
            .unwrap_err();
        assert_eq!(
            error.field_errors(),
            [FieldError::new(
                "url",
                "rebind.example.com resolves to 10.1.1.1, which is private (10.0.0.0/8)"
            )]
        );
    }

    #[tokio::test]
    async fn a_name_that_does_not_resolve_only_warns() {
        let warnings = validate(&definition("https://gone.example.com/"), &Fixed(vec![]))
            .await
            .unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("does not resolve"),
            "{warnings:?}"
        );
    }
}
