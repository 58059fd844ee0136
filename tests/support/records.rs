//! Signup records and dead letters as a test writes and reads them in Redis
//! directly, with no reactor in between.

use std::time::Duration;

use signup_reactor::domain::{Email, SignupRecord, SignupStatus};
use signup_reactor::store::{DeadLetter, RedisStore};

use super::stack::eventually;

/// A new signup for `email` (no fields, no context), made at `submitted_at` (ms).
pub fn signup_record(email: &str, submitted_at: u64) -> SignupRecord {
    SignupRecord::new(
        Email::parse(email).expect("email"),
        Default::default(),
        Default::default(),
        Default::default(),
        submitted_at,
    )
}

/// An open signup in `status`, made `age` ago and stored for `ttl`, in no
/// queue yet (as after a lost write).
pub async fn open_signup(
    store: &RedisStore,
    email: &str,
    status: SignupStatus,
    age: Duration,
    ttl: Duration,
) -> SignupRecord {
    let submitted_at = signup_reactor::clock::now_ms() - age.as_millis() as u64;
    let mut record = signup_record(email, submitted_at);
    record.status = status;
    store.signups().create(&record, ttl).await.expect("create");
    record
}

/// The stored record of signup `id`, which must be there.
pub async fn stored_record(store: &RedisStore, id: &str) -> SignupRecord {
    store
        .signups()
        .load(id)
        .await
        .expect("load")
        .expect("record")
}

/// The first dead letters (up to ten).
pub async fn dead_letters(store: &RedisStore) -> Vec<DeadLetter> {
    store.dead_letters().list(10).await.expect("list")
}

/// The dead letters (up to ten), once the first one was written (within `timeout`).
pub async fn first_dead_letters(store: &RedisStore, timeout: Duration) -> Vec<DeadLetter> {
    let dead = eventually(timeout, || async {
        store
            .dead_letters()
            .list(10)
            .await
            .is_ok_and(|l| !l.is_empty())
    })
    .await;
    assert!(dead, "nothing was dead-lettered");
    dead_letters(store).await
}
