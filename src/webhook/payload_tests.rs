use super::*;

fn parse(json: &str) -> Result<Vec<ParsedEvent>, PayloadError> {
    parse_bytes(json.as_bytes())
}

fn contact(event: &ParsedEvent) -> &ContactEvent {
    match event {
        ParsedEvent::Contact(event) => event,
        other => panic!("expected a contact event, got {other:?}"),
    }
}

#[test]
fn parses_the_official_example_with_64_bit_ids() {
    let body = r#"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":9007199254740993,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]"#;
    let events = parse(body).expect("valid batch");
    let event = contact(&events[0]);
    assert_eq!(event.kind, EventKind::ContactCreation);
    assert_eq!(event.portal_id.get(), 62515);
    assert_eq!(event.contact_id.get(), 9007199254740993);
    assert_eq!(event.occurred_at, Some(1564113600000));
}

#[test]
fn tolerates_unknown_fields_and_types_and_drops_property_values() {
    let body = r#"[
        {"subscriptionType":"contact.propertyChange","portalId":1,"objectId":2,"propertyName":"email","propertyValue":"ann@example.com","brandNew":{"x":1}},
        {"subscriptionType":"contact.merge","portalId":1,"primaryObjectId":3},
        {"subscriptionType":"deal.creation"}
    ]"#;
    let events = parse(body).expect("valid batch");
    assert_eq!(events.len(), 3);
    let change = contact(&events[0]);
    assert_eq!(change.property_name.as_deref(), Some("email"));
    let fingerprint = crate::domain::Email::parse("ann@example.com")
        .expect("email")
        .fingerprint();
    assert_eq!(
        change.email_fingerprint.as_deref(),
        Some(fingerprint.as_str()),
        "an email change carries the new address's fingerprint, never the address"
    );
    assert!(!change.stored_json.contains("ann@example.com"));
    assert!(change.stored_json.contains("brandNew"));
    assert!(
        matches!(&events[1], ParsedEvent::Unsupported { subscription_type } if subscription_type == "contact.merge")
    );
    assert!(matches!(&events[2], ParsedEvent::Unsupported { .. }));
}

#[test]
fn empty_array_is_an_empty_batch() {
    assert_eq!(parse("[]").map(|e| e.len()), Ok(0));
}

#[test]
fn refuses_what_is_not_an_array_of_events() {
    assert_eq!(parse("not json").unwrap_err(), PayloadError::NotJson);
    assert_eq!(
        parse(r#"{"eventId":1}"#).unwrap_err(),
        PayloadError::NotArray
    );
    assert_eq!(parse("[1]").unwrap_err(), PayloadError::NotAnEvent(0));
    assert_eq!(
        parse(r#"[{"eventId":1}]"#).unwrap_err(),
        PayloadError::NotAnEvent(0)
    );
    let no_object = r#"[{"subscriptionType":"contact.creation","portalId":1}]"#;
    assert!(matches!(
        parse(no_object),
        Err(PayloadError::MissingField {
            field: "objectId",
            ..
        })
    ));
    let zero_portal = r#"[{"subscriptionType":"contact.creation","portalId":0,"objectId":1}]"#;
    assert!(matches!(
        parse(zero_portal),
        Err(PayloadError::MissingField {
            field: "portalId",
            ..
        })
    ));
    let no_property =
        r#"[{"subscriptionType":"contact.propertyChange","portalId":1,"objectId":1}]"#;
    assert!(matches!(
        parse(no_property),
        Err(PayloadError::MissingField {
            field: "propertyName",
            ..
        })
    ));
}

#[test]
fn redelivery_keeps_the_identity() {
    let first = r#"[{"eventId":9,"subscriptionType":"contact.creation","portalId":1,"objectId":2,"attemptNumber":0}]"#;
    let retry = r#"[{"attemptNumber":3,"eventId":9,"subscriptionType":"contact.creation","portalId":1,"objectId":2}]"#;
    let a = parse(first).expect("valid");
    let b = parse(retry).expect("valid");
    assert_eq!(contact(&a[0]).identity, contact(&b[0]).identity);
    assert_eq!(contact(&b[0]).attempt_number, 3);
}
