//! The security schemes: the app backend's bearer token, and HubSpot's
//! request signatures (v3, and the legacy v1/v2 under
//! `HUBSPOT_SIGNATURE_POLICY=any`).

use utoipa::Modify;
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::webhook::signature::{HEADER_LEGACY, HEADER_TIMESTAMP, HEADER_V3, HEADER_VERSION};

/// Names of the schemes, as the paths' `security` refers to them.
pub const SIGNUP_TOKEN: &str = "signupToken";
pub const SIGNATURE_V3: &str = "hubspotSignatureV3";
pub const REQUEST_TIMESTAMP: &str = "hubspotRequestTimestamp";
pub const SIGNATURE_LEGACY: &str = "hubspotSignatureLegacy";
pub const SIGNATURE_VERSION: &str = "hubspotSignatureVersion";

/// Adds the security schemes to the document's components.
pub struct SecuritySchemes;

fn header(name: &str, description: &str) -> SecurityScheme {
    SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
        name,
        description,
    )))
}

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SIGNUP_TOKEN,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("`SIGNUP_API_TOKEN`, compared in constant time."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SIGNATURE_V3,
            header(
                HEADER_V3,
                "base64 HMAC-SHA256, keyed with the app's client secret, of method, URL \
                 (`WEBHOOK_PUBLIC_URL` or the request's own, with its query string), body and \
                 timestamp.",
            ),
        );
        components.add_security_scheme(
            REQUEST_TIMESTAMP,
            header(
                HEADER_TIMESTAMP,
                "Milliseconds since the epoch; more than 5 minutes from now is refused.",
            ),
        );
        components.add_security_scheme(
            SIGNATURE_LEGACY,
            header(
                HEADER_LEGACY,
                "Legacy v1/v2 signature (hex SHA-256), only under \
                 `HUBSPOT_SIGNATURE_POLICY=any` and only without a timestamp header.",
            ),
        );
        components.add_security_scheme(
            SIGNATURE_VERSION,
            header(HEADER_VERSION, "`v1` or `v2`, with the legacy signature."),
        );
    }
}
