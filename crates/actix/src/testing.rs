//! Signed test deliveries as actix-web test requests (feature `testing`).
//!
//! actix-web 4 speaks `http` 0.2, so the core's `http` 1.x request does not
//! fit `actix_web::test`: this turns the same [`SignedRequest`] into a
//! [`TestRequest`], header for header and byte for byte.

use actix_web::test::TestRequest;
use hookguard_core::testing::{SignedParts, SignedRequest};
use hookguard_core::{Error, Scheme};

/// Turns a signed delivery into an actix-web [`TestRequest`].
///
/// ```
/// use actix_web::{App, HttpResponse, test, web};
/// use hookguard::NomosVerifier;
/// use hookguard::actix::Webhook;
/// use hookguard::nomos::NomosEvent;
/// use hookguard::scheme::Nomos;
/// use hookguard::testing::{IntoTestRequest as _, SignedRequest};
///
/// async fn nomos(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
///     HttpResponse::Ok().body(event.topic_str().to_owned())
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let verifier = NomosVerifier::new(["s3cret"])?;
/// let app = test::init_service(
///     App::new().app_data(web::Data::new(verifier)).route("/nomos", web::post().to(nomos)),
/// )
/// .await;
/// let request = SignedRequest::<Nomos>::new("s3cret", r#"{"id":"evt_1","topic":"test.event"}"#)?
///     .uri("/nomos")
///     .into_test_request()?
///     .to_request();
/// let response = test::call_service(&app, request).await;
/// assert_eq!(response.status(), 200);
/// assert_eq!(test::read_body(response).await, "test.event");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait IntoTestRequest {
    /// The signed delivery as a [`TestRequest`]; add to it (peer address,
    /// app data) before `to_request()`.
    ///
    /// # Errors
    ///
    /// As [`SignedRequest::into_parts`].
    fn into_test_request(self) -> Result<TestRequest, Error>;
}

impl<S: Scheme> IntoTestRequest for SignedRequest<S> {
    fn into_test_request(self) -> Result<TestRequest, Error> {
        let SignedParts {
            method: _,
            uri,
            headers,
            body,
        } = self.into_parts()?;
        // `http` 1.x names and values are valid `http` 0.2 ones: both
        // crates check the same bytes (RFC 9110 tokens, visible text).
        let request = headers
            .iter()
            .fold(TestRequest::post().uri(&uri), |request, (name, value)| {
                request.append_header((name.as_str(), value.as_bytes()))
            });
        Ok(request.set_payload(body))
    }
}
