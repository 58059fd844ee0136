//! The URL that v2/v3 signatures cover: the one HubSpot called, which behind a
//! proxy is not the one the reactor sees.

use actix_web::HttpRequest;
use actix_web::http::header::{HOST, HeaderMap};

use crate::config::WebhookSettings;

/// Rebuilds the URL HubSpot signed for this request.
///
/// With `WEBHOOK_PUBLIC_URL` set it is that URL plus the request's query string
/// as received; otherwise scheme, host and path come from the request, and
/// `X-Forwarded-Proto`/`-Host` only count when `TRUST_FORWARDED_HEADERS=true`.
pub fn signed_url(req: &HttpRequest, settings: &WebhookSettings) -> String {
    let query = req.uri().query().filter(|q| !q.is_empty());
    if let Some(public) = &settings.public_url {
        return match query {
            Some(query) => format!("{public}?{query}"),
            None => public.clone(),
        };
    }
    let headers = req.headers();
    let forwarded = |name: &str| {
        settings
            .trust_forwarded_headers
            .then(|| first_value(headers, name))
            .flatten()
    };
    let scheme = forwarded("x-forwarded-proto").unwrap_or_else(|| {
        if req.app_config().secure() {
            "https"
        } else {
            "http"
        }
        .to_owned()
    });
    let host = forwarded("x-forwarded-host")
        .or_else(|| first_value(headers, HOST.as_str()))
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| req.app_config().host().to_owned());
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    format!("{scheme}://{host}{path_and_query}")
}

/// The first comma-separated value of a header (proxies append theirs).
fn first_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then(|| first.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use std::time::Duration;

    fn settings(public_url: Option<&str>, trust: bool) -> WebhookSettings {
        WebhookSettings {
            public_url: public_url.map(str::to_owned),
            signature_policy: crate::webhook::signature::SignaturePolicy::Any,
            trust_forwarded_headers: trust,
            max_body_bytes: 1024,
            dedupe_window: Duration::from_secs(3 * 86400),
        }
    }

    fn request() -> HttpRequest {
        TestRequest::post()
            .uri("/webhooks/hubspot?tenant=a%2Fb&x=1")
            .insert_header(("Host", "reactor.internal:8080"))
            .insert_header(("X-Forwarded-Proto", "https, http"))
            .insert_header(("X-Forwarded-Host", "hooks.example.com"))
            .to_http_request()
    }

    #[test]
    fn public_url_wins_and_keeps_the_raw_query() {
        let url = signed_url(
            &request(),
            &settings(Some("https://hooks.example.com/hs"), true),
        );
        assert_eq!(url, "https://hooks.example.com/hs?tenant=a%2Fb&x=1");
        let bare = TestRequest::post()
            .uri("/webhooks/hubspot")
            .to_http_request();
        let url = signed_url(
            &bare,
            &settings(Some("https://hooks.example.com/hs"), false),
        );
        assert_eq!(url, "https://hooks.example.com/hs");
    }

    #[test]
    fn forwarded_headers_count_only_when_trusted() {
        let url = signed_url(&request(), &settings(None, false));
        assert_eq!(
            url,
            "http://reactor.internal:8080/webhooks/hubspot?tenant=a%2Fb&x=1"
        );
        let url = signed_url(&request(), &settings(None, true));
        assert_eq!(
            url,
            "https://hooks.example.com/webhooks/hubspot?tenant=a%2Fb&x=1"
        );
    }
}
