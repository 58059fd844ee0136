//! Which generation of HubSpot's APIs the reactor speaks, and every path it
//! calls. HubSpot versions its APIs by date (`2026-03`, `2026-09`); the
//! numeric `/v3/` paths stop being supported in September 2027. This module is
//! the one place where a path is spelled.

use std::fmt;
use std::str::FromStr;

/// The API generation used for CRM reads and Single Send (`HUBSPOT_API_VERSION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    /// `2026-09`: the newest dated version, supported until March 2028.
    #[default]
    V2026_09,
    /// `2026-03`: same shapes as `2026-09`.
    V2026_03,
    /// The legacy numeric paths (`/crm/v3/...`, `/marketing/v3/...`).
    V3,
}

/// `HUBSPOT_API_VERSION` held something other than a known version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown HubSpot API version {0:?}: expected `2026-09`, `2026-03` or `v3`")]
pub struct UnknownApiVersion(pub String);

impl FromStr for ApiVersion {
    type Err = UnknownApiVersion;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "2026-09" => Ok(Self::V2026_09),
            "2026-03" => Ok(Self::V2026_03),
            "v3" => Ok(Self::V3),
            _ => Err(UnknownApiVersion(raw.to_owned())),
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Legacy v1 profile of one contact, with `form-submissions` (no dated equivalent).
const LEGACY_PROFILE: &str = "/contacts/v1/contact/vid";
/// Legacy v1 batch of profiles, up to 100 `vid=` (no dated equivalent).
const LEGACY_PROFILE_BATCH: &str = "/contacts/v1/contact/vids/batch/";
/// Send-status poll: no dated path has been published, so every version uses this one.
const SEND_STATUS: &str = "/marketing/v3/email/send-statuses";

impl ApiVersion {
    /// As written in `HUBSPOT_API_VERSION` (and in dated paths).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2026_09 => "2026-09",
            Self::V2026_03 => "2026-03",
            Self::V3 => "v3",
        }
    }

    /// Whether this is a date-versioned generation.
    pub fn is_dated(self) -> bool {
        !matches!(self, Self::V3)
    }

    /// The contacts collection: `/crm/v3/objects/contacts` or `/crm/objects/{date}/contacts`.
    fn contacts(self) -> String {
        match self {
            Self::V3 => "/crm/v3/objects/contacts".to_owned(),
            dated => format!("/crm/objects/{dated}/contacts"),
        }
    }

    /// One contact; `segment` must already be percent-encoded.
    pub fn contact_path(self, segment: &str) -> String {
        format!("{}/{segment}", self.contacts())
    }

    /// Batch read of up to 100 contacts.
    pub fn batch_read_path(self) -> String {
        format!("{}/batch/read", self.contacts())
    }

    /// CRM search over contacts.
    pub fn search_path(self) -> String {
        format!("{}/search", self.contacts())
    }

    /// Transactional Single Send.
    pub fn single_send_path(self) -> String {
        match self {
            Self::V3 => "/marketing/v3/transactional/single-email/send".to_owned(),
            dated => format!("/marketing/transactional/{dated}/single-email/send"),
        }
    }

    /// Send-status poll; the legacy path on every version (none is dated).
    pub fn send_status_path(self, encoded_status_id: &str) -> String {
        format!("{SEND_STATUS}/{encoded_status_id}")
    }

    /// Legacy profile of one contact (form submissions); the same on every version.
    pub fn legacy_profile_path(self, vid: u64) -> String {
        format!("{LEGACY_PROFILE}/{vid}/profile")
    }

    /// Legacy batch of profiles; the same on every version.
    pub fn legacy_profile_batch_path(self) -> &'static str {
        LEGACY_PROFILE_BATCH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_print_as_configured() {
        for (raw, version) in [
            ("2026-09", ApiVersion::V2026_09),
            ("2026-03", ApiVersion::V2026_03),
            ("v3", ApiVersion::V3),
            (" V3 ", ApiVersion::V3),
        ] {
            assert_eq!(raw.parse::<ApiVersion>(), Ok(version));
        }
        assert_eq!(ApiVersion::default().to_string(), "2026-09");
        let error = "2025-09".parse::<ApiVersion>().expect_err("unknown");
        assert!(error.to_string().contains("`2026-09`, `2026-03` or `v3`"));
    }

    #[test]
    fn paths_follow_the_version_table() {
        let v = ApiVersion::V2026_09;
        assert_eq!(v.contact_path("7"), "/crm/objects/2026-09/contacts/7");
        assert_eq!(
            ApiVersion::V2026_03.batch_read_path(),
            "/crm/objects/2026-03/contacts/batch/read"
        );
        assert_eq!(v.search_path(), "/crm/objects/2026-09/contacts/search");
        assert_eq!(
            v.single_send_path(),
            "/marketing/transactional/2026-09/single-email/send"
        );
        let legacy = ApiVersion::V3;
        assert_eq!(legacy.contact_path("7"), "/crm/v3/objects/contacts/7");
        assert_eq!(
            legacy.batch_read_path(),
            "/crm/v3/objects/contacts/batch/read"
        );
        assert_eq!(legacy.search_path(), "/crm/v3/objects/contacts/search");
        assert_eq!(
            legacy.single_send_path(),
            "/marketing/v3/transactional/single-email/send"
        );
        for version in [ApiVersion::V2026_09, ApiVersion::V3] {
            assert_eq!(
                version.send_status_path("s1"),
                "/marketing/v3/email/send-statuses/s1"
            );
            assert_eq!(
                version.legacy_profile_path(5),
                "/contacts/v1/contact/vid/5/profile"
            );
        }
    }
}
