//! Reading the payload once under the limit, then verifying and parsing:
//! the core's pipeline fed from actix-web's payload stream.

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use futures_util::StreamExt as _;
use hookguard_core::receive::{ClaimSlot, accept, log_accepted, log_refusal};
use hookguard_core::{
    BodyReader, Delivery, Error, Event, HeaderField, Headers, Scheme, Verification, Verifier,
};

/// Reads, verifies and parses one delivery; logs a refusal.
pub(crate) async fn receive<E: Event>(
    verifier: &Verifier<E::Scheme>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<Delivery<E>, Error> {
    let outcome = async {
        let body = read_limited(headers, payload, verifier.body_limit()).await?;
        accept::<E>(verifier, &ActixHeaders(headers), body)
    }
    .await;
    if let Err(error) = &outcome {
        log_refusal(E::Scheme::NAME, error);
    }
    outcome
}

/// Reads and verifies one delivery without parsing it; logs a refusal.
pub(crate) async fn verify<S: Scheme>(
    verifier: &Verifier<S>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<(bytes::Bytes, Verification), Error> {
    let outcome = async {
        let body = read_limited(headers, payload, verifier.body_limit()).await?;
        let verification = verifier.verify(&ActixHeaders(headers), &body)?;
        Ok((body, verification))
    }
    .await;
    if let Err(error) = &outcome {
        log_refusal(S::NAME, error);
    }
    outcome
}

/// Claims the delivery's key when a `Dedupe` middleware left a slot, then
/// logs the delivery as accepted; logs a refusal.
pub(crate) async fn claim<E: Event>(
    verifier: &Verifier<E::Scheme>,
    slot: Option<&ClaimSlot<E>>,
    delivery: &Delivery<E>,
) -> Result<(), Error> {
    if let Some(slot) = slot {
        if let Err(error) = slot.claim(verifier, delivery).await {
            log_refusal(E::Scheme::NAME, &error);
            return Err(error);
        }
    }
    log_accepted(delivery);
    Ok(())
}

/// How long a webhook body may go without a byte before the read fails
/// (400 `invalid_payload`, "body could not be read"): an idle timer, reset
/// by each chunk, so a large delivery that keeps arriving passes.
///
/// actix-web bounds the request head (`HttpServer::client_request_timeout`)
/// but not the body: without this, a client that stops sending mid-body
/// holds its connection and a task for ever.
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The whole payload through the core's `BodyReader`: the limit, the
/// declared length and a broken stream are its rules.
async fn read_limited(
    headers: &HeaderMap,
    payload: &mut Payload,
    limit: usize,
) -> Result<bytes::Bytes, Error> {
    let declared = headers.get(CONTENT_LENGTH).map(|value| value.as_bytes());
    let mut reader = BodyReader::new(declared, limit)?;
    loop {
        let next = tokio::time::timeout(BODY_IDLE_TIMEOUT, payload.next())
            .await
            .map_err(|_| BodyReader::unreadable())?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| BodyReader::unreadable())?;
        reader.push_bytes(chunk)?;
    }
    reader.finish()
}

/// actix-web 4 keeps headers in its own map, of `http` 0.2 types; the core
/// reads them through [`Headers`] in place, so a request's headers are
/// never copied.
pub(crate) struct ActixHeaders<'h>(pub(crate) &'h HeaderMap);

impl Headers for ActixHeaders<'_> {
    fn find<'h>(&'h self, names: &[&str], found: &mut [HeaderField<'h>]) {
        for (name, value) in self.0.iter() {
            HeaderField::tally(names, found, name.as_str(), value.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stalls_mid_body_is_refused_after_the_idle_timeout() {
        use actix_web::error::PayloadError;
        use futures_util::stream::{self, StreamExt as _};

        let first: Result<bytes::Bytes, PayloadError> = Ok(bytes::Bytes::from_static(b"{\"id\""));
        let stalled = stream::once(async move { first }).chain(stream::pending());
        let mut payload = Payload::from(
            Box::pin(stalled) as std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>>
        );
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("100"));
        let started = tokio::time::Instant::now();
        let error = read_limited(&headers, &mut payload, 1024)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "invalid_payload");
        assert_eq!(error.http_status(), 400);
        // The paused clock jumps to the deadline: exactly the idle timeout.
        assert_eq!(started.elapsed(), BODY_IDLE_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_body_that_keeps_arriving_is_read_whole() {
        use actix_web::error::PayloadError;
        use futures_util::stream::{self, StreamExt as _};

        // Ten chunks, each 9 s after the last: 90 s in all, never idle for 10 s.
        let slow = stream::iter(0..10).then(|_| async {
            tokio::time::sleep(std::time::Duration::from_secs(9)).await;
            Ok::<_, PayloadError>(bytes::Bytes::from_static(b"x"))
        });
        let mut payload =
            Payload::from(Box::pin(slow) as std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>>);
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("10"));
        let body = read_limited(&headers, &mut payload, 1024).await.unwrap();
        assert_eq!(body, bytes::Bytes::from_static(b"xxxxxxxxxx"));
    }

    #[test]
    fn actix_headers_are_read_in_place_absent_once_or_repeated() {
        let name = HeaderName::from_static("x-nomos-signature");
        let assert_found = |headers: &HeaderMap, expected: HeaderField<'_>| {
            let headers = ActixHeaders(headers);
            let mut found = [HeaderField::Absent];
            headers.find(&["x-nomos-signature"], &mut found);
            assert_eq!(found, [expected]);
        };
        let mut headers = HeaderMap::new();
        headers.append(
            HeaderName::from_static("x-other"),
            HeaderValue::from_static("t=0"),
        );
        assert_found(&headers, HeaderField::Absent);
        headers.append(name.clone(), HeaderValue::from_static("t=1,v1=ab"));
        assert_found(&headers, HeaderField::Once(b"t=1,v1=ab"));
        headers.append(name, HeaderValue::from_static("t=2,v1=cd"));
        assert_found(&headers, HeaderField::Repeated);
    }
}
