//! The body of `POST /v1/signups`, and its validation into a [`ValidSignup`].

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use utoipa::ToSchema;

use super::context::parse_context;
use super::field_problem::FieldProblem;
use super::limits::{
    MAX_CUSTOM_PROPERTIES, MAX_CUSTOM_PROPERTIES_BYTES, MAX_FIELDS, MAX_HUTK_LEN, MAX_NAME_LEN,
    MAX_PAGE_NAME_LEN, MAX_PAGE_URI_LEN, MAX_VALUE_LEN,
};
use super::raw_values::{exact_value, field_text};
use super::request_schema;
use crate::domain::{Email, SignupContext};

/// The request body as sent; values stay raw JSON text until validated, so
/// that numbers reach HubSpot exactly as given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignupRequest {
    #[schema(schema_with = request_schema::email)]
    pub email: String,
    #[serde(default)]
    #[schema(schema_with = request_schema::fields)]
    pub fields: BTreeMap<String, Box<RawValue>>,
    #[serde(default)]
    #[schema(schema_with = request_schema::context)]
    pub context: BTreeMap<String, Box<RawValue>>,
    #[serde(default)]
    #[schema(schema_with = request_schema::email_custom_properties)]
    pub email_custom_properties: BTreeMap<String, Box<RawValue>>,
}

/// A request that passed validation.
#[derive(Debug, Clone)]
pub struct ValidSignup {
    pub email: Email,
    pub fields: BTreeMap<String, String>,
    pub context: SignupContext,
    pub email_custom_properties: BTreeMap<String, Value>,
}

impl SignupRequest {
    /// Checks every part and reports every problem at once.
    pub fn validate(self) -> Result<ValidSignup, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let email = Email::parse(&self.email)
            .map_err(|e| problems.push(FieldProblem::new("email", "INVALID_EMAIL", e.to_string())))
            .ok();
        let fields = validate_fields(self.fields, email.as_ref(), &mut problems);
        let context = parse_context(&self.context, &mut problems);
        validate_context(&context, &mut problems);
        let email_custom_properties =
            exact_custom_properties(self.email_custom_properties, &mut problems);
        validate_custom_properties(&email_custom_properties, &mut problems);
        match email {
            Some(email) if problems.is_empty() => Ok(ValidSignup {
                email,
                fields,
                context,
                email_custom_properties,
            }),
            _ => Err(problems),
        }
    }
}

/// HubSpot internal property names: lowercase letters, digits and underscores.
fn valid_property_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn validate_fields(
    raw: BTreeMap<String, Box<RawValue>>,
    email: Option<&Email>,
    problems: &mut Vec<FieldProblem>,
) -> BTreeMap<String, String> {
    if raw.len() > MAX_FIELDS {
        problems.push(FieldProblem::new(
            "fields",
            "MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED",
            format!("at most {MAX_FIELDS} fields"),
        ));
    }
    let mut fields = BTreeMap::new();
    for (name, value) in raw {
        let at = format!("fields.{name}");
        if !valid_property_name(&name) {
            problems.push(FieldProblem::new(
                at,
                "INVALID_FIELD_NAME",
                "field names are HubSpot internal property names: a-z, 0-9, _",
            ));
            continue;
        }
        let value = match field_text(&value) {
            Some(text) => text,
            None => {
                problems.push(FieldProblem::new(
                    at,
                    "INVALID_VALUE",
                    "value must be a string, number or boolean",
                ));
                continue;
            }
        };
        if value.len() > MAX_VALUE_LEN {
            problems.push(FieldProblem::new(
                at,
                "INPUT_TOO_LARGE",
                format!("value longer than {MAX_VALUE_LEN} bytes"),
            ));
            continue;
        }
        if name == "email" {
            let same = email.is_some_and(|e| Email::parse(&value).is_ok_and(|v| &v == e));
            if !same {
                problems.push(FieldProblem::new(
                    at,
                    "INVALID_EMAIL",
                    "differs from the top-level email",
                ));
            }
            continue;
        }
        fields.insert(name, value);
    }
    fields
}

fn validate_context(context: &SignupContext, problems: &mut Vec<FieldProblem>) {
    let text_ok = |v: &str, max: usize| v.len() <= max && !v.chars().any(char::is_control);
    if context
        .hutk
        .as_deref()
        .is_some_and(|v| !text_ok(v, MAX_HUTK_LEN) || v.is_empty())
    {
        problems.push(FieldProblem::new(
            "context.hutk",
            "INVALID_HUTK",
            "expected the hubspotutk cookie value",
        ));
    }
    if context
        .ip_address
        .as_deref()
        .is_some_and(|v| v.parse::<IpAddr>().is_err())
    {
        problems.push(FieldProblem::new(
            "context.ipAddress",
            "INVALID_IP_ADDRESS",
            "expected an IPv4 or IPv6 address",
        ));
    }
    // The URL parser would drop whitespace and controls (or encode them):
    // such a value is refused rather than submitted as something else.
    let uri_ok = |v: &str| {
        v.len() <= MAX_PAGE_URI_LEN
            && !v.chars().any(|c| c.is_whitespace() || c.is_control())
            && url::Url::parse(v).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    };
    if context.page_uri.as_deref().is_some_and(|v| !uri_ok(v)) {
        problems.push(FieldProblem::new(
            "context.pageUri",
            "INVALID_PAGE_URI",
            "expected an absolute http(s) URL",
        ));
    }
    if context
        .page_name
        .as_deref()
        .is_some_and(|v| !text_ok(v, MAX_PAGE_NAME_LEN))
    {
        problems.push(FieldProblem::new(
            "context.pageName",
            "INVALID_METADATA",
            "at most 512 characters, no control characters",
        ));
    }
}

/// The email's template variables as JSON values, refusing numbers that would
/// not arrive exactly as sent.
fn exact_custom_properties(
    raw: BTreeMap<String, Box<RawValue>>,
    problems: &mut Vec<FieldProblem>,
) -> BTreeMap<String, Value> {
    let mut properties = BTreeMap::new();
    for (name, value) in raw {
        match exact_value(&value) {
            Ok(value) => {
                properties.insert(name, value);
            }
            Err(()) => problems.push(FieldProblem::new(
                format!("emailCustomProperties.{name}"),
                "INVALID_NUMBER",
                "this number cannot be passed on exactly as written; send it as a string",
            )),
        }
    }
    properties
}

fn validate_custom_properties(
    properties: &BTreeMap<String, Value>,
    problems: &mut Vec<FieldProblem>,
) {
    if properties.len() > MAX_CUSTOM_PROPERTIES {
        let message = format!("at most {MAX_CUSTOM_PROPERTIES} properties");
        problems.push(FieldProblem::new(
            "emailCustomProperties",
            "INVALID_CUSTOM_PROPERTIES",
            message,
        ));
    }
    if properties
        .keys()
        .any(|k| k.is_empty() || k.len() > MAX_NAME_LEN)
    {
        problems.push(FieldProblem::new(
            "emailCustomProperties",
            "INVALID_CUSTOM_PROPERTIES",
            "names must be 1 to 100 characters",
        ));
    }
    let size = serde_json::to_string(properties)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > MAX_CUSTOM_PROPERTIES_BYTES {
        let message = format!("larger than {MAX_CUSTOM_PROPERTIES_BYTES} bytes");
        problems.push(FieldProblem::new(
            "emailCustomProperties",
            "INVALID_CUSTOM_PROPERTIES",
            message,
        ));
    }
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
