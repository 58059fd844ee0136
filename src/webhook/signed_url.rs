//! The URL that v2/v3 signatures cover: the one HubSpot called, which behind a
//! proxy is not the one the reactor sees.

use actix_web::HttpRequest;
use actix_web::http::header::{HOST, HeaderMap};

use crate::config::WebhookReceiverSettings;

/// Rebuilds the URL HubSpot signed for this request.
///
/// With `WEBHOOK_PUBLIC_URL` set it is that URL plus the request's query string
/// as received; otherwise scheme, host and path come from the request, and
/// `X-Forwarded-Proto`/`-Host` only count when `TRUST_FORWARDED_HEADERS=true`.
/// Then the LAST value counts (of a comma-separated list, or of repeated
/// headers): the one the trusted proxy appended. Earlier values came from
/// whoever talked to the proxy and prove nothing.
pub fn signed_url(req: &HttpRequest, settings: &WebhookReceiverSettings) -> String {
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
            .then(|| last_value(headers, name))
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
        .or_else(|| host_header(headers))
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| req.app_config().host().to_owned());
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    format!("{scheme}://{host}{path_and_query}")
}

/// The last value of a list header, across repeated headers and commas
/// (proxies append theirs). An unreadable last header gives nothing rather
/// than an earlier, client-supplied value.
fn last_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get_all(name).last()?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    (!last.is_empty()).then(|| last.to_owned())
}

/// The `Host` header, which is a single value.
fn host_header(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(HOST)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use std::time::Duration;

    fn settings(public_url: Option<&str>, trust: bool) -> WebhookReceiverSettings {
        WebhookReceiverSettings {
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
            .insert_header(("X-Forwarded-Proto", "http, https"))
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

    #[test]
    fn the_proxy_s_own_value_is_the_last_one() {
        // The client sent its own X-Forwarded-* values; the proxy appended the
        // real ones, either after a comma or as a further header.
        let appended = TestRequest::post()
            .uri("/webhooks/hubspot")
            .insert_header(("Host", "reactor.internal:8080"))
            .insert_header(("X-Forwarded-Proto", "http , https"))
            .insert_header(("X-Forwarded-Host", "evil.example, hooks.example.com"))
            .to_http_request();
        let url = signed_url(&appended, &settings(None, true));
        assert_eq!(url, "https://hooks.example.com/webhooks/hubspot");
        let repeated = TestRequest::post()
            .uri("/webhooks/hubspot")
            .append_header(("X-Forwarded-Proto", "http"))
            .append_header(("X-Forwarded-Proto", "https"))
            .append_header(("X-Forwarded-Host", "evil.example"))
            .append_header(("X-Forwarded-Host", "hooks.example.com"))
            .to_http_request();
        let url = signed_url(&repeated, &settings(None, true));
        assert_eq!(url, "https://hooks.example.com/webhooks/hubspot");
    }
}
