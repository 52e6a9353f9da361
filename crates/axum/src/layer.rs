//! The tower layer: verification in front of any handler, which then reads
//! the body its own way.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum_core::body::Body;
use axum_core::extract::Request;
use axum_core::response::{IntoResponse as _, Response};
use hookguard_core::receive::{log_refusal, log_verified};
use hookguard_core::{Error, Scheme, Verification, Verifier};
use tower_layer::Layer;
use tower_service::Service;

use crate::body::limited;
use crate::rejection::WebhookRejection;

/// Verifies each request before the inner service sees it.
///
/// A verified request goes on with its body restored byte for byte and a
/// [`Verification`] in its extensions (take it with
/// `Extension<Verification>`); a refused one is answered with
/// [`WebhookRejection`] and never reaches the handler. The body is not
/// parsed: use [`Webhook`](crate::Webhook) for typed events (and for
/// Slack, whose `url_verification` only the extractor answers).
///
/// Apply it with `route_layer` (or `MethodRouter::route_layer`), so that a
/// request with another method still gets the router's 405:
///
/// ```no_run
/// use axum::{Extension, Router, body::Bytes, routing::post};
/// use hookguard::{StripeVerifier, Verification};
/// use hookguard::axum::Verify;
///
/// async fn stripe(Extension(verified): Extension<Verification>, body: Bytes) {
///     println!("{} bytes, secret #{:?}", body.len(), verified.secret_index);
/// }
///
/// let verifier = StripeVerifier::new([std::env::var("STRIPE_WEBHOOK_SECRET").unwrap()]).unwrap();
/// let app: Router = Router::new()
///     .route("/webhooks/stripe", post(stripe))
///     .route_layer(Verify::new(verifier));
/// ```
#[derive(Debug, Clone)]
pub struct Verify<S: Scheme> {
    verifier: Verifier<S>,
}

/// The name [`Verify`] had in 0.1.
#[deprecated(since = "0.2.0", note = "renamed `Verify`, as in hookguard-actix")]
pub type VerifyLayer<S> = Verify<S>;

impl<S: Scheme> Verify<S> {
    /// A layer that checks requests with `verifier`.
    #[must_use]
    pub fn new(verifier: Verifier<S>) -> Self {
        Self { verifier }
    }
}

impl<S: Scheme, Inner> Layer<Inner> for Verify<S> {
    type Service = VerifyService<S, Inner>;

    fn layer(&self, inner: Inner) -> Self::Service {
        VerifyService {
            verifier: self.verifier.clone(),
            inner,
        }
    }
}

/// The service [`Verify`] wraps around a handler.
#[derive(Debug, Clone)]
pub struct VerifyService<S: Scheme, Inner> {
    verifier: Verifier<S>,
    inner: Inner,
}

impl<S, Inner> Service<Request> for VerifyService<S, Inner>
where
    S: Scheme,
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
        // The clone that was polled ready serves this request (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let verifier = self.verifier.clone();
        Box::pin(async move {
            match verify(&verifier, request).await {
                Ok(request) => inner.call(request).await,
                Err(error) => {
                    log_refusal(S::NAME, &error);
                    Ok(WebhookRejection::from(error).into_response())
                }
            }
        })
    }
}

async fn verify<S: Scheme>(verifier: &Verifier<S>, request: Request) -> Result<Request, Error> {
    let (mut parts, body) = limited(request, verifier.body_limit())?;
    let body = body.read().await?;
    let verification: Verification = verifier.verify(&parts.headers, &body)?;
    log_verified::<S>(&verification);
    parts.extensions.insert(verification);
    Ok(Request::from_parts(parts, Body::from(body)))
}
