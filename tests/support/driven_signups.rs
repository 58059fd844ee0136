//! Signups and quota in the states the driven tests start from: landed with
//! HubSpot, their events delivered or consumed, the API quota busy or free.

use std::time::Duration;

use signup_reactor::domain::{ContactId, Email};
use signup_reactor::store::{Limiter, Reservation};

use super::driven::Driven;
use super::stack::{eventually, signup_body, signup_id, wait_until_landed};

/// A signup through the Forms API whose contact is readable with its
/// submission; its events are delivered but not consumed.
pub async fn readable_signup(d: &Driven, email: &str) -> (String, ContactId) {
    let id = signup_id(d.app.signup(&signup_body(email), None).await).await;
    wait_until_landed(&d.sim, email).await;
    let contact = d.sim.contact_by_email(email).expect("contact").id;
    (id, ContactId::new(contact).expect("id"))
}

/// A signup through the Forms API whose contact is visible with its
/// submission, and whose events (an `email` change among them) were consumed.
pub async fn landed_signup(d: &Driven, email: &str) -> String {
    let (id, contact) = readable_signup(d, email).await;
    let contact = contact.get();
    let wanted = d
        .sim
        .events()
        .iter()
        .filter(|e| e.object_id == contact)
        .count();
    assert!(
        eventually(Duration::from_secs(10), || async {
            d.app
                .stream_contacts()
                .await
                .iter()
                .filter(|c| **c == contact.to_string())
                .count()
                >= wanted
        })
        .await,
        "every event of the contact was delivered"
    );
    d.consume_all().await;
    id
}

/// Consumes the contact's deliveries (all it will get: its creation).
pub async fn consume_creation(d: &Driven, contact: ContactId) {
    let events: Vec<String> = d
        .sim
        .events()
        .iter()
        .filter(|e| e.object_id == contact.get())
        .map(|e| e.subscription_type.clone())
        .collect();
    assert_eq!(events, vec!["contact.creation".to_owned()], "{events:?}");
    assert!(
        eventually(Duration::from_secs(10), || async {
            d.app.stream_contacts().await.contains(&contact.to_string())
        })
        .await,
        "the creation was delivered"
    );
    d.consume_all().await;
}

/// Takes more than half of the API quota, as a busy launch would.
pub async fn use_most_of_the_quota(d: &Driven) {
    let quota = d.ctx.settings.api_quota;
    let granted = d
        .store
        .rate_limits()
        .reserve(Limiter::Api, quota, quota.max / 2 + 1)
        .await
        .expect("reserve");
    assert!(matches!(granted, Reservation::Granted(_)));
}

/// Gives the whole API quota back.
pub async fn free_the_quota(d: &Driven) {
    let mut conn = d.app.redis_conn().await;
    let key = d.store.keys().rate_limit(Limiter::Api.name());
    let _: i64 = redis::cmd("DEL")
        .arg(key)
        .query_async(&mut conn)
        .await
        .expect("del");
}

/// The fingerprint of an address, as keys carry it.
pub fn fingerprint(email: &str) -> String {
    Email::parse(email).expect("email").fingerprint()
}
