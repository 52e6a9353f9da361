//! The replay guard as a tower layer: each event's handler runs once.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum_core::extract::Request;
use axum_core::response::Response;
use hookguard_core::receive::{ClaimSlot, Deduplication, run_guarded};
use hookguard_core::replay::ReplayGuard;
use hookguard_core::{Delivery, Event, ReplayId};
use tower_layer::Layer;
use tower_service::Service;

/// Runs each event's handler once, with claims kept in a [`ReplayGuard`].
///
/// The handler takes the event with [`Webhook`](crate::Webhook) or
/// [`WebhookDelivery`](crate::WebhookDelivery) as usual, with the verifier
/// from the router's state: the layer needs no verifier of its own. Before
/// the handler runs, the extractor claims the event's replay key (taken
/// only from signed bytes, see [`Event::replay_id`]): a key already handled
/// answers 200 `{"error":"duplicate"}` and the handler does not run; a key
/// being handled elsewhere answers 503 `in_flight` with `Retry-After`; a
/// store that cannot answer, 503 `store_unavailable`. A 2xx from the
/// handler completes the key; any other status, a panic or a dropped
/// request releases it, so the provider's retry runs the handler again.
///
/// A handler behind this layer that does not extract `Webhook<E>` (for
/// this `E`) runs unguarded; the layer logs a WARN when that happens.
///
/// ```no_run
/// use axum::{Router, routing::post, http::StatusCode};
/// use hookguard::axum::{Dedupe, Webhook};
/// use hookguard::NomosVerifier;
/// use hookguard::nomos::NomosEvent;
/// use hookguard::replay::ReplayGuard;
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
///     StatusCode::NO_CONTENT
/// }
///
/// let verifier = NomosVerifier::new([std::env::var("NOMOS_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app: Router = Router::new()
///     .route("/webhooks/nomos", post(nomos))
///     .route_layer(Dedupe::<NomosEvent>::new(ReplayGuard::in_memory()))
///     .with_state(verifier);
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

impl<E: Event, Inner> Layer<Inner> for Dedupe<E> {
    type Service = DedupeService<E, Inner>;

    fn layer(&self, inner: Inner) -> Self::Service {
        DedupeService {
            deduplication: self.deduplication.clone(),
            inner,
        }
    }
}

/// The service [`Dedupe`] wraps around a handler.
pub struct DedupeService<E: Event, Inner> {
    deduplication: Deduplication<E>,
    inner: Inner,
}

impl<E: Event, Inner: Clone> Clone for DedupeService<E, Inner> {
    fn clone(&self) -> Self {
        Self {
            deduplication: self.deduplication.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<E: Event, Inner> std::fmt::Debug for DedupeService<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DedupeService")
            .field("deduplication", &self.deduplication)
            .finish_non_exhaustive()
    }
}

impl<E, Inner> Service<Request> for DedupeService<E, Inner>
where
    E: Event,
    Inner: Service<Request, Response = Response> + Clone + Send + 'static,
    Inner::Future: Send,
    Inner::Error: Send,
{
    type Response = Response;
    type Error = Inner::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Inner::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The clone that was polled ready serves this request (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let slot = ClaimSlot::new(self.deduplication.clone());
        request.extensions_mut().insert(slot.clone());
        Box::pin(async move {
            run_guarded(
                &slot,
                inner.call(request),
                |outcome: &Result<Response, _>| {
                    outcome
                        .as_ref()
                        .map_or(500, |response| response.status().as_u16())
                },
            )
            .await
        })
    }
}
