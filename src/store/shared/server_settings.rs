//! What the reactor needs of the Redis server: no eviction of its keys, and
//! persistence so that a restart loses nothing. Checked at start-up.

use std::collections::HashMap;

use crate::store::{RedisStore, StoreError};

/// A Redis setting that puts the reactor's guarantees at risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingWarning {
    pub setting: &'static str,
    pub value: String,
    pub risk: &'static str,
}

/// The Redis server's own settings; see [`RedisStore::server_settings`].
#[derive(Debug, Clone, Copy)]
pub struct ServerSettings<'a> {
    pub(in crate::store) store: &'a RedisStore,
}

impl RedisStore {
    /// The Redis server's eviction and persistence settings.
    pub fn server_settings(&self) -> ServerSettings<'_> {
        ServerSettings { store: self }
    }
}

impl ServerSettings<'_> {
    /// Reads `maxmemory-policy`, `appendonly` and `save`, and says what is risky.
    /// Servers that refuse `CONFIG GET` (managed Redis) are reported as unknown.
    pub async fn warnings(&self) -> Result<Vec<SettingWarning>, StoreError> {
        let mut conn = self.store.connection();
        let mut settings = HashMap::new();
        for name in ["maxmemory-policy", "appendonly", "save"] {
            let reply: Result<HashMap<String, String>, StoreError> = self
                .store
                .bounded(
                    redis::cmd("CONFIG")
                        .arg("GET")
                        .arg(name)
                        .query_async(&mut conn),
                )
                .await;
            match reply {
                Ok(values) => settings.extend(values),
                Err(StoreError::Redis(error)) if error.code().is_some() => {
                    return Ok(vec![SettingWarning {
                        setting: "CONFIG GET",
                        value: "refused".to_owned(),
                        risk: "cannot verify eviction and persistence settings; make sure of them yourself",
                    }]);
                }
                Err(other) => return Err(other),
            }
        }
        Ok(assess(&settings))
    }
}

/// Judges a server's settings.
pub fn assess(settings: &HashMap<String, String>) -> Vec<SettingWarning> {
    let get = |name: &str| settings.get(name).map(String::as_str).unwrap_or_default();
    let mut warnings = Vec::new();
    let policy = get("maxmemory-policy");
    if policy != "noeviction" {
        warnings.push(SettingWarning {
            setting: "maxmemory-policy",
            value: policy.to_owned(),
            risk: "keys can be evicted under memory pressure: events, claims and pending signups may be lost; use noeviction",
        });
    }
    let aof = get("appendonly") == "yes";
    let rdb = !get("save").trim().is_empty();
    if !aof {
        warnings.push(SettingWarning {
            setting: "appendonly",
            value: get("appendonly").to_owned(),
            risk: if rdb {
                "only RDB snapshots: a restart loses what was written since the last one; use appendonly yes"
            } else {
                "no persistence at all: a restart loses every event, claim and pending signup"
            },
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_recommended_settings_raise_no_warning() {
        let good = settings(&[
            ("maxmemory-policy", "noeviction"),
            ("appendonly", "yes"),
            ("save", "3600 1"),
        ]);
        assert!(assess(&good).is_empty());
    }

    #[test]
    fn eviction_and_missing_persistence_are_flagged() {
        let bad = settings(&[
            ("maxmemory-policy", "allkeys-lru"),
            ("appendonly", "no"),
            ("save", ""),
        ]);
        let warnings = assess(&bad);
        let flagged: Vec<&str> = warnings.iter().map(|w| w.setting).collect();
        assert_eq!(flagged, vec!["maxmemory-policy", "appendonly"]);
        assert!(warnings[1].risk.starts_with("no persistence"));
    }
}
