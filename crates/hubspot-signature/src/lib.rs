//! HubSpot request signatures (v1, v2, v3): computing them and checking them.
//!
//! A receiver of HubSpot webhooks uses the checking half, which turns a raw
//! request into a [`VerifiedBody`]; a stand-in for HubSpot uses the computing
//! half to sign what it delivers. The known-answer vectors of HubSpot's official
//! SDKs are this crate's tests.
#![forbid(unsafe_code)]

use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Header carrying a v3 signature.
pub const HEADER_V3: &str = "X-HubSpot-Signature-v3";
/// Header carrying the v3 timestamp (milliseconds since the epoch).
pub const HEADER_TIMESTAMP: &str = "X-HubSpot-Request-Timestamp";
/// Header carrying a v1 or v2 signature.
pub const HEADER_LEGACY: &str = "X-HubSpot-Signature";
/// Header naming the legacy signature's version (`v1` or `v2`).
pub const HEADER_VERSION: &str = "X-HubSpot-Signature-Version";

/// How far a v3 timestamp may be from now, in either direction.
pub const MAX_TIMESTAMP_SKEW: Duration = Duration::from_secs(5 * 60);

/// The sequences HubSpot decodes in the URI before hashing v3, and nothing else.
const V3_URI_DECODES: [(&str, char); 12] = [
    ("%3A", ':'),
    ("%2F", '/'),
    ("%3F", '?'),
    ("%40", '@'),
    ("%21", '!'),
    ("%24", '$'),
    ("%27", '\''),
    ("%28", '('),
    ("%29", ')'),
    ("%2A", '*'),
    ("%2C", ','),
    ("%3B", ';'),
];

/// Which signature versions the receiver accepts (`HUBSPOT_SIGNATURE_POLICY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignaturePolicy {
    /// v3 when its header is present, otherwise v1/v2.
    Any,
    /// Only v3; requests signed only with v1/v2 are rejected.
    V3Only,
}

/// The signature version that vouched for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    V1,
    V2,
    V3,
}

impl SignatureVersion {
    /// Label used in logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
            Self::V3 => "v3",
        }
    }
}

/// Why a request's signature was not accepted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("no signature header")]
    Missing,
    #[error("the v3 timestamp header is missing or not a number")]
    BadTimestamp,
    #[error("the v3 timestamp is more than 5 minutes from now")]
    Stale,
    #[error("unsupported signature version")]
    UnsupportedVersion,
    #[error("the signature policy requires v3")]
    V3Required,
    #[error("the signature does not match")]
    Mismatch,
}

impl SignatureError {
    /// Label for the `reason` of rejected-request metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Stale | Self::BadTimestamp => "stale",
            _ => "signature",
        }
    }
}

/// What the receiver knows about a request before trusting it.
#[derive(Debug)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The full URL HubSpot called: scheme, host, path and query.
    pub url: &'a str,
    pub body: bytes::Bytes,
    pub signature_v3: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature_legacy: Option<&'a str>,
    pub legacy_version: Option<&'a str>,
}

/// A request body whose signature has been checked: the only way to read it.
#[derive(Debug)]
pub struct VerifiedBody {
    bytes: bytes::Bytes,
    version: SignatureVersion,
}

impl VerifiedBody {
    /// The verified bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Which signature version vouched for it.
    pub fn version(&self) -> SignatureVersion {
        self.version
    }
}

/// Applies HubSpot's v3 URI rule: decode exactly the twelve listed sequences.
/// Matching is case-sensitive on purpose, as HubSpot's SDKs do.
pub fn decode_v3_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        let candidate = rest.get(pos..pos + 3);
        match candidate.and_then(|seq| V3_URI_DECODES.iter().find(|(enc, _)| *enc == seq)) {
            Some((_, decoded)) => {
                out.push(*decoded);
                rest = &rest[pos + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[pos + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// v1: `hex(sha256(secret + body))`.
pub fn sign_v1(secret: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// v2: `hex(sha256(secret + method + uri + body))`.
pub fn sign_v2(secret: &str, method: &str, uri: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(secret.as_bytes());
    hasher.update(method.as_bytes());
    hasher.update(uri.as_bytes());
    hasher.update(body);
    hex::encode(hasher.finalize())
}

/// v3: `base64(hmac_sha256(secret, method + decoded uri + body + timestamp))`.
pub fn sign_v3(secret: &str, method: &str, uri: &str, body: &[u8], timestamp: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm only satisfies the type.
        Err(_) => return String::new(),
    };
    mac.update(method.as_bytes());
    mac.update(decode_v3_uri(uri).as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn constant_time_eq(expected: &str, given: &str) -> bool {
    expected.as_bytes().ct_eq(given.trim().as_bytes()).into()
}

/// Checks a request's signature under `policy`, with `now_ms` as the current time.
///
/// v3 wins whenever its header is present; v1/v2 are only consulted without it.
pub fn verify(
    secret: &str,
    policy: SignaturePolicy,
    request: SignedRequest<'_>,
    now_ms: u64,
) -> Result<VerifiedBody, SignatureError> {
    let version = match request.signature_v3 {
        Some(given) => {
            let raw_ts = request.timestamp.ok_or(SignatureError::BadTimestamp)?;
            let ts: u64 = raw_ts
                .trim()
                .parse()
                .map_err(|_| SignatureError::BadTimestamp)?;
            let skew = u64::try_from(MAX_TIMESTAMP_SKEW.as_millis()).unwrap_or(u64::MAX);
            if ts.abs_diff(now_ms) > skew {
                return Err(SignatureError::Stale);
            }
            let expected = sign_v3(secret, request.method, request.url, &request.body, raw_ts);
            if !constant_time_eq(&expected, given) {
                return Err(SignatureError::Mismatch);
            }
            SignatureVersion::V3
        }
        None => {
            let given = request.signature_legacy.ok_or(SignatureError::Missing)?;
            if policy == SignaturePolicy::V3Only {
                return Err(SignatureError::V3Required);
            }
            let version = request.legacy_version.map(str::trim).unwrap_or("v1");
            let (expected, version) = if version.eq_ignore_ascii_case("v1") {
                (sign_v1(secret, &request.body), SignatureVersion::V1)
            } else if version.eq_ignore_ascii_case("v2") {
                let expected = sign_v2(secret, request.method, request.url, &request.body);
                (expected, SignatureVersion::V2)
            } else {
                return Err(SignatureError::UnsupportedVersion);
            };
            if !constant_time_eq(&expected, &given.to_ascii_lowercase()) {
                return Err(SignatureError::Mismatch);
            }
            version
        }
    };
    Ok(VerifiedBody {
        bytes: request.body,
        version,
    })
}

#[cfg(test)]
mod tests;
