//! The Forms API submit call: the only way the reactor creates or updates a contact.

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::error::HubSpotError;
use crate::domain::PortalId;

/// One submitted field (`objectTypeId` `0-1` is the contact object).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub object_type_id: &'static str,
    pub name: String,
    pub value: String,
}

impl FormField {
    /// A contact property field.
    pub fn contact(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            object_type_id: "0-1",
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The visitor's context, which attributes the contact to their session.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FormContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hutk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_name: Option<String>,
}

/// A submission to one form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FormSubmission {
    pub fields: Vec<FormField>,
    pub context: FormContext,
    /// Milliseconds; keeps the original time when a queued submission is retried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<u64>,
}

/// HubSpot's answer to an accepted submission.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FormAccepted {
    pub redirect_uri: Option<String>,
    pub inline_message: Option<String>,
}

/// One validation error of a rejected submission.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FormFieldError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub error_type: String,
}

#[derive(Debug, Deserialize)]
struct RejectionBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "correlationId")]
    correlation_id: Option<String>,
    #[serde(default)]
    errors: Vec<FormFieldError>,
}

/// Why a submission did not go through.
#[derive(Debug, thiserror::Error)]
pub enum FormsError {
    /// 400: HubSpot refused the data itself; resubmitting it will not help.
    #[error("HubSpot rejected the submission: {}", summary(.errors))]
    Rejected {
        message: Option<String>,
        errors: Vec<FormFieldError>,
        /// HubSpot's correlationId of the refusal, when its body has one.
        correlation_id: Option<String>,
    },
    /// Anything else (429, 5xx, network, credentials, unknown form).
    #[error(transparent)]
    Api(#[from] HubSpotError),
}

fn summary(errors: &[FormFieldError]) -> String {
    let types: Vec<&str> = errors.iter().map(|e| e.error_type.as_str()).collect();
    types.join(", ")
}

impl HubSpotClient {
    /// Submits to `integration/submit` (or `integration/secure/submit` with the
    /// access token when `authenticated`).
    pub async fn submit_form(
        &self,
        portal_id: PortalId,
        form_guid: &str,
        authenticated: bool,
        submission: &FormSubmission,
    ) -> Result<FormAccepted, FormsError> {
        let variant = if authenticated {
            "secure/submit"
        } else {
            "submit"
        };
        let url = self.forms_url(&format!(
            "/submissions/v3/integration/{variant}/{portal_id}/{form_guid}"
        ));
        let mut request = self.http().post(url).json(submission);
        if authenticated {
            request = self.authorized(request);
        }
        let response = request.send().await.map_err(HubSpotError::from_transport)?;
        if response.status() == reqwest::StatusCode::BAD_REQUEST {
            let bytes = response
                .bytes()
                .await
                .map_err(HubSpotError::from_transport)?;
            let body: RejectionBody =
                serde_json::from_slice(&bytes).map_err(HubSpotError::Decode)?;
            return Err(FormsError::Rejected {
                message: body.message,
                errors: body.errors,
                correlation_id: body.correlation_id,
            });
        }
        if !response.status().is_success() {
            return Err(self.classify(response).await.into());
        }
        // Any 2xx is a submission HubSpot took: re-posting it would submit it
        // again. The body is informational only, so it is read leniently.
        let body = response.bytes().await.unwrap_or_default();
        Ok(accepted_from(&body))
    }
}

/// HubSpot's `{redirectUri?, inlineMessage?}`, or nothing from a body that is
/// not that object (empty, `OK`, `[]`, a proxy's HTML page).
fn accepted_from(body: &[u8]) -> FormAccepted {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .filter(serde_json::Value::is_object)
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_else(|| {
            tracing::debug!(bytes = body.len(), "Forms API 2xx without its JSON body");
            FormAccepted::default()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_success_body_is_read_leniently() {
        let accepted = accepted_from(br#"{"inlineMessage":"Thanks","redirectUri":null}"#);
        assert_eq!(accepted.inline_message.as_deref(), Some("Thanks"));
        for body in [
            &b""[..],
            b"OK",
            b"[]",
            b"<html><body>Thanks</body></html>",
            br#"{"inlineMessage":7}"#,
        ] {
            assert_eq!(accepted_from(body), FormAccepted::default());
        }
    }

    #[test]
    fn submission_serialises_as_the_forms_api_expects() {
        let submission = FormSubmission {
            fields: vec![FormField::contact("email", "ann@example.com")],
            context: FormContext {
                hutk: Some("abc".into()),
                page_uri: Some("https://example.com/signup".into()),
                ..FormContext::default()
            },
            submitted_at: None,
        };
        let json = serde_json::to_value(&submission).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({
                "fields": [{"objectTypeId": "0-1", "name": "email", "value": "ann@example.com"}],
                "context": {"hutk": "abc", "pageUri": "https://example.com/signup"}
            })
        );
    }
}
