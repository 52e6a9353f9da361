//! Reading the payload once under the limit, then verifying and parsing:
//! the core's pipeline fed from actix-web's payload stream.

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use futures_util::StreamExt as _;
use hookguard_core::receive::{ClaimSlot, log_accepted, log_refusal};
use hookguard_core::{
    BodyReader, Delivery, Error, Event, HeaderField, Headers, Scheme, Verification, Verifier, http,
};

/// Reads, verifies and parses one delivery; logs a refusal.
pub(crate) async fn receive<E: Event>(
    verifier: &Verifier<E::Scheme>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<Delivery<E>, Error> {
    let outcome = async {
        let body = read_limited(headers, payload, verifier.body_limit()).await?;
        verifier.receive::<E>(&ActixHeaders(headers), body)
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

/// The whole payload through the core's `BodyReader`: the limit, the
/// declared length and a broken stream are its rules.
async fn read_limited(
    headers: &HeaderMap,
    payload: &mut Payload,
    limit: usize,
) -> Result<bytes::Bytes, Error> {
    let declared = headers.get(CONTENT_LENGTH).map(|value| value.as_bytes());
    let mut reader = BodyReader::new(declared, limit)?;
    while let Some(chunk) = payload.next().await {
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
    fn field(&self, name: &'static http::HeaderName) -> HeaderField<'_> {
        // The core's names are lowercase constants, valid in both versions
        // of `http`; `from_static` keeps them borrowed (no allocation).
        let name = actix_web::http::header::HeaderName::from_static(name.as_str());
        let mut values = self.0.get_all(name);
        match (values.next(), values.next()) {
            (None, _) => HeaderField::Absent,
            (Some(value), None) => HeaderField::Once(value.as_bytes()),
            (Some(_), Some(_)) => HeaderField::Repeated,
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    #[test]
    fn actix_headers_are_read_in_place_absent_once_or_repeated() {
        static SIGNATURE: http::HeaderName = http::HeaderName::from_static("x-nomos-signature");
        let name = HeaderName::from_static("x-nomos-signature");
        let mut headers = HeaderMap::new();
        assert_eq!(
            ActixHeaders(&headers).field(&SIGNATURE),
            HeaderField::Absent
        );
        headers.append(name.clone(), HeaderValue::from_static("t=1,v1=ab"));
        assert_eq!(
            ActixHeaders(&headers).field(&SIGNATURE),
            HeaderField::Once(b"t=1,v1=ab")
        );
        headers.append(name, HeaderValue::from_static("t=2,v1=cd"));
        assert_eq!(
            ActixHeaders(&headers).field(&SIGNATURE),
            HeaderField::Repeated
        );
    }
}
