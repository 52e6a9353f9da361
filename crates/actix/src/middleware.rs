//! The `Receive` middleware: verification and parsing in front of a
//! handler, with the exact bytes put back.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage as _;
use actix_web::ResponseError as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures_util::future::LocalBoxFuture;
use hookguard_core::{Delivery, Event, Verifier};

use crate::error::WebhookError;
use crate::receive::receive;

/// What `Receive` leaves in the request for the extractor: the delivery,
/// and the verifier that proved it (the replay guard's claim needs it).
pub(crate) struct Received<E: Event> {
    pub(crate) delivery: Delivery<E>,
    pub(crate) verifier: Verifier<E::Scheme>,
}

/// Middleware that reads each request's payload once, under the verifier's
/// body limit, verifies it, parses the typed event `E`, and only then calls
/// the handler, with the event in the request's extensions (take it with
/// [`Webhook`](crate::Webhook) or [`WebhookDelivery`](crate::WebhookDelivery))
/// and the exact bytes put back, so `web::Bytes` and `web::Json` still work.
/// A refused request never reaches the handler.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use hookguard::actix::{Receive, Webhook};
/// use hookguard::NomosVerifier;
/// use hookguard::nomos::NomosEvent;
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
///     println!("{}", event.topic());
///     HttpResponse::NoContent().finish()
/// }
///
/// // A verifier cannot exist without a valid secret: a configuration
/// // mistake stops the program here, before the server starts.
/// let verifier = NomosVerifier::new([std::env::var("NOMOS_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app = App::new().service(
///     web::resource("/webhooks/nomos")
///         .route(web::post().to(nomos).wrap(Receive::<NomosEvent>::new(verifier))),
/// );
/// ```
///
/// Wrap the route (`Route::wrap`) inside a `web::resource`, rather than the
/// resource or a scope, so a request with another method still gets
/// actix-web's 405 instead of a webhook refusal. For the replay guard, wrap
/// the route in [`Dedupe`](crate::Dedupe) too.
pub struct Receive<E: Event> {
    verifier: Rc<Verifier<E::Scheme>>,
}

impl<E: Event> Receive<E> {
    /// Middleware that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<E::Scheme>) -> Self {
        Self {
            verifier: Rc::new(verifier),
        }
    }
}

impl<E: Event> Clone for Receive<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: Rc::clone(&self.verifier),
        }
    }
}

impl<E: Event> std::fmt::Debug for Receive<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receive")
            .field("verifier", &self.verifier)
            .finish()
    }
}

impl<E, Inner, B> Transform<Inner, ServiceRequest> for Receive<E>
where
    E: Event,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ReceiveMiddleware<E, Inner>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: Inner) -> Self::Future {
        ready(Ok(ReceiveMiddleware {
            service: Rc::new(service),
            verifier: Rc::clone(&self.verifier),
        }))
    }
}

/// The service [`Receive`] wraps around a handler.
#[doc(hidden)]
pub struct ReceiveMiddleware<E: Event, Inner> {
    service: Rc<Inner>,
    verifier: Rc<Verifier<E::Scheme>>,
}

impl<E: Event, Inner> std::fmt::Debug for ReceiveMiddleware<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiveMiddleware")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

impl<E, Inner, B> Service<ServiceRequest> for ReceiveMiddleware<E, Inner>
where
    E: Event,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let verifier = Rc::clone(&self.verifier);
        Box::pin(async move {
            let mut payload = request.take_payload();
            match receive::<E>(&verifier, request.headers(), &mut payload).await {
                Ok(delivery) => {
                    request.set_payload(Payload::from(delivery.body.clone()));
                    request.extensions_mut().insert(Received {
                        delivery,
                        verifier: Verifier::clone(&verifier),
                    });
                }
                Err(error) => {
                    let response = WebhookError::from(error).error_response();
                    return Ok(request.into_response(response).map_into_right_body());
                }
            }
            let response = service.call(request).await?;
            Ok(response.map_into_left_body())
        })
    }
}
