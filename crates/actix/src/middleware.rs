//! The gate middlewares, `Receive<E>` (verify and parse) and `Verify<S>`
//! (verify only): each reads the payload once, checks it, and calls the
//! handler with the exact bytes put back and what the check proved in the
//! request's extensions; a refused request is answered and never reaches
//! the handler. Both are one generic middleware with a different check.

use std::future::{Future, Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage as _;
use actix_web::HttpRequest;
use actix_web::ResponseError as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use hookguard_core::{Delivery, Error, Event, Scheme, Verification, Verifier};

use crate::error::WebhookError;
use crate::receive::{receive, verify};

/// What `Receive` leaves in the request for the extractor: the delivery,
/// and the verifier that proved it (the replay guard's claim needs it).
#[doc(hidden)]
#[derive(Debug)]
pub struct Received<E: Event> {
    pub(crate) delivery: Delivery<E>,
    pub(crate) verifier: Verifier<E::Scheme>,
}

/// What a gate checks before the handler runs.
#[doc(hidden)]
pub trait Check: Clone + 'static {
    /// What the check proved, left in the request's extensions.
    type Proof: 'static;

    /// Reads the payload and checks it; the exact bytes and the proof, or
    /// the refusal (already logged).
    fn check(
        self,
        request: HttpRequest,
        payload: Payload,
    ) -> impl Future<Output = Result<(Bytes, Self::Proof), Error>> + 'static;
}

/// Middleware that runs a check before the handler: the one type behind
/// [`Receive`] (verify and parse) and [`Verify`] (verify only).
#[derive(Debug, Clone)]
pub struct Gate<C> {
    check: C,
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
pub type Receive<E> = Gate<ReceiveCheck<E>>;

impl<E: Event> Receive<E> {
    /// Middleware that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<E::Scheme>) -> Self {
        Self {
            check: ReceiveCheck {
                verifier: Rc::new(verifier),
            },
        }
    }
}

/// Middleware that reads each request's payload once, under the verifier's
/// body limit, and verifies it, without parsing: the handler gets the
/// exact bytes back (`web::Bytes`, `web::Json`, or its own reader) and the
/// [`Verification`] in the request's extensions (take it with
/// `web::ReqData<Verification>`). For providers or payloads hookguard has
/// no typed event for; a refused request never reaches the handler.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use hookguard::actix::Verify;
/// use hookguard::{StripeVerifier, Verification};
///
/// async fn stripe(verified: web::ReqData<Verification>, body: web::Bytes) -> HttpResponse {
///     println!("{} bytes, secret #{:?}", body.len(), verified.secret_index);
///     HttpResponse::NoContent().finish()
/// }
///
/// let verifier = StripeVerifier::new([std::env::var("STRIPE_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app = App::new().service(
///     web::resource("/webhooks/stripe").route(web::post().to(stripe).wrap(Verify::new(verifier))),
/// );
/// ```
///
/// Wrap the route, as for [`Receive`], so other methods still get 405.
pub type Verify<S> = Gate<VerifyCheck<S>>;

impl<S: Scheme> Verify<S> {
    /// Middleware that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<S>) -> Self {
        Self {
            check: VerifyCheck {
                verifier: Rc::new(verifier),
            },
        }
    }
}

/// The check of [`Receive`]: verify and parse into `E`.
#[doc(hidden)]
pub struct ReceiveCheck<E: Event> {
    verifier: Rc<Verifier<E::Scheme>>,
}

impl<E: Event> std::fmt::Debug for ReceiveCheck<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receive")
            .field("verifier", &self.verifier)
            .finish()
    }
}

// By hand: a derive would ask `E: Clone`, which the `Rc` does not need.
impl<E: Event> Clone for ReceiveCheck<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: Rc::clone(&self.verifier),
        }
    }
}

impl<E: Event> Check for ReceiveCheck<E> {
    type Proof = Received<E>;

    async fn check(
        self,
        request: HttpRequest,
        mut payload: Payload,
    ) -> Result<(Bytes, Received<E>), Error> {
        let delivery = receive::<E>(&self.verifier, request.headers(), &mut payload).await?;
        let body = delivery.body.clone();
        let verifier = Verifier::clone(&self.verifier);
        Ok((body, Received { delivery, verifier }))
    }
}

/// The check of [`Verify`]: verify only.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct VerifyCheck<S: Scheme> {
    verifier: Rc<Verifier<S>>,
}

impl<S: Scheme> Check for VerifyCheck<S> {
    type Proof = Verification;

    async fn check(
        self,
        request: HttpRequest,
        mut payload: Payload,
    ) -> Result<(Bytes, Verification), Error> {
        verify(&self.verifier, request.headers(), &mut payload).await
    }
}

impl<C, Inner, B> Transform<Inner, ServiceRequest> for Gate<C>
where
    C: Check,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = GateService<C, Inner>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: Inner) -> Self::Future {
        ready(Ok(GateService {
            service: Rc::new(service),
            check: self.check.clone(),
        }))
    }
}

/// The service a [`Gate`] wraps around a handler.
#[doc(hidden)]
pub struct GateService<C, Inner> {
    service: Rc<Inner>,
    check: C,
}

impl<C, Inner> std::fmt::Debug for GateService<C, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GateService").finish_non_exhaustive()
    }
}

impl<C, Inner, B> Service<ServiceRequest> for GateService<C, Inner>
where
    C: Check,
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
        let payload = request.take_payload();
        // `HttpRequest` is a reference count: the check reads the headers
        // in place, and its future borrows nothing from `request`.
        let checked = self.check.clone().check(request.request().clone(), payload);
        Box::pin(async move {
            match checked.await {
                Ok((body, proof)) => {
                    request.set_payload(Payload::from(body));
                    request.extensions_mut().insert(proof);
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
