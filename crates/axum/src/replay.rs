//! The replay guard as a tower layer: each event's handler runs once.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum_core::body::Body;
use axum_core::extract::Request;
use axum_core::response::{IntoResponse as _, Response};
use hookguard_core::replay::{KeyFn, ReplayGuard, idempotency_key};
use hookguard_core::{Event, Verifier};
use tower_layer::Layer;
use tower_service::Service;

use crate::body::read_limited;
use crate::rejection::WebhookRejection;

/// Verifies, parses and de-duplicates each delivery before the handler,
/// which takes the event with [`Webhook`](crate::Webhook) as usual.
///
/// Before the handler, the event's idempotency key is claimed: a key
/// already handled answers 200 `{"error":"duplicate"}` and the handler does
/// not run; a key being handled elsewhere answers 503 `in_flight` with
/// `Retry-After`; a store that cannot answer, 503 `store_unavailable`. A
/// 2xx from the handler completes the key; any other status, a panic or a
/// dropped request releases it, so the provider's retry runs the handler
/// again.
///
/// The key is the scheme's idempotency key (see [`idempotency_key`]); Noma
/// has none, so give a key function with [`with_key`](Self::with_key) or
/// the guard lets every delivery through.
///
/// ```no_run
/// use axum::{Router, routing::post, http::StatusCode};
/// use hookguard_axum::{ReplayGuardLayer, Webhook};
/// use hookguard_core::NomosVerifier;
/// use hookguard_core::nomos::NomosEvent;
/// use hookguard_core::replay::ReplayGuard;
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
///     StatusCode::NO_CONTENT
/// }
///
/// let verifier = NomosVerifier::new([std::env::var("NOMOS_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app: Router = Router::new()
///     .route("/webhooks/nomos", post(nomos))
///     .route_layer(ReplayGuardLayer::<NomosEvent>::new(verifier.clone(), ReplayGuard::in_memory()))
///     .with_state(verifier);
/// ```
pub struct ReplayGuardLayer<E: Event> {
    verifier: Verifier<E::Scheme>,
    guard: ReplayGuard,
    key: KeyFn<E>,
}

impl<E: Event> ReplayGuardLayer<E> {
    /// Verifies with `verifier` and de-duplicates with `guard`.
    #[must_use]
    pub fn new(verifier: Verifier<E::Scheme>, guard: ReplayGuard) -> Self {
        Self {
            verifier,
            guard,
            key: Arc::new(idempotency_key),
        }
    }

    /// De-duplicates by the key `key` picks (`None`: no guard for that delivery).
    #[must_use]
    pub fn with_key(
        mut self,
        key: impl Fn(&hookguard_core::Delivery<E>) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.key = Arc::new(key);
        self
    }
}

impl<E: Event> Clone for ReplayGuardLayer<E> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            guard: self.guard.clone(),
            key: Arc::clone(&self.key),
        }
    }
}

impl<E: Event> std::fmt::Debug for ReplayGuardLayer<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayGuardLayer")
            .field("verifier", &self.verifier)
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}

impl<E: Event, Inner> Layer<Inner> for ReplayGuardLayer<E> {
    type Service = ReplayGuardService<E, Inner>;

    fn layer(&self, inner: Inner) -> Self::Service {
        ReplayGuardService {
            layer: self.clone(),
            inner,
        }
    }
}

/// The service [`ReplayGuardLayer`] wraps around a handler.
pub struct ReplayGuardService<E: Event, Inner> {
    layer: ReplayGuardLayer<E>,
    inner: Inner,
}

impl<E: Event, Inner: Clone> Clone for ReplayGuardService<E, Inner> {
    fn clone(&self) -> Self {
        Self {
            layer: self.layer.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<E: Event, Inner> std::fmt::Debug for ReplayGuardService<E, Inner> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayGuardService")
            .field("layer", &self.layer)
            .finish_non_exhaustive()
    }
}

impl<E, Inner> Service<Request> for ReplayGuardService<E, Inner>
where
    E: Event,
    Inner: Service<Request, Response = Response> + Clone + Send + 'static,
    Inner::Future: Send,
{
    type Response = Response;
    type Error = Inner::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Inner::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let layer = self.layer.clone();
        Box::pin(async move {
            let (mut parts, body) = match read_limited(request, layer.verifier.body_limit()).await {
                Ok(read) => read,
                Err(rejection) => return Ok(rejection.into_response()),
            };
            let delivery = match layer.verifier.receive::<E>(&parts.headers, body) {
                Ok(delivery) => delivery,
                Err(error) => return Ok(WebhookRejection::from(error).into_response()),
            };
            let claimed = match (layer.key)(&delivery) {
                None => None,
                Some(key) => match layer
                    .guard
                    .claim(
                        layer
                            .guard
                            .key(<E::Scheme as hookguard_core::Scheme>::NAME, key.as_bytes()),
                        None,
                    )
                    .await
                {
                    Ok(claimed) => Some(claimed),
                    Err(error) => return Ok(WebhookRejection::from(error).into_response()),
                },
            };
            let body = Body::from(delivery.body.clone());
            parts.extensions.insert(delivery);
            // A panic in the handler or a dropped request drops `claimed`,
            // which releases the key.
            let response = inner.call(Request::from_parts(parts, body)).await?;
            if let Some(claimed) = claimed {
                let key = claimed.key();
                if let Err(error) = claimed.finish(response.status().is_success()).await {
                    tracing::warn!(target: "hookguard::replay", %key, %error, "could not record the outcome; the claim ends with its lease");
                }
            }
            Ok(response)
        })
    }
}
