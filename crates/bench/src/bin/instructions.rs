//! Runs one verification case a given number of times, for counting its
//! instructions under callgrind: `scripts/instructions.sh` runs each case at
//! two counts and divides the difference, so start-up costs cancel out and
//! the figure repeats exactly on a noisy machine.
//!
//! ```text
//! instructions <case> <iterations>
//! ```
//!
//! Cases: `nomos_floor`, `nomos_verify`, `standard_floor`, `standard_verify`,
//! each on the benchmark's 1 KiB delivery; and `axum_bare`, `axum_floor`,
//! `axum_verified`: the load test's routes (`load_receiver`) served in
//! process, one request at a time, so their differences are the cost of
//! verifying by hand and hookguard's whole cost per request in axum,
//! network aside; `actix_bare`, `actix_floor`, `actix_verified`: the same
//! for actix-web's routes.

use std::hint::black_box;
use std::process::ExitCode;

use hookguard_bench::{Floor, NOMOS_SECRET, nomos_checks, nomos_delivery, standard_checks};

/// The signing time of every delivery; verification is checked at it.
const NOW: u64 = 1_700_000_000;
const SIZE: usize = 1024;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(case), Some(Ok(iterations))) = (args.next(), args.next().map(|n| n.parse::<u32>()))
    else {
        eprintln!("usage: instructions <case> <iterations>");
        return ExitCode::from(2);
    };
    let passed = match case.as_str() {
        "nomos_floor" => repeat(iterations, nomos_checks(SIZE, NOW).0),
        "nomos_verify" => repeat(iterations, nomos_checks(SIZE, NOW).1),
        "standard_floor" => repeat(iterations, standard_checks(SIZE, NOW).0),
        "standard_verify" => repeat(iterations, standard_checks(SIZE, NOW).1),
        "axum_bare" | "axum_floor" | "axum_verified" => {
            let (verifier, headers, body) = nomos_delivery(SIZE, NOW);
            let path = case.replace("axum_", "/");
            axum_requests(
                verifier.with_clock(hookguard_core::FixedClock(NOW)),
                &headers,
                &body,
                &path,
                iterations,
            )
        }
        "actix_bare" | "actix_floor" | "actix_verified" => {
            let (verifier, headers, body) = nomos_delivery(SIZE, NOW);
            let path = case.replace("actix_", "/");
            actix_requests(
                verifier.with_clock(hookguard_core::FixedClock(NOW)),
                &headers,
                &body,
                &path,
                iterations,
            )
        }
        other => {
            eprintln!("unknown case {other:?}");
            return ExitCode::from(2);
        }
    };
    if passed {
        ExitCode::SUCCESS
    } else {
        eprintln!("{case}: the check failed; the count would measure a refusal");
        ExitCode::FAILURE
    }
}

/// Runs `check` `iterations` times; whether every run passed.
fn repeat(iterations: u32, mut check: impl FnMut() -> bool) -> bool {
    let mut passed = true;
    for _ in 0..iterations {
        passed &= black_box(check());
    }
    passed
}

/// Sends `iterations` requests to the load test's router, in process.
fn axum_requests(
    verifier: hookguard_core::NomosVerifier,
    headers: &hookguard_core::http::HeaderMap,
    body: &[u8],
    path: &str,
    iterations: u32,
) -> bool {
    use axum::body::Body;
    use tower::ServiceExt as _;

    let app = hookguard_bench::load_router(verifier, Floor::new(NOMOS_SECRET.as_bytes()));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let body = axum::body::Bytes::copy_from_slice(body);
    runtime.block_on(async {
        let mut passed = true;
        for _ in 0..iterations {
            let mut request = axum::http::Request::post(path)
                .header("content-length", body.len())
                .body(Body::from(body.clone()))
                .expect("a request");
            request.headers_mut().extend(headers.clone());
            let response = app.clone().oneshot(request).await.expect("infallible");
            passed &= response.status() == axum::http::StatusCode::NO_CONTENT;
        }
        passed
    })
}

/// Sends `iterations` requests to the load test's actix-web routes, in
/// process.
fn actix_requests(
    verifier: hookguard_core::NomosVerifier,
    headers: &hookguard_core::http::HeaderMap,
    body: &[u8],
    path: &str,
    iterations: u32,
) -> bool {
    use actix_web::test::{TestRequest, call_service, init_service};
    use actix_web::{App, http::StatusCode};

    let routes = hookguard_bench::load_routes(verifier, Floor::new(NOMOS_SECRET.as_bytes()));
    let body = actix_web::web::Bytes::copy_from_slice(body);
    actix_web::rt::System::new().block_on(async {
        let app = init_service(App::new().configure(routes)).await;
        let mut passed = true;
        for _ in 0..iterations {
            let mut request = TestRequest::post()
                .uri(path)
                .insert_header(("content-length", body.len()))
                .set_payload(body.clone());
            for (name, value) in headers {
                request = request.insert_header((name.as_str(), value.as_bytes()));
            }
            let response = call_service(&app, request.to_request()).await;
            passed &= response.status() == StatusCode::NO_CONTENT;
        }
        passed
    })
}
