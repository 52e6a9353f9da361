//! The middleware: verification and parsing in front of every handler of a
//! scope or resource.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage as _;
use actix_web::ResponseError as _;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::HeaderMap;
use futures_util::future::LocalBoxFuture;
use hookguard_core::replay::{ClaimedKey, KeyFn, ReplayGuard, idempotency_key};
use hookguard_core::{Delivery, Event, Verifier};
use std::sync::Arc;

use crate::error::WebhookError;
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
///
/// # Replay guard
///
/// With [`with_replay_guard`](Self::with_replay_guard), each event's
/// handler runs once: before the handler, the event's idempotency key is
/// claimed. A key already handled answers 200 `{"error":"duplicate"}` and
/// the handler does not run; a key being handled elsewhere answers 503
/// `in_flight` with `Retry-After`; a store that cannot answer, 503
/// `store_unavailable`. A 2xx from the handler completes the key; any other
/// status, an error, a panic or a dropped request releases it, so the
/// provider's retry runs the handler again. Noma has no idempotency key:
/// give one with [`with_key`](Self::with_key), or the guard lets every
/// delivery through.
pub struct Verify<E: Event> {
    settings: Rc<Settings<E>>,
}

/// What a `Verify` and its services share.
struct Settings<E: Event> {
    verifier: Verifier<E::Scheme>,
    guard: Option<ReplayGuard>,
    key: KeyFn<E>,
}

impl<E: Event> Clone for Settings<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            guard: self.guard.clone(),
            key: Arc::clone(&self.key),
        }
    }
}

impl<E: Event> Verify<E> {
    /// Middleware that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<E::Scheme>) -> Self {
        Self {
            settings: Rc::new(Settings {
                verifier,
                guard: None,
                key: Arc::new(idempotency_key),
            }),
        }
    }

    /// Runs each event's handler once, with claims kept in `guard`.
    #[must_use]
    pub fn with_replay_guard(mut self, guard: ReplayGuard) -> Self {
        Rc::make_mut(&mut self.settings).guard = Some(guard);
        self
    }

    /// De-duplicates by the key `key` picks (`None`: no guard for that delivery).
    #[must_use]
    pub fn with_key(
        mut self,
        key: impl Fn(&Delivery<E>) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Rc::make_mut(&mut self.settings).key = Arc::new(key);
        self
    }
}

impl<E: Event> Clone for Verify<E> {
    fn clone(&self) -> Self {
        Self {
            settings: Rc::clone(&self.settings),
        }
    }
}

impl<E: Event> std::fmt::Debug for Verify<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verify")
            .field("verifier", &self.settings.verifier)
            .field("guard", &self.settings.guard)
            .finish_non_exhaustive()
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
            settings: Rc::clone(&self.settings),
        }))
    }
}

/// The service [`Verify`] wraps around a handler.
#[doc(hidden)]
pub struct VerifyMiddleware<E: Event, Inner> {
    service: Rc<Inner>,
    settings: Rc<Settings<E>>,
}

impl<E: Event, Inner> std::fmt::Debug for VerifyMiddleware<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyMiddleware")
            .field("verifier", &self.settings.verifier)
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
        let settings = Rc::clone(&self.settings);
        Box::pin(async move {
            let mut payload = request.take_payload();
            let claimed = match receive_and_claim(&settings, request.headers(), &mut payload).await
            {
                Ok((delivery, claimed)) => {
                    request.set_payload(Payload::from(delivery.body.clone()));
                    request.extensions_mut().insert(delivery);
                    claimed
                }
                Err(error) => {
                    let response = error.error_response();
                    return Ok(request.into_response(response).map_into_right_body());
                }
            };
            // An error, a panic or a dropped request drops `claimed`, which
            // releases the key.
            let response = service.call(request).await?;
            if let Some(claimed) = claimed {
                let key = claimed.key();
                if let Err(error) = claimed.finish(response.status().is_success()).await {
                    tracing::warn!(target: "hookguard::replay", %key, %error, "could not record the outcome; the claim ends with its lease");
                }
            }
            Ok(response.map_into_left_body())
        })
    }
}

/// Reads, verifies and parses the delivery, then claims its key when a
/// guard is configured and the delivery has a key.
async fn receive_and_claim<E: Event>(
    settings: &Settings<E>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<(Delivery<E>, Option<ClaimedKey>), WebhookError> {
    let delivery = receive::<E>(&settings.verifier, headers, payload).await?;
    let Some(guard) = &settings.guard else {
        return Ok((delivery, None));
    };
    let Some(key) = (settings.key)(&delivery) else {
        return Ok((delivery, None));
    };
    let claimed = guard
        .claim(
            guard.key(<E::Scheme as hookguard_core::Scheme>::NAME, key.as_bytes()),
            None,
        )
        .await?;
    Ok((delivery, Some(claimed)))
}
