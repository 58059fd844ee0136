//! The ceiling of signups per email address and day
//! (`SIGNUP_EMAILS_PER_ADDRESS_PER_DAY`): each accepted signup is one
//! verification email, so an address that may sign up without end can be
//! flooded through the app. Kept as a sliding window per address, shared by
//! every replica; the key carries the address's fingerprint, never the address.

use std::time::Duration;

use crate::domain::Email;
use crate::store::shared::rate_limit::RATE_LIMIT;
use crate::store::{RedisStore, StoreError};

/// The window of the ceiling.
pub const ADDRESS_CEILING_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The per-address ceiling; see [`RedisStore::address_ceiling`].
#[derive(Debug, Clone, Copy)]
pub struct AddressCeiling<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The ceiling of signups per email address and day.
    pub fn address_ceiling(&self) -> AddressCeiling<'_> {
        AddressCeiling { store: self }
    }
}

impl AddressCeiling<'_> {
    /// Counts one signup of `email` when fewer than `max` were counted in the
    /// last 24 hours (`None`); otherwise counts nothing and says how long
    /// until the oldest one leaves the window.
    pub async fn take(&self, email: &Email, max: u32) -> Result<Option<Duration>, StoreError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut invocation = RATE_LIMIT.prepare_invoke();
        invocation
            .key(self.store.keys.signups_of_address(&email.fingerprint()))
            .arg(max)
            .arg(crate::clock::millis(ADDRESS_CEILING_WINDOW))
            .arg(&id)
            .arg(1)
            .arg(0);
        let mut conn = self.store.connection();
        let wait_ms: u64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok((wait_ms > 0).then(|| Duration::from_millis(wait_ms)))
    }
}
