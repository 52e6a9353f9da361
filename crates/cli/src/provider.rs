//! The providers by name, and the one place that maps a name to its types.

use clap::ValueEnum;

/// The providers the command speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Provider {
    Nomos,
    Noma,
    Standard,
    Stripe,
    Github,
    Slack,
    Shopify,
    Paddle,
    Linear,
}

/// Calls `$function::<Event>(args…)` with the event type of `$provider`
/// (and awaits it, in the `.await` form: each arm's future has its own type).
macro_rules! with_event {
    ($provider:expr, $function:ident($($argument:expr),* $(,)?).await) => {{
        use hookguard_core::generic::{
            GitHubEvent, LinearEvent, PaddleEvent, ShopifyEvent, SlackEvent,
            StandardWebhooksEvent, StripeEvent,
        };
        use hookguard_core::noma::NomaEvent;
        use hookguard_core::nomos::NomosEvent;
        match $provider {
            $crate::provider::Provider::Nomos => $function::<NomosEvent>($($argument),*).await,
            $crate::provider::Provider::Noma => $function::<NomaEvent>($($argument),*).await,
            $crate::provider::Provider::Standard => $function::<StandardWebhooksEvent>($($argument),*).await,
            $crate::provider::Provider::Stripe => $function::<StripeEvent>($($argument),*).await,
            $crate::provider::Provider::Github => $function::<GitHubEvent>($($argument),*).await,
            $crate::provider::Provider::Slack => $function::<SlackEvent>($($argument),*).await,
            $crate::provider::Provider::Shopify => $function::<ShopifyEvent>($($argument),*).await,
            $crate::provider::Provider::Paddle => $function::<PaddleEvent>($($argument),*).await,
            $crate::provider::Provider::Linear => $function::<LinearEvent>($($argument),*).await,
        }
    }};
    ($provider:expr, $function:ident($($argument:expr),* $(,)?)) => {{
        use hookguard_core::generic::{
            GitHubEvent, LinearEvent, PaddleEvent, ShopifyEvent, SlackEvent,
            StandardWebhooksEvent, StripeEvent,
        };
        use hookguard_core::noma::NomaEvent;
        use hookguard_core::nomos::NomosEvent;
        match $provider {
            $crate::provider::Provider::Nomos => $function::<NomosEvent>($($argument),*),
            $crate::provider::Provider::Noma => $function::<NomaEvent>($($argument),*),
            $crate::provider::Provider::Standard => $function::<StandardWebhooksEvent>($($argument),*),
            $crate::provider::Provider::Stripe => $function::<StripeEvent>($($argument),*),
            $crate::provider::Provider::Github => $function::<GitHubEvent>($($argument),*),
            $crate::provider::Provider::Slack => $function::<SlackEvent>($($argument),*),
            $crate::provider::Provider::Shopify => $function::<ShopifyEvent>($($argument),*),
            $crate::provider::Provider::Paddle => $function::<PaddleEvent>($($argument),*),
            $crate::provider::Provider::Linear => $function::<LinearEvent>($($argument),*),
        }
    }};
}

pub(crate) use with_event;

/// Now, in Unix seconds.
pub(crate) fn unix_now() -> u64 {
    use hookguard_core::Clock as _;
    hookguard_core::SystemClock.unix_now()
}

/// A fresh id for generated events and messages.
pub(crate) fn fresh_id(prefix: &str) -> String {
    let token = hookguard_core::replay::OwnerToken::generate();
    let tail: String = token
        .as_str()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .rev()
        .take(20)
        .collect();
    format!("{prefix}{tail}")
}

impl Provider {
    /// The name on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Nomos => "nomos",
            Self::Noma => "noma",
            Self::Standard => "standard",
            Self::Stripe => "stripe",
            Self::Github => "github",
            Self::Slack => "slack",
            Self::Shopify => "shopify",
            Self::Paddle => "paddle",
            Self::Linear => "linear",
        }
    }

    /// The topics the provider defines today, as `send --topic` generates
    /// them; `None` where any topic is the sender's own choice.
    pub(crate) fn known_topics(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Nomos => Some(&[
                "subscription.created",
                "subscription.confirmed",
                "subscription.activated",
                "subscription.terminated",
                "subscription.ended",
                "test.event",
            ]),
            Self::Noma => Some(&[
                "content.created",
                "content.updated",
                "content.published",
                "content.unpublished",
                "content.deleted",
                "content.trashed",
                "content.restored",
                "auth.signup.success",
                "auth.login.success",
                "auth.logout.success",
                "auth.logout_all.success",
                "auth.email_verification.verified",
            ]),
            Self::Standard
            | Self::Stripe
            | Self::Github
            | Self::Slack
            | Self::Shopify
            | Self::Paddle
            | Self::Linear => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use hookguard_core::noma::NomaTopic;
    use hookguard_core::nomos::NomosTopic;

    use super::Provider;

    #[test]
    fn each_name_is_the_schemes_own() {
        use clap::ValueEnum as _;
        for provider in Provider::value_variants() {
            let scheme_name = with_event!(*provider, scheme_name());
            assert_eq!(provider.name(), scheme_name);
        }
    }

    fn scheme_name<E: hookguard_core::Event>() -> &'static str {
        <E::Scheme as hookguard_core::Scheme>::NAME
    }

    #[test]
    fn every_listed_topic_is_one_the_core_knows() {
        for topic in Provider::Nomos.known_topics().unwrap() {
            let parsed: NomosTopic = topic.parse().unwrap();
            assert!(!matches!(parsed, NomosTopic::Other(_)), "{topic}");
        }
        for topic in Provider::Noma.known_topics().unwrap() {
            let parsed: NomaTopic = topic.parse().unwrap();
            assert!(!matches!(parsed, NomaTopic::Other(_)), "{topic}");
        }
    }
}
