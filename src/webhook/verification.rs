//! The receiver's signature policy: which headers a request must carry, read
//! strictly, before the signature functions check them.
//!
//! HubSpot sends v3 alongside the legacy v1/v2 headers. v1 covers neither the
//! URL nor a time, so a delivery must never fall back to it because its v3
//! headers were damaged or stripped: a v3 or timestamp header that is present
//! but unreadable is a failure, and under `any` a timestamp without a v3
//! signature (v3 removed, the legacy headers kept) is refused as well.

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use actix_web::web::Bytes;
use secrecy::ExposeSecret;

use super::signature::{self, SignatureError, SignedRequest, VerifiedBody};
use super::signed_url::signed_url;
use super::state::WebhookState;

/// Checks the request's signature under the configured policy.
pub fn verify(
    req: &HttpRequest,
    body: Bytes,
    state: &WebhookState,
) -> Result<VerifiedBody, SignatureError> {
    let headers = req.headers();
    let signature_v3 = readable(headers, signature::HEADER_V3, SignatureError::Mismatch)?;
    let timestamp = readable(
        headers,
        signature::HEADER_TIMESTAMP,
        SignatureError::BadTimestamp,
    )?;
    if signature_v3.is_none() && timestamp.is_some() {
        // A v3 delivery whose signature was stripped: its legacy headers would
        // let it be replayed without a time limit.
        return Err(SignatureError::V3Required);
    }
    let url = signed_url(req, &state.settings);
    let request = SignedRequest {
        method: req.method().as_str(),
        url: &url,
        body,
        signature_v3,
        timestamp,
        signature_legacy: readable(headers, signature::HEADER_LEGACY, SignatureError::Mismatch)?,
        legacy_version: readable(
            headers,
            signature::HEADER_VERSION,
            SignatureError::UnsupportedVersion,
        )?,
    };
    signature::verify(
        state.client_secret.expose_secret(),
        state.settings.signature_policy,
        request,
        crate::clock::now_ms(),
    )
}

/// A header's value: `None` when absent, `unreadable` when present but not
/// visible ASCII, or given more than once (HubSpot sends each once).
fn readable<'a>(
    headers: &'a HeaderMap,
    name: &str,
    unreadable: SignatureError,
) -> Result<Option<&'a str>, SignatureError> {
    let mut values = headers.get_all(name);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(unreadable);
    }
    value.to_str().map(Some).map_err(|_| unreadable)
}
