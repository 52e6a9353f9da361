//! The body reader: the limit, the declared length, and a body that arrives
//! in one chunk kept without a copy.

use bytes::Bytes;
use hookguard_core::BodyReader;

#[test]
fn a_body_in_one_chunk_is_returned_as_that_chunk_without_a_copy() {
    let chunk = Bytes::from(vec![b'x'; 1024]);
    let mut reader = BodyReader::new(Some(b"1024"), 4096).unwrap();
    reader.push_bytes(chunk.clone()).unwrap();
    let body = reader.finish().unwrap();
    assert_eq!(body, chunk);
    assert_eq!(body.as_ptr(), chunk.as_ptr(), "the chunk was copied");
}

#[test]
fn chunks_of_either_kind_are_joined_in_order() {
    let mut reader = BodyReader::new(None, 64).unwrap();
    reader.push_bytes(Bytes::from_static(b"he")).unwrap();
    reader.push(b"ll").unwrap();
    reader.push_bytes(Bytes::from_static(b"o")).unwrap();
    assert_eq!(reader.finish().unwrap(), Bytes::from_static(b"hello"));

    let mut copied_first = BodyReader::new(Some(b"5"), 64).unwrap();
    copied_first.push(b"hel").unwrap();
    copied_first.push_bytes(Bytes::from_static(b"lo")).unwrap();
    assert_eq!(copied_first.finish().unwrap(), Bytes::from_static(b"hello"));

    let empty = BodyReader::new(Some(b"0"), 64).unwrap();
    assert_eq!(empty.finish().unwrap(), Bytes::new());
}

#[test]
fn a_sender_that_streams_past_the_limit_is_stopped_at_the_limit() {
    let mut reader = BodyReader::new(None, 10).unwrap();
    reader
        .push_bytes(Bytes::from_static(b"0123456789"))
        .unwrap();
    let error = reader.push_bytes(Bytes::from_static(b"x")).unwrap_err();
    assert_eq!(error.code(), "payload_too_large");
    assert_eq!(error.http_status(), 413);

    let mut one_chunk = BodyReader::new(None, 10).unwrap();
    let error = one_chunk.push_bytes(Bytes::from(vec![0; 11])).unwrap_err();
    assert_eq!(error.code(), "payload_too_large");
}

#[test]
fn a_sender_that_sends_more_or_less_than_it_declared_is_refused() {
    let mut longer = BodyReader::new(Some(b"3"), 64).unwrap();
    longer.push_bytes(Bytes::from_static(b"ab")).unwrap();
    let error = longer.push_bytes(Bytes::from_static(b"cd")).unwrap_err();
    assert_eq!(error.code(), "invalid_payload");
    assert_eq!(error.http_status(), 400);

    let mut shorter = BodyReader::new(Some(b"3"), 64).unwrap();
    shorter.push_bytes(Bytes::from_static(b"ab")).unwrap();
    assert_eq!(shorter.finish().unwrap_err().code(), "invalid_payload");
}

#[test]
fn a_declared_length_over_the_limit_is_refused_before_any_byte_is_read() {
    let error = BodyReader::new(Some(b"18446744073709551615"), 1024).unwrap_err();
    assert_eq!(error.code(), "payload_too_large");
    let error = BodyReader::new(Some(b"99999999999999999999999"), 1024).unwrap_err();
    assert_eq!(error.code(), "malformed_header");
    let error = BodyReader::new(Some(b"+5"), 1024).unwrap_err();
    assert_eq!(error.code(), "malformed_header");
}
