//! The extractors: a verified, typed event from the request.

use axum_core::extract::{FromRef, FromRequest, Request};
use hookguard_core::receive::{ClaimSlot, accept, log_accepted, log_refusal};
use hookguard_core::{Delivery, Error, Event, Scheme, Verifier};

use crate::body::read_limited;
use crate::rejection::WebhookRejection;

/// A verified, typed webhook event.
///
/// ```no_run
/// use axum::{Router, routing::post, http::StatusCode};
/// use hookguard::NomosVerifier;
/// use hookguard::axum::Webhook;
/// use hookguard::nomos::NomosEvent;
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
/// authentic, fresh, well-formed deliveries. Behind a [`Dedupe`](crate::Dedupe)
/// layer it also claims the event's replay key before the handler runs, and
/// answers `duplicate` or `in_flight` instead of running it.
#[derive(Debug, Clone)]
pub struct Webhook<E>(pub E);

/// Like [`Webhook`], with everything verification proved (the matched
/// secret and the signed time), the event's id and replay key, and the raw
/// body bytes.
#[derive(Debug, Clone)]
pub struct WebhookDelivery<E>(pub Delivery<E>);

impl<E, S> FromRequest<S> for WebhookDelivery<E>
where
    E: Event,
    Verifier<E::Scheme>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::<E::Scheme>::from_ref(state);
        let slot = request.extensions().get::<ClaimSlot<E>>().cloned();
        receive(&verifier, slot, request)
            .await
            .map(Self)
            .map_err(|error| {
                log_refusal(E::Scheme::NAME, &error);
                WebhookRejection::from(error)
            })
    }
}

/// The pipeline up to the handler: read, verify, parse, and claim when a
/// [`Dedupe`](crate::Dedupe) layer left a slot.
async fn receive<E: Event>(
    verifier: &Verifier<E::Scheme>,
    slot: Option<ClaimSlot<E>>,
    request: Request,
) -> Result<Delivery<E>, Error> {
    if let Some(slot) = &slot {
        slot.mark_seen();
    }
    let (parts, body) = read_limited(request, verifier.body_limit()).await?;
    let delivery = accept::<E>(verifier, &parts.headers, body)?;
    if let Some(slot) = &slot {
        slot.claim(verifier, &delivery).await?;
    }
    log_accepted(&delivery);
    Ok(delivery)
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
