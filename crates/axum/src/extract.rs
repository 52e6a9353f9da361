//! The extractors: a verified, typed event from the request.

use axum_core::extract::{FromRef, FromRequest, Request};
use hookguard_core::{Delivery, Event, Verifier};

use crate::body::read_limited;
use crate::rejection::WebhookRejection;

/// A verified, typed webhook event.
///
/// ```no_run
/// use axum::{Router, routing::post, http::StatusCode};
/// use hookguard_core::NomosVerifier;
/// use hookguard_axum::Webhook;
/// use hookguard_core::nomos::NomosEvent;
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
///     match event {
///         NomosEvent::SubscriptionCreated(created) => println!("new {}", created.context.subscription),
///         _ => {}
///     }
///     StatusCode::NO_CONTENT
/// }
///
/// let verifier = NomosVerifier::new([std::env::var("NOMOS_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app: Router = Router::new().route("/webhooks/nomos", post(nomos)).with_state(verifier);
/// ```
///
/// It reads the body, so it must be the handler's last argument. The
/// verifier for `E`'s scheme comes from the router's state through
/// [`FromRef`]: an app with several providers keeps one verifier of each in
/// its state and implements `FromRef` for each. The body is read once,
/// under the verifier's limit (1 MiB by default) and the route's
/// `DefaultBodyLimit`, whichever is smaller; `Content-Length` is checked
/// before reading.
///
/// Refusals answer with [`WebhookRejection`]: the handler runs only for
/// authentic, fresh, well-formed deliveries. Behind a
/// [`ReplayGuardLayer`](crate::ReplayGuardLayer) it takes the delivery the
/// layer verified (the state still names the verifier, for the types).
#[derive(Debug, Clone)]
pub struct Webhook<E>(pub E);

/// Like [`Webhook`], with everything verification proved: the matched
/// secret, the signed time, the idempotency key and the raw body bytes.
#[derive(Debug, Clone)]
pub struct WebhookDelivery<E>(pub Delivery<E>);

impl<E, S> FromRequest<S> for WebhookDelivery<E>
where
    E: Event,
    Verifier<E::Scheme>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(mut request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Behind `ReplayGuardLayer` the delivery was verified already.
        if let Some(delivery) = request.extensions_mut().remove::<Delivery<E>>() {
            return Ok(Self(delivery));
        }
        let verifier = Verifier::<E::Scheme>::from_ref(state);
        let (parts, body) = read_limited(request, verifier.body_limit()).await?;
        let delivery = verifier.receive::<E>(&parts.headers, body)?;
        Ok(Self(delivery))
    }
}

impl<E, S> FromRequest<S> for Webhook<E>
where
    E: Event,
    Verifier<E::Scheme>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let WebhookDelivery(delivery) = WebhookDelivery::<E>::from_request(request, state).await?;
        Ok(Self(delivery.event))
    }
}
