//! CRM reads of single contacts on the configured API version, and the
//! contact type every CRM read returns. Batch reads live in `batch.rs`, the
//! legacy form-submission profiles in `profiles.rs`.

use std::collections::HashMap;

use serde::Deserialize;

use super::client::HubSpotClient;
use super::error::HubSpotError;
use crate::domain::{ContactId, Email};

pub use super::batch::{BatchItemError, BatchRead, MAX_BATCH_INPUTS};
pub use super::form_property::{
    CALCULATED_FORM_SUBMISSIONS, CalculatedSubmission, parse_calculated_form_submissions,
};
pub use super::profiles::{ContactProfile, ProfileFormSubmission};

/// A contact as the CRM objects API returns it (the same shape on every version).
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

    /// The contact's id as a typed id, when HubSpot gave a valid one.
    pub fn contact_id(&self) -> Option<ContactId> {
        ContactId::parse(&self.id).ok()
    }
}

impl HubSpotClient {
    /// `GET …/contacts/{id}`; `None` while the contact is not (yet) visible.
    pub async fn get_contact(
        &self,
        id: ContactId,
        properties: &[&str],
    ) -> Result<Option<Contact>, HubSpotError> {
        let url = self.api_url(&self.api_version().contact_path(&id.to_string()));
        let props = properties.join(",");
        let mut query: Vec<(&str, &str)> = vec![("archived", "false")];
        if !props.is_empty() {
            query.push(("properties", &props));
        }
        let request = self.authorized(self.http().get(url).query(&query));
        let response = self.execute(request, true).await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Self::json(response).await.map(Some)
    }

    /// The contact with this email; `None` while none is visible. A batch read
    /// with `idProperty=email`, so that the address travels in the request
    /// body and never in a URL (URLs end up in logs and error messages).
    pub async fn get_contact_by_email(
        &self,
        email: &Email,
        properties: &[&str],
    ) -> Result<Option<Contact>, HubSpotError> {
        let ids = [email.as_str().to_owned()];
        let read = self
            .batch_read_contacts(&ids, Some("email"), properties)
            .await?;
        Ok(read.results.into_iter().next())
    }
}
