//! Form submissions on contacts, from the legacy v1 contact profiles: no
//! dated endpoint returns a contact's form submissions, so these paths stay
//! the same on every API version (HubSpot stops supporting v1 in September
//! 2027).

use std::collections::HashMap;

use serde::Deserialize;

use super::batch::MAX_BATCH_INPUTS;
use super::client::HubSpotClient;
use super::error::HubSpotError;
use crate::domain::ContactId;

/// One form submission on a contact's legacy profile.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ProfileFormSubmission {
    #[serde(rename = "form-id")]
    pub form_id: String,
    #[serde(rename = "conversion-id", default)]
    pub conversion_id: Option<String>,
    /// When HubSpot recorded the submission, in ms.
    #[serde(default)]
    pub timestamp: Option<u64>,
}

/// One contact of the legacy answer, read leniently: each form submission
/// is parsed on its own, and one without a `form-id` (or otherwise not as
/// documented) is left out, never the contact nor the batch.
#[derive(Debug, Deserialize)]
struct LegacyProfile {
    #[serde(
        rename = "form-submissions",
        default,
        deserialize_with = "super::lenient::list"
    )]
    form_submissions: Vec<ProfileFormSubmission>,
    /// `{name: {value, versions}}`; only `email` is read.
    #[serde(default)]
    properties: serde_json::Map<String, serde_json::Value>,
}

/// What the reactor reads of a contact's legacy profile: its address (to
/// make sure a contact id named by an event is the signup's contact) and its
/// form submissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactProfile {
    /// The `email` property's value, when the profile carries it.
    pub email: Option<String>,
    pub form_submissions: Vec<ProfileFormSubmission>,
}

impl From<LegacyProfile> for ContactProfile {
    fn from(profile: LegacyProfile) -> Self {
        let email = profile
            .properties
            .get("email")
            .and_then(|p| p.get("value"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        Self {
            email,
            form_submissions: profile.form_submissions,
        }
    }
}

/// Asks for every submission and leaves out what the reactor does not read.
const PROFILE_QUERY: [(&str, &str); 3] = [
    ("formSubmissionMode", "all"),
    ("propertyMode", "value_only"),
    ("showListMemberships", "false"),
];

impl HubSpotClient {
    /// The form submissions on one contact (legacy profile); `None` while not visible.
    pub async fn get_form_submissions(
        &self,
        id: ContactId,
    ) -> Result<Option<Vec<ProfileFormSubmission>>, HubSpotError> {
        let url = self.api_url(&self.api_version().legacy_profile_path(id.get()));
        let request = self.authorized(self.http().get(url).query(&PROFILE_QUERY));
        let response = self.execute(request, true).await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let profile: LegacyProfile = Self::json(response).await?;
        Ok(Some(profile.form_submissions))
    }

    /// The form submissions on up to [`MAX_BATCH_INPUTS`] contacts in one
    /// call (`GET /contacts/v1/contact/vids/batch/?vid=…`). Contacts that do
    /// not exist or are not visible yet are simply absent from the map, as
    /// HubSpot leaves them out of its answer.
    pub async fn batch_form_submissions(
        &self,
        ids: &[ContactId],
    ) -> Result<HashMap<ContactId, Vec<ProfileFormSubmission>>, HubSpotError> {
        Ok(self
            .batch_profiles(ids)
            .await?
            .into_iter()
            .map(|(id, profile)| (id, profile.form_submissions))
            .collect())
    }

    /// [`Self::batch_form_submissions`] with each contact's address too.
    pub async fn batch_profiles(
        &self,
        ids: &[ContactId],
    ) -> Result<HashMap<ContactId, ContactProfile>, HubSpotError> {
        let mut vids: Vec<u64> = ids.iter().map(|id| id.get()).collect();
        vids.sort_unstable();
        vids.dedup();
        if vids.len() > MAX_BATCH_INPUTS {
            return Err(HubSpotError::TooManyInputs {
                given: vids.len(),
                max: MAX_BATCH_INPUTS,
            });
        }
        if vids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut query: Vec<(&str, String)> =
            vids.iter().map(|vid| ("vid", vid.to_string())).collect();
        query.extend(PROFILE_QUERY.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let url = self.api_url(self.api_version().legacy_profile_batch_path());
        let request = self.authorized(self.http().get(url).query(&query));
        let response = self.execute(request, false).await?;
        let profiles: HashMap<String, serde_json::Value> = Self::json(response).await?;
        Ok(by_contact(profiles))
    }
}

/// Keys the answer by contact id; keys that are not ids, and contacts whose
/// entry is not as documented, are left out (those contacts read as not
/// visible yet), never the whole answer.
fn by_contact(profiles: HashMap<String, serde_json::Value>) -> HashMap<ContactId, ContactProfile> {
    profiles
        .into_iter()
        .filter_map(|(vid, raw)| {
            let id = ContactId::parse(&vid).ok()?;
            match serde_json::from_value::<LegacyProfile>(raw) {
                Ok(profile) => Some((id, profile.into())),
                Err(error) => {
                    tracing::warn!(contact_id = %id, error = %error, "a legacy profile not as documented is skipped");
                    None
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_answer_is_keyed_by_contact() {
        let raw = serde_json::json!({
            "101": {"vid": 101, "properties": {"email": {"value": "pat@example.com", "versions": []}},
                "form-submissions": [
                {"form-id": "f1", "conversion-id": "c1", "timestamp": 1700000000000u64}]},
            "102": {"vid": 102},
            "junk": {"vid": 0}
        });
        let profiles: HashMap<String, serde_json::Value> =
            serde_json::from_value(raw).expect("parse");
        let map = by_contact(profiles);
        assert_eq!(map.len(), 2);
        let first = ContactId::new(101).expect("id");
        assert_eq!(map[&first].email.as_deref(), Some("pat@example.com"));
        assert_eq!(map[&first].form_submissions[0].form_id, "f1");
        assert_eq!(
            map[&first].form_submissions[0].timestamp,
            Some(1_700_000_000_000)
        );
        let second = &map[&ContactId::new(102).expect("id")];
        assert!(second.form_submissions.is_empty());
        assert_eq!(second.email, None);
    }

    #[test]
    fn a_malformed_entry_affects_only_itself() {
        let raw = serde_json::json!({
            "201": {"properties": {"email": {"value": "a@example.com"}}, "form-submissions": [
                {"conversion-id": "no form id", "timestamp": 5},
                {"form-id": "f1", "timestamp": 6},
                "not an object"]},
            "202": {"form-submissions": "not a list", "properties": {"email": {"value": "b@example.com"}}},
            "203": {"properties": "not a map"},
            "204": {"properties": {"email": {"value": "d@example.com"}}}
        });
        let map = by_contact(serde_json::from_value(raw).expect("parse"));
        let id = |n| ContactId::new(n).expect("id");
        let first = &map[&id(201)];
        assert_eq!(first.form_submissions.len(), 1, "{first:?}");
        assert_eq!(first.form_submissions[0].form_id, "f1");
        assert!(map[&id(202)].form_submissions.is_empty());
        assert_eq!(map[&id(202)].email.as_deref(), Some("b@example.com"));
        assert!(
            !map.contains_key(&id(203)),
            "an entry not as documented is left out"
        );
        assert_eq!(map[&id(204)].email.as_deref(), Some("d@example.com"));
    }
}
