//! `GET /openapi.json`: the document is served by every role, is the one
//! committed in `docs/openapi.json`, and says what the code does.

use serde_json::Value;
use signup_reactor::startup::Role;

use crate::support::app::TestApp;
use crate::support::redis_server::TestRedis;

const COMMITTED: &str = "docs/openapi.json";

async fn served(app: &TestApp) -> String {
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("text")
}

/// The lines of `old` and `new` that differ, `-`/`+` prefixed, from a longest
/// common subsequence of lines (the documents are a few thousand lines).
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("{:>5} + {}\n", j + 1, b[j]));
            j += 1;
        } else {
            out.push_str(&format!("{:>5} - {}\n", i + 1, a[i]));
            i += 1;
        }
    }
    out
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let served = served(&app).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &served).expect("write docs/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == served,
        "{COMMITTED} differs from the served document (- committed, + served); \
         regenerate it with `UPDATE_OPENAPI=1 cargo test --test api openapi`:\n{}",
        line_diff(&committed, &served)
    );
}

#[tokio::test]
async fn every_role_serves_the_document() {
    for role in [Role::Receiver, Role::Worker, Role::All] {
        let app = TestApp::spawn_role(role, TestRedis::start(), |_| {}).await;
        let document: Value = serde_json::from_str(&served(&app).await).expect("JSON");
        assert_eq!(document["openapi"], "3.1.0", "{role:?}");
    }
}

#[test]
fn the_document_covers_every_route_and_answer() {
    let document = crate::support::contract::document();
    let operation = |path: &str, method: &str| &document["paths"][path][method];
    for (path, method) in [
        ("/v1/signups", "post"),
        ("/webhooks/hubspot", "post"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
    ] {
        assert!(operation(path, method).is_object(), "{method} {path}");
    }
    let signups = &operation("/v1/signups", "post")["responses"];
    for status in [
        "202", "400", "401", "408", "409", "413", "422", "429", "503",
    ] {
        assert!(signups[status].is_object(), "POST /v1/signups {status}");
    }
    let webhooks = &operation("/webhooks/hubspot", "post")["responses"];
    for status in ["204", "400", "401", "408", "413", "503"] {
        assert!(
            webhooks[status].is_object(),
            "POST /webhooks/hubspot {status}"
        );
    }
    // The request types refuse unknown members, and say so.
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["SignupRequest"]["additionalProperties"], false);
    assert_eq!(
        schemas["SignupRequest"]["properties"]["context"]["additionalProperties"],
        false
    );
    assert_eq!(
        schemas["SignupRequest"]["required"],
        serde_json::json!(["email"])
    );
}

#[test]
fn the_answer_check_refuses_what_the_document_does_not_say() {
    use crate::support::contract::violations;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::{Method, StatusCode};

    let mut json = HeaderMap::new();
    json.insert("content-type", HeaderValue::from_static("application/json"));
    let post = Method::POST;
    let ok = br#"{"signupId":"s_1","status":"queued"}"#;
    assert!(violations(&post, "/v1/signups", StatusCode::ACCEPTED, &json, ok).is_empty());

    // An undeclared status, an unknown member, a value outside its enum.
    let teapot = violations(&post, "/v1/signups", StatusCode::IM_A_TEAPOT, &json, ok);
    assert_eq!(teapot.len(), 1, "{teapot:?}");
    let extra = br#"{"signupId":"s_1","status":"queued","contactId":"1"}"#;
    assert!(!violations(&post, "/v1/signups", StatusCode::ACCEPTED, &json, extra).is_empty());
    let unknown = br#"{"signupId":"s_1","status":"sent"}"#;
    assert!(!violations(&post, "/v1/signups", StatusCode::ACCEPTED, &json, unknown).is_empty());

    // A header the answer does not declare; a body where none is declared.
    let mut retry = json.clone();
    retry.insert("retry-after", HeaderValue::from_static("1"));
    assert!(!violations(&post, "/v1/signups", StatusCode::ACCEPTED, &retry, ok).is_empty());
    let webhook = violations(
        &post,
        "/webhooks/hubspot",
        StatusCode::NO_CONTENT,
        &json,
        ok,
    );
    assert!(!webhook.is_empty());
    // A declared header with a value its schema does not allow.
    let mut replayed = json.clone();
    replayed.insert("idempotent-replayed", HeaderValue::from_static("yes"));
    let yes = violations(&post, "/v1/signups", StatusCode::ACCEPTED, &replayed, ok);
    assert!(!yes.is_empty());
    replayed.insert("idempotent-replayed", HeaderValue::from_static("true"));
    let true_ = violations(&post, "/v1/signups", StatusCode::ACCEPTED, &replayed, ok);
    assert!(true_.is_empty(), "{true_:?}");

    // Routes the document does not describe are not its business.
    assert!(violations(&Method::GET, "/nope", StatusCode::NOT_FOUND, &json, b"").is_empty());
}

#[test]
fn every_example_in_the_document_matches_its_schema() {
    use crate::support::contract::{document, schema_violations};
    let mut checked = 0;
    for (path, item) in document()["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            for (status, response) in responses {
                let Some(content) = response["content"].as_object() else {
                    continue;
                };
                for media in content.values() {
                    let examples = media["examples"].as_object().into_iter().flatten();
                    for (name, example) in examples {
                        let problems = schema_violations(&media["schema"], &example["value"]);
                        assert!(
                            problems.is_empty(),
                            "{method} {path} {status} example {name}: {problems:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 5, "only {checked} examples");
}

#[test]
fn every_reference_in_the_document_resolves() {
    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let document = crate::support::contract::document();
    let mut found = Vec::new();
    refs(document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(
            document.pointer(pointer).is_some(),
            "{target} does not resolve"
        );
    }
}
