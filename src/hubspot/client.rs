//! The HTTP client every HubSpot call goes through: bearer auth, timeouts, and
//! turning HubSpot's status codes and rate-limit headers into [`HubSpotError`].

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::error::{ApiErrorBody, HubSpotError};
use super::version::ApiVersion;

/// Default wait after a 429 that carries no usable header: HubSpot's window is 10 s.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10);

/// Connection settings of a [`HubSpotClient`].
#[derive(Debug, Clone)]
pub struct HubSpotEndpoints {
    pub api_base_url: Url,
    pub forms_base_url: Url,
    pub access_token: SecretString,
    pub timeout: Duration,
    /// Which generation of paths CRM reads and Single Send use.
    pub api_version: ApiVersion,
    /// Upper bound of any wait HubSpot asks for (`Retry-After`, interval headers):
    /// a wrong or hostile header must not park a worker for hours.
    pub max_retry_wait: Duration,
}

/// A HubSpot API client; cheap to clone (one shared connection pool).
#[derive(Clone)]
pub struct HubSpotClient {
    http: reqwest::Client,
    endpoints: HubSpotEndpoints,
}

impl std::fmt::Debug for HubSpotClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubSpotClient")
            .field("api_base_url", &self.endpoints.api_base_url.as_str())
            .field("forms_base_url", &self.endpoints.forms_base_url.as_str())
            .field("api_version", &self.endpoints.api_version)
            .finish_non_exhaustive()
    }
}

impl HubSpotClient {
    /// Builds the client (no network access).
    pub fn new(endpoints: HubSpotEndpoints) -> Result<Self, HubSpotError> {
        let http = reqwest::Client::builder()
            .timeout(endpoints.timeout)
            .connect_timeout(endpoints.timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("signup-reactor/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(HubSpotError::Transport)?;
        Ok(Self { http, endpoints })
    }

    /// The API generation this client speaks.
    pub fn api_version(&self) -> ApiVersion {
        self.endpoints.api_version
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `path` under the CRM / Single Send base URL.
    pub(crate) fn api_url(&self, path: &str) -> String {
        join(&self.endpoints.api_base_url, path)
    }

    /// `path` under the Forms base URL.
    pub(crate) fn forms_url(&self, path: &str) -> String {
        join(&self.endpoints.forms_base_url, path)
    }

    /// Adds the bearer token.
    pub(crate) fn authorized(&self, request: RequestBuilder) -> RequestBuilder {
        request.bearer_auth(self.endpoints.access_token.expose_secret())
    }

    /// Sends a request and returns the response if it is a 2xx (or 404 when
    /// `allow_not_found`), else the classified error.
    pub(crate) async fn execute(
        &self,
        request: RequestBuilder,
        allow_not_found: bool,
    ) -> Result<Response, HubSpotError> {
        let response = request.send().await.map_err(HubSpotError::from_transport)?;
        let status = response.status();
        if status.is_success() || (allow_not_found && status == StatusCode::NOT_FOUND) {
            return Ok(response);
        }
        Err(self.classify(response).await)
    }

    /// Turns a non-success response into an error, with any wait clamped to
    /// the configured maximum.
    pub(crate) async fn classify(&self, response: Response) -> HubSpotError {
        classify(response, self.endpoints.max_retry_wait).await
    }

    /// Decodes a JSON body.
    pub(crate) async fn json<T: DeserializeOwned>(response: Response) -> Result<T, HubSpotError> {
        let bytes = response
            .bytes()
            .await
            .map_err(HubSpotError::from_transport)?;
        serde_json::from_slice(&bytes).map_err(HubSpotError::Decode)
    }
}

fn join(base: &Url, path: &str) -> String {
    format!("{}{}", base.as_str().trim_end_matches('/'), path)
}

/// Turns a non-success response into an error, reading the body if it is JSON.
async fn classify(response: Response, max_wait: Duration) -> HubSpotError {
    let status = response.status();
    let headers = response.headers().clone();
    let body: ApiErrorBody = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(_) => ApiErrorBody::default(),
    };
    let code = status.as_u16();
    match status {
        StatusCode::TOO_MANY_REQUESTS => HubSpotError::RateLimited {
            retry_after: rate_limit_wait(&headers, &body, max_wait),
            asked: headers.contains_key("retry-after"),
            policy: body.policy_name.unwrap_or_else(|| "UNKNOWN".to_owned()),
        },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => HubSpotError::Unauthorized {
            status: code,
            body: Box::new(body),
        },
        s if s.is_server_error() => HubSpotError::Server {
            status: code,
            body: Box::new(body),
        },
        _ => HubSpotError::Rejected {
            status: code,
            body: Box::new(body),
        },
    }
}

/// How long to wait after a 429: `Retry-After` when present, else the rolling
/// window (`X-HubSpot-RateLimit-Interval-Milliseconds`) for the ten-secondly
/// policy, else HubSpot's usual 10 s; never more than `max_wait`, whatever
/// the headers say.
pub(crate) fn rate_limit_wait(
    headers: &HeaderMap,
    body: &ApiErrorBody,
    max_wait: Duration,
) -> Duration {
    asked_wait(headers, body).min(max_wait)
}

fn asked_wait(headers: &HeaderMap, body: &ApiErrorBody) -> Duration {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(seconds) = header("retry-after") {
        return Duration::from_secs(seconds);
    }
    if body.policy_name.as_deref() == Some("DAILY") {
        return Duration::from_secs(60 * 60);
    }
    header("x-hubspot-ratelimit-interval-milliseconds")
        .map(Duration::from_millis)
        .unwrap_or(DEFAULT_RATE_LIMIT_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const NO_BOUND: Duration = Duration::MAX;

    #[test]
    fn every_wait_hubspot_asks_for_is_clamped() {
        let max = Duration::from_secs(300);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("86400000"));
        let body = ApiErrorBody::default();
        assert_eq!(rate_limit_wait(&headers, &body, max), max);
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-hubspot-ratelimit-interval-milliseconds",
            HeaderValue::from_static("18446744073709551615"),
        );
        assert_eq!(rate_limit_wait(&headers, &body, max), max);
        let daily = ApiErrorBody {
            policy_name: Some("DAILY".into()),
            ..ApiErrorBody::default()
        };
        assert_eq!(rate_limit_wait(&HeaderMap::new(), &daily, max), max);
        headers.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(
            rate_limit_wait(&headers, &body, max),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn rate_limit_wait_prefers_retry_after_then_the_interval() {
        let mut headers = HeaderMap::new();
        let body = ApiErrorBody::default();
        assert_eq!(
            rate_limit_wait(&headers, &body, NO_BOUND),
            DEFAULT_RATE_LIMIT_WAIT
        );
        headers.insert(
            "x-hubspot-ratelimit-interval-milliseconds",
            HeaderValue::from_static("2500"),
        );
        assert_eq!(
            rate_limit_wait(&headers, &body, NO_BOUND),
            Duration::from_millis(2500)
        );
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(
            rate_limit_wait(&headers, &body, NO_BOUND),
            Duration::from_secs(3)
        );
        let daily = ApiErrorBody {
            policy_name: Some("DAILY".into()),
            ..ApiErrorBody::default()
        };
        assert_eq!(
            rate_limit_wait(&HeaderMap::new(), &daily, NO_BOUND),
            Duration::from_secs(3600)
        );
    }
}
