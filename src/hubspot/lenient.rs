//! Reading HubSpot's answers leniently where an entry may not be as
//! documented: one bad entry is left out, never the answer around it.

use serde::Deserialize;

/// The entries of a list that parse; the others are left out (logged).
pub(super) fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let raw = match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Array(entries) => entries,
        _ => Vec::new(),
    };
    let total = raw.len();
    let kept: Vec<T> = raw
        .into_iter()
        .filter_map(|entry| serde_json::from_value(entry).ok())
        .collect();
    if kept.len() < total {
        tracing::warn!(
            skipped = total - kept.len(),
            "HubSpot answered entries not as documented; those entries are skipped"
        );
    }
    Ok(kept)
}
