//! What checks know of contacts beyond their signups: the contact an event
//! last named for an address, contacts deleted while signups wait on them,
//! and the per-contact send cooldown.

use std::time::Duration;

use redis::AsyncCommands;

use super::scripts::DELETED;
use crate::clock::millis;
use crate::domain::ContactId;
use crate::store::{Checks, Lock, StoreError};

impl Checks<'_> {
    /// The contact last named by an event for each address (by
    /// fingerprint), where one was (one `MGET`).
    pub async fn contact_hints(
        &self,
        fingerprints: &[String],
    ) -> Result<Vec<Option<ContactId>>, StoreError> {
        let keys: Vec<String> = fingerprints
            .iter()
            .map(|fp| self.store.keys.contact_hint(fp))
            .collect();
        let hints = self.store.get_many(&keys).await?;
        Ok(hints
            .into_iter()
            .map(|hint| hint.and_then(|h| ContactId::parse(&h).ok()))
            .collect())
    }

    /// Drops the contact hints of these addresses (by fingerprint).
    pub async fn forget_contact_hints(&self, fingerprints: &[String]) -> Result<(), StoreError> {
        if fingerprints.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = fingerprints
            .iter()
            .map(|fp| self.store.keys.contact_hint(fp))
            .collect();
        let mut conn = self.store.connection();
        let _: i64 = self
            .store
            .bounded(redis::cmd("DEL").arg(&keys).query_async(&mut conn))
            .await?;
        Ok(())
    }

    /// Marks a contact deleted for `ttl` when open signups are known on it:
    /// their checks end. A contact without open signups is left alone (no
    /// key is written). Returns whether the contact was marked.
    pub async fn mark_contact_deleted(
        &self,
        contact: ContactId,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut invocation = DELETED.prepare_invoke();
        invocation
            .key(self.store.keys.signups_by_contact(contact))
            .key(self.store.keys.deleted_contact(contact))
            .arg(millis(ttl).max(1));
        let mut conn = self.store.connection();
        let marked: i64 = self
            .store
            .bounded(invocation.invoke_async(&mut conn))
            .await?;
        Ok(marked == 1)
    }

    /// Which of these contacts were deleted (one `MGET`).
    pub async fn deleted_contacts(
        &self,
        contacts: &[ContactId],
    ) -> Result<Vec<ContactId>, StoreError> {
        let keys: Vec<String> = contacts
            .iter()
            .map(|c| self.store.keys.deleted_contact(*c))
            .collect();
        let marks = self.store.get_many(&keys).await?;
        Ok(contacts
            .iter()
            .zip(marks)
            .filter_map(|(contact, mark)| mark.map(|_| *contact))
            .collect())
    }

    /// The open signups seen on a contact.
    pub async fn signups_of_contact(&self, contact: ContactId) -> Result<Vec<String>, StoreError> {
        let mut conn = self.store.connection();
        self.store
            .bounded(conn.smembers(self.store.keys.signups_by_contact(contact)))
            .await
    }

    /// Starts the contact's send cooldown for the signup `holder`; when
    /// another signup's cooldown is running, says how long it has left
    /// instead. The holder's own cooldown never holds it back: a send retried
    /// after a failed call (the same signup, the same sendId) goes at once.
    pub async fn take_send_cooldown(
        &self,
        contact: ContactId,
        cooldown: Duration,
        holder: &str,
    ) -> Result<Option<Duration>, StoreError> {
        if cooldown.is_zero() {
            return Ok(None);
        }
        let key = self.store.keys.send_cooldown(contact);
        let lock = Lock {
            store: self.store,
            key: key.clone(),
        };
        if lock.try_take(holder, cooldown).await? {
            return Ok(None);
        }
        let mut conn = self.store.connection();
        let (owner, left): (Option<String>, i64) = self
            .store
            .bounded(redis::pipe().get(&key).pttl(&key).query_async(&mut conn))
            .await?;
        if owner.as_deref() == Some(holder) {
            return Ok(None);
        }
        Ok(Some(Duration::from_millis(
            u64::try_from(left).unwrap_or(1).max(1),
        )))
    }
}
