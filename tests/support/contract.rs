//! Holds every answer the tests receive from the reactor to its OpenAPI
//! document: on a documented route, the status must be declared, the body
//! must match its schema (or be empty where none is declared) and every
//! header beyond HTTP's own must be declared. A test's HTTP client is a
//! [`CheckedClient`], so no answer escapes the check.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Headers any HTTP answer may carry, which the document does not declare.
const HTTP_HEADERS: [&str; 7] = [
    "content-type",
    "content-length",
    "date",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "vary",
];

/// The reactor's document, as `GET /openapi.json` serves it.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::from_str(&signup_reactor::openapi::document_json()).expect("document JSON")
    })
}

/// Every way `answer` breaks the document for `method` and `path`; empty when
/// it conforms or the route is not documented.
pub fn violations(
    method: &Method,
    path: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<String> {
    let doc = document();
    let Some(operation) = doc["paths"]
        .get(path)
        .and_then(|item| item.get(method.as_str().to_lowercase()))
    else {
        return Vec::new();
    };
    let Some(declared) = operation["responses"].get(status.as_str()) else {
        return vec![format!("status {status} is not declared")];
    };
    let mut problems = Vec::new();
    for (name, value) in headers {
        let name = name.as_str();
        let spec = declared["headers"]
            .as_object()
            .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, spec)| spec);
        match spec {
            Some(spec) => problems.extend(header_violations(name, value, &spec["schema"])),
            None if !HTTP_HEADERS.contains(&name) => {
                problems.push(format!("header {name} is not declared for {status}"));
            }
            None => {}
        }
    }
    let Some(content) = declared["content"].as_object() else {
        if !body.is_empty() {
            problems.push(format!(
                "{status} declares no body but has {} bytes",
                body.len()
            ));
        }
        return problems;
    };
    let media_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let Some(media) = content.get(&media_type) else {
        problems.push(format!(
            "content type {media_type:?} is not declared for {status}"
        ));
        return problems;
    };
    if media_type == "application/json" {
        match serde_json::from_slice::<Value>(body) {
            Ok(instance) => problems.extend(schema_violations(&media["schema"], &instance)),
            Err(error) => problems.push(format!("the body is not JSON: {error}")),
        }
    } else if std::str::from_utf8(body).is_err() {
        problems.push("the text body is not UTF-8".to_owned());
    }
    problems
}

/// A header's value against its schema: as a string, or as the number it spells
/// where the schema wants one.
fn header_violations(name: &str, value: &HeaderValue, schema: &Value) -> Vec<String> {
    let Ok(text) = value.to_str() else {
        return vec![format!("header {name} is not visible ASCII")];
    };
    let as_string = schema_violations(schema, &Value::String(text.to_owned()));
    if as_string.is_empty() {
        return as_string;
    }
    match serde_json::from_str::<serde_json::Number>(text) {
        Ok(number) if schema_violations(schema, &Value::Number(number.clone())).is_empty() => {
            Vec::new()
        }
        _ => as_string
            .into_iter()
            .map(|problem| format!("header {name}: {problem}"))
            .collect(),
    }
}

/// Every way `instance` breaks `schema`, which may refer to the document's components.
pub fn schema_violations(schema: &Value, instance: &Value) -> Vec<String> {
    let root = json!({
        "allOf": [schema],
        "components": document()["components"],
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .unwrap_or_else(|e| panic!("the document's schema does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("body: {e} at {}", e.instance_path()))
        .collect()
}

/// Reads `response` whole, panics with every violation it finds, and hands
/// back an identical response for the test to read.
pub async fn conform(
    method: &Method,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let path = response.url().path().to_owned();
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let problems = violations(method, &path, status, &headers, &body);
    assert!(
        problems.is_empty(),
        "{method} {path} answered {status} against the OpenAPI document:\n  {}\nbody: {}",
        problems.join("\n  "),
        String::from_utf8_lossy(&body)
    );
    let mut rebuilt = http::Response::builder().status(status).version(version);
    if let Some(map) = rebuilt.headers_mut() {
        *map = headers;
    }
    Ok(reqwest::Response::from(
        rebuilt.body(body).expect("rebuilt response"),
    ))
}

/// A `reqwest::Client` whose every answer is held to the document.
#[derive(Clone, Default)]
pub struct CheckedClient {
    inner: reqwest::Client,
}

impl CheckedClient {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, url: impl reqwest::IntoUrl) -> CheckedRequest {
        self.request(Method::GET, url)
    }

    pub fn post(&self, url: impl reqwest::IntoUrl) -> CheckedRequest {
        self.request(Method::POST, url)
    }

    pub fn request(&self, method: Method, url: impl reqwest::IntoUrl) -> CheckedRequest {
        CheckedRequest {
            client: self.inner.clone(),
            builder: self.inner.request(method, url),
        }
    }
}

/// A request being built; `send` checks its answer.
pub struct CheckedRequest {
    client: reqwest::Client,
    builder: reqwest::RequestBuilder,
}

impl CheckedRequest {
    fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        Self {
            client: self.client,
            builder: f(self.builder),
        }
    }

    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        <HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        HeaderValue: TryFrom<V>,
        <HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|b| b.header(key, value))
    }

    pub fn headers(self, headers: HeaderMap) -> Self {
        self.map(|b| b.headers(headers))
    }

    pub fn bearer_auth(self, token: impl std::fmt::Display) -> Self {
        self.map(|b| b.bearer_auth(token))
    }

    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|b| b.body(body))
    }

    pub fn json<T: serde::Serialize + ?Sized>(self, json: &T) -> Self {
        self.map(|b| b.json(json))
    }

    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// Sends the request; the answer has conformed once this returns.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let request = self.builder.build()?;
        let method = request.method().clone();
        let response = self.client.execute(request).await?;
        conform(&method, response).await
    }
}

/// Panics unless a raw HTTP/1.1 answer (status line, headers, body, as read
/// from a socket) to `method path` conforms to the document.
pub fn assert_raw_conforms(method: &Method, path: &str, raw: &str) {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {raw:?}"));
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let name = HeaderName::try_from(name.trim()).expect("header name");
            let value = HeaderValue::try_from(value.trim()).expect("header value");
            headers.append(name, value);
        }
    }
    let problems = violations(method, path, status, &headers, body.as_bytes());
    assert!(
        problems.is_empty(),
        "{method} {path} answered {status} against the OpenAPI document:\n  {}\n{raw}",
        problems.join("\n  ")
    );
}
