//! Classic or generic webhook events: legacy apps subscribe to
//! `contact.*`, a developer-platform project app's `crmObjects` subscriptions
//! deliver `object.*` events with an `objectTypeId`.

use serde::{Deserialize, Serialize};

/// Which webhook subscription style delivers contact events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStyle {
    /// `contact.creation` / `contact.propertyChange` (legacy apps, `legacyCrmObjects`).
    #[default]
    Classic,
    /// `object.creation` / `object.propertyChange` with `objectTypeId` `"0-1"`
    /// (a project app's generic `crmObjects` subscriptions).
    Generic,
    /// Half the contacts (even ids) generic, the others classic.
    Mixed,
}

impl EventStyle {
    /// Whether events about `contact_id` use the generic names.
    pub fn generic_for(self, contact_id: u64) -> bool {
        match self {
            Self::Classic => false,
            Self::Generic => true,
            Self::Mixed => contact_id.is_multiple_of(2),
        }
    }
}
