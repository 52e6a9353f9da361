//! The extractors: a verified, typed event in a handler's arguments.

use std::future::ready;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use hookguard_core::receive::ClaimSlot;
use hookguard_core::{Delivery, Error, Event, Verifier};

use crate::error::WebhookError;
use crate::middleware::Received;
use crate::receive::{claim, receive};

/// A verified, typed webhook event.
///
/// Behind [`Receive`](crate::Receive) it takes the event the middleware
/// parsed. Without the middleware it reads and verifies the payload itself,
/// with the `Verifier` for `E`'s scheme from `app_data` (as
/// `web::Data<Verifier<_>>` or a bare `Verifier<_>`); with neither, it
/// answers 500 `misconfigured` and the handler does not run. Behind a
/// [`Dedupe`](crate::Dedupe) middleware it also claims the event's replay
/// key before the handler runs.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use hookguard::actix::Webhook;
/// use hookguard::NomaVerifier;
/// use hookguard::noma::NomaEvent;
///
/// async fn noma(Webhook(event): Webhook<NomaEvent>) -> HttpResponse {
///     println!("{}", event.topic());
///     HttpResponse::NoContent().finish()
/// }
///
/// let verifier = NomaVerifier::new([std::env::var("NOMA_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app = App::new()
///     .app_data(web::Data::new(verifier))
///     .service(web::resource("/webhooks/noma").route(web::post().to(noma)));
/// ```
#[derive(Debug, Clone)]
pub struct Webhook<E>(pub E);

/// Like [`Webhook`], with everything verification proved (the matched
/// secret and the signed time), the event's id and replay key, and the raw
/// body bytes.
#[derive(Debug, Clone)]
pub struct WebhookDelivery<E>(pub Delivery<E>);

impl<E: Event> FromRequest for WebhookDelivery<E> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let slot = request.extensions().get::<ClaimSlot<E>>().cloned();
        if let Some(slot) = &slot {
            slot.mark_seen();
        }
        if let Some(received) = request.extensions_mut().remove::<Received<E>>() {
            return Box::pin(async move {
                claim(&received.verifier, slot.as_ref(), &received.delivery).await?;
                Ok(Self(received.delivery))
            });
        }
        let verifier = request
            .app_data::<web::Data<Verifier<E::Scheme>>>()
            .map(|data| Verifier::clone(data))
            .or_else(|| request.app_data::<Verifier<E::Scheme>>().cloned());
        let Some(verifier) = verifier else {
            return Box::pin(ready(Err(Error::Misconfigured.into())));
        };
        // `HttpRequest` is a reference count: the future reads the headers
        // in place instead of copying the map.
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let delivery = receive::<E>(&verifier, request.headers(), &mut payload).await?;
            claim(&verifier, slot.as_ref(), &delivery).await?;
            Ok(Self(delivery))
        })
    }
}

impl<E: Event> FromRequest for Webhook<E> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let delivery = WebhookDelivery::<E>::from_request(request, payload);
        Box::pin(async move {
            delivery
                .await
                .map(|WebhookDelivery(delivery)| Self(delivery.event))
        })
    }
}
