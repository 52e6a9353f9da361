//! The extractors: a verified, typed event from the request.

use axum_core::extract::{FromRef, FromRequest, Request};
use std::future::ready;

use futures_util::future::Either;
use futures_util::{FutureExt as _, TryFutureExt as _};
use hookguard_core::receive::{ClaimSlot, accept, log_accepted, log_refusal};
use hookguard_core::{Delivery, Error, Event, Scheme, Verifier};
use http::HeaderMap;

use crate::body::{LimitedBody, limited};
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

    // A plain function that returns the pipeline's future with an adapter,
    // not an `async fn` awaiting it: the request is taken apart before
    // anything is awaited, and no future is held twice (an `async` block
    // awaiting a future it captured keeps both), so the future axum boxes
    // for each request stays a few hundred bytes.
    fn from_request(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        let verifier = Verifier::<E::Scheme>::from_ref(state);
        let slot = request.extensions().get::<ClaimSlot<E>>().cloned();
        if let Some(slot) = &slot {
            slot.mark_seen();
        }
        let outcome = match limited(request, verifier.body_limit()) {
            Ok((parts, body)) => Either::Left(receive(verifier, slot, parts.headers, body)),
            Err(error) => Either::Right(ready(Err(error))),
        };
        outcome.map(|outcome| {
            outcome.map(Self).map_err(|error| {
                log_refusal(E::Scheme::NAME, &error);
                WebhookRejection::from(error)
            })
        })
    }
}

/// The pipeline up to the handler: read, verify, parse, and claim when a
/// [`Dedupe`](crate::Dedupe) layer left a slot.
async fn receive<E: Event>(
    verifier: Verifier<E::Scheme>,
    slot: Option<ClaimSlot<E>>,
    headers: HeaderMap,
    body: LimitedBody,
) -> Result<Delivery<E>, Error> {
    let body = body.read().await?;
    let delivery = accept::<E>(&verifier, &headers, body)?;
    if let Some(slot) = &slot {
        slot.claim(&verifier, &delivery).await?;
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

    fn from_request(
        request: Request,
        state: &S,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send {
        WebhookDelivery::<E>::from_request(request, state)
            .map_ok(|WebhookDelivery(delivery)| Self(delivery.event))
    }
}

#[cfg(test)]
mod tests {
    use axum_core::extract::FromRequest as _;
    use hookguard_core::NomosVerifier;
    use hookguard_core::nomos::NomosEvent;

    /// axum boxes every handler's future, so the extractor's future is
    /// allocated and moved on every request. Holding the request, or a
    /// future, twice across an await made it 2,104 bytes (a 2 KiB
    /// allocation per request, which in glibc consolidates the fast bins).
    #[test]
    fn the_extractor_future_holds_no_request_and_no_future_twice() {
        let verifier = NomosVerifier::new(["secret"]).unwrap();
        let request = || axum_core::extract::Request::new(axum_core::body::Body::empty());
        let webhook = super::Webhook::<NomosEvent>::from_request(request(), &verifier);
        let delivery = super::WebhookDelivery::<NomosEvent>::from_request(request(), &verifier);
        for (name, size) in [
            ("Webhook", std::mem::size_of_val(&webhook)),
            ("WebhookDelivery", std::mem::size_of_val(&delivery)),
        ] {
            assert!(size <= 1_024, "{name}'s future is {size} bytes");
        }
    }
}
