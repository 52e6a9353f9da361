//! Reading the payload once under the limit, then verifying and parsing:
//! the core's pipeline fed from actix-web's payload stream.

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use futures_util::StreamExt as _;
use hookguard_core::receive::{ClaimSlot, accept, log_accepted, log_refusal};
use hookguard_core::{BodyReader, Delivery, Error, Event, Scheme, Verifier, http};

/// Reads, verifies and parses one delivery; logs a refusal.
pub(crate) async fn receive<E: Event>(
    verifier: &Verifier<E::Scheme>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<Delivery<E>, Error> {
    let outcome = async {
        let body = read_limited(headers, payload, verifier.body_limit()).await?;
        accept::<E>(verifier, &to_http_headers(headers), body)
    }
    .await;
    if let Err(error) = &outcome {
        log_refusal(E::Scheme::NAME, error);
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
        reader.push(&chunk)?;
    }
    reader.finish()
}

/// actix-web 4 has its own header types; the core takes `http` 1.x ones.
/// Every value is kept, so a repeated field stays repeated.
fn to_http_headers(headers: &HeaderMap) -> http::HeaderMap {
    let mut converted = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            converted.append(name, value);
        }
    }
    converted
}
