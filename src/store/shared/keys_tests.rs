//! Key names: their layout, their slots and the prefix they all share.

use super::*;
use serde_json::Map;

#[test]
fn each_partition_shares_its_hash_tag_with_its_markers() {
    let keys = Keys::new("sr:").with_event_partitions(8);
    let identity = EventIdentity::of(&Map::new());
    assert_eq!(keys.event_stream(0), "sr:{events}:stream");
    assert_eq!(keys.event_stream(3), "sr:{events:3}:stream");
    let seen = keys.event_seen(3, &identity);
    assert!(seen.starts_with("sr:{events:3}:s:"), "{seen}");
    let digest = seen.rsplit(':').next().unwrap_or_default();
    assert_eq!(digest.len(), 22, "128 bits in base64url: {seen}");
    assert_ne!(
        keys.event_seen(3, &EventIdentity::of(&Map::new())),
        keys.event_seen(4, &identity)
    );
    assert_eq!(keys.event_partition_of(ContactId::new(42).expect("id")), 2);
    assert_eq!(
        Keys::new("sr:").event_partition_of(ContactId::new(43).expect("id")),
        0
    );
}

#[test]
fn base64url_matches_the_rfc_vectors() {
    for (raw, encoded) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64url(raw.as_bytes()), encoded);
    }
    assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
}

#[test]
fn every_signup_key_shares_the_signups_hash_tag() {
    let keys = Keys::new("sr:");
    let contact = ContactId::new(42).expect("contact");
    let email = Email::parse("pat@example.com").expect("email");
    for key in [
        keys.signup("s1"),
        keys.signups_by_email(&email),
        keys.signups_by_contact(contact),
        keys.signups_due(),
        keys.signup_claims(),
        keys.signups_recheck(),
        keys.signups_unseen(),
        keys.early_check(),
        keys.created_contacts(),
        keys.signups_open(),
        keys.send_cooldown(contact),
        keys.deleted_contact(contact),
        keys.contact_hint(&email.fingerprint()),
    ] {
        assert!(key.starts_with("sr:{signups}:"), "{key}");
        assert!(!key.contains("pat@"), "{key}");
    }
}
