//! The Forms submit API: validation with HubSpot's `errorType`s, then the
//! accepted submission handed to its asynchronous processing.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::clock::now_ms;
use super::config::{FieldKind, FormDefinition};
use super::contacts::FormApplication;
use super::errors::{self, FormError};
use super::faults::Endpoint;
use super::form_processing::schedule_processing;
use super::gate::{self, Credential};
use super::shared::Shared;
use super::state::SubmissionRecord;
use crate::email::Email;

/// Most values one submission may carry.
const MAX_FIELDS: usize = 1000;
/// Longest value of a single field.
const MAX_VALUE_LEN: usize = 65_536;
/// The context keys HubSpot knows; others are `INVALID_METADATA`.
const CONTEXT_KEYS: [&str; 7] = [
    "hutk",
    "ipAddress",
    "pageUri",
    "pageName",
    "pageId",
    "sfdcCampaignId",
    "goToWebinarWebinarKey",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubmitBody {
    #[serde(default)]
    fields: Vec<FieldValue>,
    #[serde(default)]
    context: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    legal_consent_options: Option<Value>,
    #[serde(default)]
    submitted_at: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct FieldValue {
    name: String,
    #[serde(default)]
    value: Value,
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn field_error(name: &str, error_type: &'static str, detail: &str) -> FormError {
    FormError {
        message: format!("Error in 'fields.{name}'. {detail}"),
        error_type,
    }
}

fn context_error(key: &str, error_type: &'static str) -> FormError {
    FormError {
        message: format!("Error in 'context.{key}'. The value is invalid"),
        error_type,
    }
}

/// Validates a submission against its form; an empty list means accepted.
fn validate(form: &FormDefinition, body: &SubmitBody, secure: bool) -> Vec<FormError> {
    if body.fields.len() > MAX_FIELDS {
        return vec![FormError {
            message: format!("More than {MAX_FIELDS} fields were submitted"),
            error_type: "MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED",
        }];
    }
    let mut errors = Vec::new();
    for field in &body.fields {
        let value = as_text(&field.value);
        let definition = form.fields.iter().find(|f| f.name == field.name);
        if definition.is_none() && !secure {
            errors.push(field_error(
                &field.name,
                "FIELD_NOT_IN_FORM_DEFINITION",
                "This field was not defined in the form definition",
            ));
            continue;
        }
        if value.len() > MAX_VALUE_LEN {
            errors.push(field_error(
                &field.name,
                "INPUT_TOO_LARGE",
                "Input too large",
            ));
            continue;
        }
        let kind = definition.map_or(FieldKind::Text, |f| f.kind);
        let is_email = kind == FieldKind::Email || field.name == "email";
        if is_email && !value.is_empty() && Email::parse(&value).is_err() {
            errors.push(field_error(
                &field.name,
                "INVALID_EMAIL",
                "Invalid email address",
            ));
        } else if kind == FieldKind::Number && !value.is_empty() && value.parse::<f64>().is_err() {
            errors.push(field_error(&field.name, "INVALID_NUMBER", "Invalid number"));
        } else if kind == FieldKind::Enumeration && !value.is_empty() {
            let options = definition.map(|f| f.options.as_slice()).unwrap_or_default();
            if !value.split(';').all(|v| options.iter().any(|o| o == v)) {
                errors.push(field_error(
                    &field.name,
                    "VALUE_NOT_IN_FIELD_DEFINITION",
                    "The value is not one of the field's options",
                ));
            }
        }
    }
    for required in form.fields.iter().filter(|f| f.required) {
        let given = body
            .fields
            .iter()
            .any(|f| f.name == required.name && !as_text(&f.value).trim().is_empty());
        if !given {
            let detail = format!("Required field '{}' is missing", required.name);
            errors.push(field_error(&required.name, "REQUIRED_FIELD", &detail));
        }
    }
    if let Some(context) = &body.context {
        validate_context(context, &mut errors);
    }
    if let Some(options) = &body.legal_consent_options {
        let both = options.get("consent").is_some() && options.get("legitimateInterest").is_some();
        let empty = options.as_object().is_none_or(|o| o.is_empty());
        if both || empty {
            errors.push(FormError {
                message: "Error in 'legalConsentOptions'. Invalid format".to_owned(),
                error_type: "INVALID_LEGAL_OPTION_FORMAT",
            });
        }
    }
    errors
}

fn validate_context(context: &serde_json::Map<String, Value>, errors: &mut Vec<FormError>) {
    for key in context.keys() {
        if !CONTEXT_KEYS.contains(&key.as_str()) {
            errors.push(context_error(key, "INVALID_METADATA"));
        }
    }
    let text = |key: &str| context.get(key).map(as_text);
    if let Some(hutk) = text("hutk")
        && (hutk.len() != 32 || !hutk.chars().all(|c| c.is_ascii_hexdigit()))
    {
        errors.push(context_error("hutk", "INVALID_HUTK"));
    }
    if let Some(ip) = text("ipAddress")
        && ip.parse::<IpAddr>().is_err()
    {
        errors.push(context_error("ipAddress", "INVALID_IP_ADDRESS"));
    }
    if let Some(uri) = text("pageUri") {
        let ok = url::Url::parse(&uri).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            errors.push(context_error("pageUri", "INVALID_PAGE_URI"));
        }
    }
    if let Some(key) = text("goToWebinarWebinarKey")
        && (key.is_empty() || !key.chars().all(|c| c.is_ascii_digit()))
    {
        let error_type = "INVALID_GOTOWEBINAR_WEBINAR_KEY";
        errors.push(context_error("goToWebinarWebinarKey", error_type));
    }
}

/// `POST /submissions/v3/integration/submit/{portalId}/{formGuid}` (no auth).
pub async fn submit(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    handle(shared.into_inner(), request, path.into_inner(), body, false).await
}

/// `POST /submissions/v3/integration/secure/submit/{portalId}/{formGuid}` (Bearer).
pub async fn secure_submit(
    shared: web::Data<Shared>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    handle(shared.into_inner(), request, path.into_inner(), body, true).await
}

async fn handle(
    shared: Arc<Shared>,
    request: HttpRequest,
    (portal, guid): (String, String),
    body: web::Bytes,
    secure: bool,
) -> HttpResponse {
    let credential = if secure {
        Credential::Bearer
    } else {
        Credential::None
    };
    if let Err(refused) = gate::admit(&shared, &request, Endpoint::FormsSubmit, credential).await {
        return refused.error_response();
    }
    let form = match shared.config.form(&guid) {
        Some(form) if portal == shared.config.portal_id.to_string() => form.clone(),
        _ => return errors::form_not_found(&guid),
    };
    let body: SubmitBody = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(error) => return errors::validation(&format!("Invalid input JSON: {error}")),
    };
    let problems = validate(&form, &body, secure);
    if !problems.is_empty() {
        return errors::forms_invalid(&problems);
    }
    let application = to_application(form, &body);
    let mut response = json!({});
    if let Some(message) = &application.form.inline_message {
        response["inlineMessage"] = json!(message);
    }
    if let Some(uri) = &application.form.redirect_uri {
        response["redirectUri"] = json!(uri);
    }
    shared.lock().submissions.push(SubmissionRecord {
        conversion_id: application.conversion_id.clone(),
        form_guid: application.form.guid.clone(),
        email: application.email.clone(),
        secure,
        accepted_at: now_ms(),
        processed_at: None,
        contact_id: None,
        readable_at: None,
    });
    schedule_processing(shared, application);
    HttpResponse::Ok().json(response)
}

fn to_application(form: FormDefinition, body: &SubmitBody) -> FormApplication {
    let context = body.context.clone().unwrap_or_default();
    let text = |key: &str| context.get(key).map(as_text).filter(|v| !v.is_empty());
    let fields: Vec<(String, String)> = body
        .fields
        .iter()
        .map(|f| (f.name.clone(), as_text(&f.value)))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let email = fields
        .iter()
        .find(|(name, _)| name == "email")
        .and_then(|(_, value)| Email::parse(value).ok())
        .map(|email| email.as_str().to_owned());
    let submitted_at = body
        .submitted_at
        .as_ref()
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
        .unwrap_or_else(now_ms);
    FormApplication {
        form,
        conversion_id: Shared::uuid(),
        email,
        fields,
        hutk: text("hutk"),
        page_uri: text("pageUri"),
        page_name: text("pageName"),
        submitted_at,
    }
}
