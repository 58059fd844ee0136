//! Pending signups: one hash per email address, an index by last progress for
//! the reconciliation sweep, and the Forms retry queue.

use std::collections::HashMap;
use std::time::Duration;

use redis::AsyncCommands;

use super::{RedisStore, StoreError};
use crate::clock::now_ms;
use crate::domain::{Email, PendingSignup, SignupStatus};

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

impl RedisStore {
    /// Writes (or replaces) the pending signup of its email, with a TTL, and
    /// indexes it for the sweep.
    pub async fn save_pending_signup(
        &self,
        signup: &PendingSignup,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let key = self.keys.pending_signup(&signup.email);
        let now = now_ms();
        let fields: Vec<(&str, String)> = vec![
            ("signupId", signup.signup_id.clone()),
            ("email", signup.email.as_str().to_owned()),
            ("status", signup.status.as_str().to_owned()),
            ("fields", to_json(&signup.fields)),
            ("context", to_json(&signup.context)),
            (
                "emailCustomProperties",
                to_json(&signup.email_custom_properties),
            ),
            ("submittedAt", signup.submitted_at.to_string()),
            ("updatedAt", now.to_string()),
            ("attempts", signup.attempts.to_string()),
            ("lastError", signup.last_error.clone().unwrap_or_default()),
        ];
        let mut pipe = redis::pipe();
        pipe.atomic()
            .del(&key)
            .hset_multiple(&key, &fields)
            .pexpire(&key, i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
        let mut conn = self.connection();
        let _: () = self.bounded(pipe.query_async(&mut conn)).await?;
        let _: i64 = self
            .bounded(conn.zadd(self.keys.pending_index(), signup.email.fingerprint(), now))
            .await?;
        Ok(())
    }

    /// Updates a pending signup's progress fields, if it still exists.
    pub async fn update_signup_status(
        &self,
        fingerprint: &str,
        status: SignupStatus,
        attempts: u32,
        last_error: Option<&str>,
    ) -> Result<(), StoreError> {
        let key = self.keys.pending_signup_by_fingerprint(fingerprint);
        let fields = [
            ("status", status.as_str().to_owned()),
            ("attempts", attempts.to_string()),
            ("lastError", last_error.unwrap_or_default().to_owned()),
            ("updatedAt", now_ms().to_string()),
        ];
        let mut conn = self.connection();
        let exists: bool = self.bounded(conn.exists(&key)).await?;
        if exists {
            let _: () = self.bounded(conn.hset_multiple(&key, &fields)).await?;
        }
        Ok(())
    }

    /// The pending signup of an email address, if any.
    pub async fn load_pending_signup(
        &self,
        email: &Email,
    ) -> Result<Option<PendingSignup>, StoreError> {
        self.load_pending_signup_by_fingerprint(&email.fingerprint())
            .await
    }

    /// The pending signup under a stored fingerprint, if any.
    pub async fn load_pending_signup_by_fingerprint(
        &self,
        fingerprint: &str,
    ) -> Result<Option<PendingSignup>, StoreError> {
        let key = self.keys.pending_signup_by_fingerprint(fingerprint);
        let mut conn = self.connection();
        let map: HashMap<String, String> = self.bounded(conn.hgetall(&key)).await?;
        if map.is_empty() {
            return Ok(None);
        }
        parse_pending(&map).map(Some)
    }

    /// Fingerprints of pending signups without progress since `cutoff_ms`, oldest first.
    pub async fn stale_pending_signups(
        &self,
        cutoff_ms: u64,
        max: isize,
    ) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection();
        self.bounded(conn.zrangebyscore_limit(self.keys.pending_index(), "-inf", cutoff_ms, 0, max))
            .await
    }

    /// Marks a pending signup as looked at now (the sweep's progress mark).
    pub async fn touch_pending_signup(&self, fingerprint: &str) -> Result<(), StoreError> {
        let mut conn = self.connection();
        let command = redis::cmd("ZADD")
            .arg(self.keys.pending_index())
            .arg("XX")
            .arg(now_ms())
            .arg(fingerprint)
            .to_owned();
        let _: i64 = self.bounded(command.query_async(&mut conn)).await?;
        Ok(())
    }

    /// Removes a pending signup and its index and retry entries.
    pub async fn delete_pending_signup(&self, fingerprint: &str) -> Result<(), StoreError> {
        let mut conn = self.connection();
        let key = self.keys.pending_signup_by_fingerprint(fingerprint);
        let _: i64 = self.bounded(conn.del(&key)).await?;
        let _: i64 = self
            .bounded(conn.zrem(self.keys.pending_index(), fingerprint))
            .await?;
        let _: i64 = self
            .bounded(conn.zrem(self.keys.forms_retry_queue(), fingerprint))
            .await?;
        Ok(())
    }
}

fn parse_pending(map: &HashMap<String, String>) -> Result<PendingSignup, StoreError> {
    let field = |name: &str| map.get(name).map(String::as_str).unwrap_or_default();
    let bad = |what: &str| StoreError::Unexpected(format!("pending signup has an invalid {what}"));
    Ok(PendingSignup {
        signup_id: field("signupId").to_owned(),
        email: Email::parse(field("email")).map_err(|_| bad("email"))?,
        fields: json_field(map, "fields")?,
        context: json_field(map, "context")?,
        email_custom_properties: json_field(map, "emailCustomProperties")?,
        submitted_at: field("submittedAt")
            .parse()
            .map_err(|_| bad("submittedAt"))?,
        status: SignupStatus::parse(field("status")).ok_or_else(|| bad("status"))?,
        attempts: field("attempts").parse().unwrap_or(0),
        last_error: Some(field("lastError").to_owned()).filter(|e| !e.is_empty()),
    })
}

fn json_field<T: serde::de::DeserializeOwned>(
    map: &HashMap<String, String>,
    name: &str,
) -> Result<T, StoreError> {
    let raw = map.get(name).map(String::as_str).unwrap_or_default();
    serde_json::from_str(raw)
        .map_err(|_| StoreError::Unexpected(format!("pending signup has an invalid {name}")))
}
