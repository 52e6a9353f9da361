//! The middleware: verification and parsing in front of every handler of a
//! scope or resource.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage as _;
use actix_web::ResponseError as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures_util::future::LocalBoxFuture;
use hookguard_core::{Event, Verifier};

use crate::receive::receive;

/// Middleware that reads each request's payload once, under the verifier's
/// body limit, verifies it, parses the typed event `E`, and only then calls
/// the handler, with the event in the request's extensions (take it with
/// [`Webhook`](crate::Webhook) or [`WebhookDelivery`](crate::WebhookDelivery))
/// and the exact bytes put back, so `web::Bytes` and `web::Json` still work.
/// A refused request never reaches the handler.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use hookguard_actix::{Verify, Webhook};
/// use hookguard_core::NomosVerifier;
/// use hookguard_core::nomos::NomosEvent;
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
///         .route(web::post().to(nomos).wrap(Verify::<NomosEvent>::new(verifier))),
/// );
/// ```
///
/// Wrap the route (`Route::wrap`) inside a `web::resource`, rather than the
/// resource or a scope, so a request with another method still gets
/// actix-web's 405 instead of a webhook refusal.
pub struct Verify<E: Event> {
    verifier: Rc<Verifier<E::Scheme>>,
}

impl<E: Event> Verify<E> {
    /// Middleware that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<E::Scheme>) -> Self {
        Self {
            verifier: Rc::new(verifier),
        }
    }
}

impl<E: Event> Clone for Verify<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: Rc::clone(&self.verifier),
        }
    }
}

impl<E: Event> std::fmt::Debug for Verify<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verify")
            .field("verifier", &self.verifier)
            .finish()
    }
}

impl<E, Inner, B> Transform<Inner, ServiceRequest> for Verify<E>
where
    E: Event,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = VerifyMiddleware<E, Inner>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: Inner) -> Self::Future {
        ready(Ok(VerifyMiddleware {
            service: Rc::new(service),
            verifier: Rc::clone(&self.verifier),
        }))
    }
}

/// The service [`Verify`] wraps around a handler.
#[doc(hidden)]
pub struct VerifyMiddleware<E: Event, Inner> {
    service: Rc<Inner>,
    verifier: Rc<Verifier<E::Scheme>>,
}

impl<E: Event, Inner> std::fmt::Debug for VerifyMiddleware<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyMiddleware")
            .field("verifier", &self.verifier)
            .finish_non_exhaustive()
    }
}

impl<E, Inner, B> Service<ServiceRequest> for VerifyMiddleware<E, Inner>
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
                    request.extensions_mut().insert(delivery);
                    service
                        .call(request)
                        .await
                        .map(ServiceResponse::map_into_left_body)
                }
                Err(error) => {
                    let response = error.error_response();
                    Ok(request.into_response(response).map_into_right_body())
                }
            }
        })
    }
}
