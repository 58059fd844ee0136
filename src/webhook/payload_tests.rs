use super::*;

fn parse(json: &str) -> Result<Vec<ParsedEvent>, PayloadError> {
    parse_bytes(json.as_bytes())
}

fn contact(event: &ParsedEvent) -> &ContactEvent {
    match event {
        ParsedEvent::Contact { event, .. } => event,
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
        matches!(&events[1], ParsedEvent::Unsupported { subscription_type, style: SubscriptionStyle::Classic, .. } if subscription_type == "contact.merge")
    );
    assert!(matches!(&events[2], ParsedEvent::Unsupported { .. }));
}

#[test]
fn empty_array_is_an_empty_batch() {
    assert_eq!(parse("[]").map(|e| e.len()), Ok(0));
}

#[test]
fn refuses_only_what_is_not_an_array() {
    assert_eq!(parse("not json").unwrap_err(), PayloadError::NotJson);
    assert_eq!(
        parse(r#"{"eventId":1}"#).unwrap_err(),
        PayloadError::NotArray
    );
}

fn malformed(json: &str) -> Malformed {
    match parse(json).expect("an array is a batch").as_slice() {
        [ParsedEvent::Malformed { index: 0, reason }] => *reason,
        other => panic!("expected one malformed event, got {other:?}"),
    }
}

#[test]
fn a_malformed_event_is_skipped_with_its_reason() {
    assert_eq!(malformed("[1]"), Malformed::NotAnEvent);
    assert_eq!(malformed(r#"[{"eventId":1}]"#), Malformed::NotAnEvent);
    let cases = [
        (
            r#"{"subscriptionType":"contact.creation","portalId":1}"#,
            Malformed::ObjectId,
        ),
        (
            r#"{"subscriptionType":"contact.creation","portalId":1,"objectId":1.5}"#,
            Malformed::ObjectId,
        ),
        (
            r#"{"subscriptionType":"contact.creation","portalId":1,"objectId":18446744073709551616}"#,
            Malformed::ObjectId,
        ),
        (
            r#"{"subscriptionType":"contact.creation","portalId":0,"objectId":1}"#,
            Malformed::PortalId,
        ),
        (
            r#"{"subscriptionType":"contact.propertyChange","portalId":1,"objectId":1}"#,
            Malformed::PropertyName,
        ),
        (
            r#"{"subscriptionType":"object.creation","portalId":1,"objectId":1}"#,
            Malformed::ObjectTypeId,
        ),
    ];
    for (event, reason) in cases {
        assert_eq!(malformed(&format!("[{event}]")), reason, "{event}");
    }
}

#[test]
fn good_events_survive_a_bad_neighbour() {
    let body = r#"[
        {"subscriptionType":"contact.creation","portalId":1,"objectId":1.5},
        {"subscriptionType":"contact.creation","portalId":1,"objectId":7}
    ]"#;
    let events = parse(body).expect("valid batch");
    assert!(matches!(
        events[0],
        ParsedEvent::Malformed {
            index: 0,
            reason: Malformed::ObjectId
        }
    ));
    assert_eq!(contact(&events[1]).contact_id.get(), 7);
}

#[test]
fn generic_contact_events_are_contact_events() {
    let body = r#"[
        {"subscriptionType":"object.creation","objectTypeId":"0-1","portalId":1,"objectId":5},
        {"subscriptionType":"object.propertyChange","objectTypeId":"0-1","portalId":1,"objectId":5,"propertyName":"email","propertyValue":"ann@example.com"},
        {"subscriptionType":"object.creation","objectTypeId":"0-2","portalId":1,"objectId":6},
        {"subscriptionType":"object.deletion","objectTypeId":"0-1","portalId":1,"objectId":5},
        {"subscriptionType":"object.merge","objectTypeId":"0-1","portalId":1,"objectId":5}
    ]"#;
    let events = parse(body).expect("valid batch");
    let creation = contact(&events[0]);
    assert_eq!(creation.kind, EventKind::ContactCreation);
    assert_eq!(creation.subscription_type, "contact.creation");
    assert!(creation.stored_json.contains("object.creation"));
    assert!(matches!(
        events[0],
        ParsedEvent::Contact {
            style: SubscriptionStyle::Generic,
            ..
        }
    ));
    let change = contact(&events[1]);
    assert_eq!(change.kind, EventKind::ContactPropertyChange);
    assert_eq!(change.subscription_type, "contact.propertyChange");
    assert_eq!(change.property_name.as_deref(), Some("email"));
    assert!(!change.stored_json.contains("ann@example.com"));
    assert!(matches!(
        &events[2],
        ParsedEvent::Unsupported {
            reason: "other_object_type",
            style: SubscriptionStyle::Generic,
            ..
        }
    ));
    // A deletion ends the contact's checks, whichever style delivered it.
    let deletion = contact(&events[3]);
    assert_eq!(deletion.kind, EventKind::ContactDeletion);
    assert_eq!(deletion.subscription_type, "contact.deletion");
    assert!(matches!(
        &events[4],
        ParsedEvent::Unsupported {
            reason: "unsupported_type",
            style: SubscriptionStyle::Generic,
            ..
        }
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
