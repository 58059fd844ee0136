//! The request's schema against its validation: the document never refuses
//! a body the reactor accepts.

use serde_json::{Value, json};

use crate::signup::request::SignupRequest;

/// Whether the reactor accepts `body`, and whether the document does.
fn verdicts(body: &Value) -> (bool, bool) {
    let request: SignupRequest = serde_json::from_value(body.clone()).expect("shape");
    let reactor = request.validate().is_ok();
    let document = crate::openapi::document();
    let mut root = serde_json::to_value(&document).expect("document");
    let components = root["components"].take();
    let schema = json!({
        "$ref": "#/components/schemas/SignupRequest",
        "components": components,
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("schema");
    (reactor, validator.is_valid(body))
}

#[test]
fn the_document_never_refuses_what_the_reactor_accepts() {
    let mut bodies = Vec::new();
    let odd = [
        ' ', '\t', '\n', '\u{85}', '\u{a0}', '\u{1680}', '\u{2007}', '\u{2028}', '\u{202f}',
        '\u{3000}', '\u{feff}', '\u{200b}', '\u{7f}', '\u{9f}', 'a', '%',
    ];
    for c in odd {
        for context in [
            json!({"pageUri": format!("https://example.com/a{c}b")}),
            json!({"pageUrl": format!("HTTP://example.com/{c}")}),
            json!({"hutk": format!("abc{c}")}),
            json!({"pageName": format!("Sign{c}up")}),
        ] {
            bodies.push(json!({"email": "a@example.com", "context": context}));
        }
    }
    for ip in [
        "203.0.113.7",
        "::",
        "2001:DB8::1",
        "::ffff:1.2.3.4",
        "1.2.3",
        "fe80::1%eth0",
    ] {
        bodies.push(json!({"email": "a@example.com", "context": {"ipAddress": ip}}));
    }
    for name in ["firstname", "a_1", "Firstname", "first-name", "email"] {
        bodies.push(json!({"email": "a@example.com", "fields": {name: "a@example.com"}}));
    }
    for body in &bodies {
        let (reactor, document) = verdicts(body);
        assert!(
            !reactor || document,
            "accepted, yet refused by the document: {body}"
        );
    }
}
