//! The `Dedupe` middleware: each event's handler runs once.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::HttpMessage as _;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures_util::future::LocalBoxFuture;
use hookguard_core::receive::{ClaimSlot, Deduplication, run_guarded};
use hookguard_core::replay::ReplayGuard;
use hookguard_core::{Delivery, Event, ReplayId};

/// Runs each event's handler once, with claims kept in a [`ReplayGuard`].
///
/// The handler takes the event with [`Webhook`](crate::Webhook) or
/// [`WebhookDelivery`](crate::WebhookDelivery), behind
/// [`Receive`](crate::Receive) or with the verifier in `app_data`: the
/// middleware needs no verifier of its own. Before the handler runs, the
/// extractor claims the event's replay key (only from signed bytes, see
/// `Event::replay_id`): a key already handled answers 200
/// `{"error":"duplicate"}` and the handler does not run; a key being
/// handled elsewhere answers 503 `in_flight` with `Retry-After`; a store
/// that cannot answer, 503 `store_unavailable`. A 2xx from the handler
/// completes the key; any other status, an error, a panic or a dropped
/// request releases it, so the provider's retry runs the handler again.
///
/// A handler behind it that takes no `Webhook<E>` (for this `E`) runs
/// unguarded; the middleware logs a WARN when that happens.
///
/// ```no_run
/// use actix_web::{App, HttpResponse, web};
/// use hookguard::actix::{Dedupe, Webhook};
/// use hookguard::NomosVerifier;
/// use hookguard::nomos::NomosEvent;
/// use hookguard::replay::ReplayGuard;
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
///     HttpResponse::NoContent().finish()
/// }
///
/// let verifier = NomosVerifier::new([std::env::var("NOMOS_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let guard = ReplayGuard::in_memory(); // build once, outside the app factory
/// let app = App::new().app_data(web::Data::new(verifier)).service(
///     web::resource("/webhooks/nomos")
///         .route(web::post().to(nomos).wrap(Dedupe::<NomosEvent>::new(guard))),
/// );
/// ```
pub struct Dedupe<E: Event> {
    deduplication: Deduplication<E>,
}

impl<E: Event> Dedupe<E> {
    /// De-duplicates with `guard`, by each event's own replay key.
    #[must_use]
    pub fn new(guard: ReplayGuard) -> Self {
        Self {
            deduplication: Deduplication::new(guard),
        }
    }

    /// De-duplicates by the key `key` picks (`None`: no guard for that
    /// delivery); take it only from signed bytes.
    #[must_use]
    pub fn with_key(
        self,
        key: impl Fn(&Delivery<E>) -> Option<ReplayId> + Send + Sync + 'static,
    ) -> Self {
        Self {
            deduplication: self.deduplication.with_key(key),
        }
    }
}

impl<E: Event> Clone for Dedupe<E> {
    fn clone(&self) -> Self {
        Self {
            deduplication: self.deduplication.clone(),
        }
    }
}

impl<E: Event> std::fmt::Debug for Dedupe<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dedupe")
            .field("deduplication", &self.deduplication)
            .finish()
    }
}

impl<E, Inner, B> Transform<Inner, ServiceRequest> for Dedupe<E>
where
    E: Event,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = DedupeMiddleware<E, Inner>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: Inner) -> Self::Future {
        ready(Ok(DedupeMiddleware {
            service: Rc::new(service),
            deduplication: self.deduplication.clone(),
        }))
    }
}

/// The service [`Dedupe`] wraps around a handler.
#[doc(hidden)]
pub struct DedupeMiddleware<E: Event, Inner> {
    service: Rc<Inner>,
    deduplication: Deduplication<E>,
}

impl<E: Event, Inner> std::fmt::Debug for DedupeMiddleware<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupeMiddleware")
            .field("deduplication", &self.deduplication)
            .finish_non_exhaustive()
    }
}

impl<E, Inner, B> Service<ServiceRequest> for DedupeMiddleware<E, Inner>
where
    E: Event,
    Inner:
        Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let slot = ClaimSlot::new(self.deduplication.clone());
        request.extensions_mut().insert(slot.clone());
        Box::pin(async move {
            // An error from the handler is answered with its own status.
            run_guarded(&slot, service.call(request), |outcome| match outcome {
                Ok(response) => response.status().as_u16(),
                Err(error) => error.as_response_error().status_code().as_u16(),
            })
            .await
        })
    }
}
