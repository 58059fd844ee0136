//! CRM reads: a contact by id or email (v3) and its form submissions (legacy v1
//! profile, since v3 does not expose them).

use std::collections::HashMap;

use serde::Deserialize;

use super::client::HubSpotClient;
use super::error::HubSpotError;
use crate::domain::{ContactId, Email};

/// A contact as the CRM v3 API returns it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    #[serde(default)]
    pub properties: HashMap<String, Option<String>>,
    #[serde(default)]
    pub archived: bool,
}

impl Contact {
    /// A property's value, if set.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(|v| v.as_deref())
    }
}

/// One form submission on a contact's legacy profile.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ProfileFormSubmission {
    #[serde(rename = "form-id")]
    pub form_id: String,
    #[serde(rename = "conversion-id", default)]
    pub conversion_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct LegacyProfile {
    #[serde(rename = "form-submissions", default)]
    form_submissions: Vec<ProfileFormSubmission>,
}

impl HubSpotClient {
    /// `GET /crm/v3/objects/contacts/{id}`; `None` while the contact is not (yet) visible.
    pub async fn get_contact(
        &self,
        id: ContactId,
        properties: &[&str],
    ) -> Result<Option<Contact>, HubSpotError> {
        let url = self.api_url(&format!("/crm/v3/objects/contacts/{id}"));
        self.fetch_contact(url, properties, &[]).await
    }

    /// `GET /crm/v3/objects/contacts/{email}?idProperty=email`.
    pub async fn get_contact_by_email(
        &self,
        email: &Email,
        properties: &[&str],
    ) -> Result<Option<Contact>, HubSpotError> {
        let encoded: String =
            url::form_urlencoded::byte_serialize(email.as_str().as_bytes()).collect();
        let url = self.api_url(&format!("/crm/v3/objects/contacts/{encoded}"));
        self.fetch_contact(url, properties, &[("idProperty", "email")])
            .await
    }

    async fn fetch_contact(
        &self,
        url: String,
        properties: &[&str],
        extra: &[(&str, &str)],
    ) -> Result<Option<Contact>, HubSpotError> {
        let props = properties.join(",");
        let mut query: Vec<(&str, &str)> = vec![("archived", "false")];
        if !props.is_empty() {
            query.push(("properties", &props));
        }
        query.extend_from_slice(extra);
        let request = self.authorized(self.http().get(url).query(&query));
        let response = self.execute(request, true).await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Self::json(response).await.map(Some)
    }

    /// The form submissions on a contact (legacy profile); `None` while not visible.
    pub async fn get_form_submissions(
        &self,
        id: ContactId,
    ) -> Result<Option<Vec<ProfileFormSubmission>>, HubSpotError> {
        let url = self.api_url(&format!("/contacts/v1/contact/vid/{id}/profile"));
        let query = [
            ("formSubmissionMode", "all"),
            ("propertyMode", "value_only"),
            ("showListMemberships", "false"),
        ];
        let request = self.authorized(self.http().get(url).query(&query));
        let response = self.execute(request, true).await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let profile: LegacyProfile = Self::json(response).await?;
        Ok(Some(profile.form_submissions))
    }
}
