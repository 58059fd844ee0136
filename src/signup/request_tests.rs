use super::*;

fn request(json: serde_json::Value) -> SignupRequest {
    serde_json::from_str(&json.to_string()).expect("request shape")
}

fn problems(json: serde_json::Value) -> Vec<String> {
    match request(json).validate() {
        Ok(_) => panic!("expected problems"),
        Err(problems) => problems.into_iter().map(|p| p.field).collect(),
    }
}

#[test]
fn a_complete_signup_validates_and_normalises() {
    let valid = request(serde_json::json!({
        "email": " Ann@Example.com ",
        "fields": {"firstname": "Ann", "age": 42, "newsletter": true, "email": "ann@example.com"},
        "context": {"hutk": "0123456789abcdef0123456789abcdef", "ipAddress": "2001:db8::1",
                    "pageUri": "https://example.com/signup", "pageName": "Sign up"},
        "emailCustomProperties": {"verify_url": "https://example.com/v/abc"}
    }))
    .validate()
    .expect("valid");
    assert_eq!(valid.email.as_str(), "ann@example.com");
    assert_eq!(valid.fields.get("age").map(String::as_str), Some("42"));
    assert_eq!(
        valid.fields.get("newsletter").map(String::as_str),
        Some("true")
    );
    assert!(
        !valid.fields.contains_key("email"),
        "email travels separately"
    );
}

#[test]
fn every_problem_is_reported_with_its_field() {
    let fields = problems(serde_json::json!({
        "email": "not-an-email",
        "fields": {"First Name": "x", "tags": ["a"], "email": "other@example.com"},
        "context": {"ipAddress": "999.1.1.1", "pageUri": "ftp://x", "hutk": ""},
    }));
    for expected in [
        "email",
        "fields.First Name",
        "fields.tags",
        "fields.email",
        "context.ipAddress",
        "context.pageUri",
        "context.hutk",
    ] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
}

#[test]
fn sizes_are_bounded() {
    let many: BTreeMap<String, Value> = (0..=MAX_FIELDS)
        .map(|i| (format!("f{i}"), Value::from("x")))
        .collect();
    assert!(
        problems(serde_json::json!({"email": "a@b.co", "fields": many}))
            .contains(&"fields".to_owned())
    );
    let long = "x".repeat(MAX_VALUE_LEN + 1);
    assert!(
        problems(serde_json::json!({"email": "a@b.co", "fields": {"bio": long}}))
            .contains(&"fields.bio".to_owned())
    );
    let big = "y".repeat(MAX_CUSTOM_PROPERTIES_BYTES);
    let custom = serde_json::json!({"email": "a@b.co", "emailCustomProperties": {"blob": big}});
    assert!(problems(custom).contains(&"emailCustomProperties".to_owned()));
}

#[test]
fn unknown_top_level_fields_are_refused() {
    let result: Result<SignupRequest, _> =
        serde_json::from_str(r#"{"email": "a@b.co", "emailCustomProperty": {}}"#);
    assert!(result.is_err());
}

#[test]
fn a_page_uri_with_whitespace_or_controls_is_refused() {
    for uri in [
        " https://example.com/signup",
        "https://example.com/sign up",
        "ht\ttps://example.com/signup",
        "https://example.com/signup\n",
    ] {
        let fields = problems(serde_json::json!({"email": "a@b.co", "context": {"pageUri": uri}}));
        assert_eq!(fields, vec!["context.pageUri".to_owned()], "{uri:?}");
    }
}
