//! Contacts creation events named while no signup was known on them: HubSpot
//! promises `contact.creation` (the id alone) when a form creates a contact,
//! not an `email` change. A check reads their profiles, which carry their
//! addresses, in the call that confirms its signups' submissions.

use std::time::Duration;

use redis::AsyncCommands;

use crate::clock::millis;
use crate::domain::ContactId;
use crate::store::{Checks, StoreError};

impl Checks<'_> {
    /// The most recent contacts creation events named (newest first, at
    /// most `max`), within [`CREATED_CONTACT_LIFETIME`](crate::store::CREATED_CONTACT_LIFETIME), each with the moment
    /// its creation event was consumed (ms, Redis clock).
    pub async fn created_contacts(&self, max: usize) -> Result<Vec<(ContactId, u64)>, StoreError> {
        // The wake script drops entries older than their lifetime at each
        // creation, and the key with its last one: what is here is recent.
        let mut conn = self.store.connection();
        let ids: Vec<(String, f64)> = self
            .store
            .bounded(conn.zrevrange_withscores(
                self.store.keys.created_contacts(),
                0,
                max.max(1) as isize - 1,
            ))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|(id, at)| Some((ContactId::parse(id).ok()?, *at as u64)))
            .collect())
    }

    /// Settles created contacts a profile read showed: `readable` leave the
    /// candidates; each address in `adopted` (by fingerprint) is hinted to
    /// its contact for `hint_ttl`, so that its signups read it by id.
    pub async fn adopt_created(
        &self,
        readable: &[ContactId],
        adopted: &[(String, ContactId)],
        hint_ttl: Duration,
    ) -> Result<(), StoreError> {
        if readable.is_empty() && adopted.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        if !readable.is_empty() {
            let ids: Vec<u64> = readable.iter().map(|c| c.get()).collect();
            pipe.cmd("ZREM")
                .arg(self.store.keys.created_contacts())
                .arg(ids)
                .ignore();
        }
        for (fingerprint, contact) in adopted {
            pipe.cmd("SET")
                .arg(self.store.keys.contact_hint(fingerprint))
                .arg(contact.get())
                .arg("PX")
                .arg(millis(hint_ttl).max(1))
                .ignore();
        }
        let mut conn = self.store.connection();
        let _: () = self.store.bounded(pipe.query_async(&mut conn)).await?;
        Ok(())
    }
}
