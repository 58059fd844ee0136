//! The OpenAPI schemas of the signup body's free-form parts (`email`,
//! `fields`, `context`, `emailCustomProperties`), whose rules live in
//! validation code rather than in their Rust types.
//!
//! Each schema states only rules the validation enforces (the same limits,
//! counted in characters where the code counts bytes, which is looser): a body
//! the reactor accepts always matches the document. What the schema cannot say
//! (an address's syntax, a URL that parses, an IP address) is checked by the
//! reactor and refused with 422.

use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ObjectBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{RefOr, schema::Object};

use super::limits::{
    MAX_CUSTOM_PROPERTIES, MAX_FIELDS, MAX_HUTK_LEN, MAX_NAME_LEN, MAX_PAGE_NAME_LEN,
    MAX_PAGE_URI_LEN, MAX_VALUE_LEN,
};

/// No control character (Unicode category Cc), as the validation requires.
const NO_CONTROL: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// Controls and Unicode White_Space (Rust's `char::is_whitespace`, which a
/// regex's `\s` does not match exactly): none may be in a page URI.
const NOT_IN_URI: &str =
    "\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn nullable_string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// `email`: the contact's address.
pub fn email() -> impl Into<RefOr<Schema>> {
    string()
        .description(Some(
            "The contact's address: local@domain, trimmed and lower-cased, an \
             internationalised domain turned to ASCII, at most 254 characters then; \
             no invisible formatting characters and none of <>(),;:\\\"[] in the local part \
             (INVALID_EMAIL otherwise).",
        ))
        .examples(["ann.lee@example.com"])
}

/// `fields`: the form's other fields, by HubSpot internal property name.
pub fn fields() -> impl Into<RefOr<Schema>> {
    let value = AnyOfBuilder::new()
        .item(string().max_length(Some(MAX_VALUE_LEN)))
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .description(Some(
            "A string, or a number or boolean passed on exactly as written \
             (INVALID_VALUE otherwise; INPUT_TOO_LARGE over 65536 bytes).",
        ));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            string()
                .pattern(Some(format!("^[a-z0-9_]{{1,{MAX_NAME_LEN}}}$")))
                .build(),
        ))
        .max_properties(Some(MAX_FIELDS))
        .additional_properties(Some(AdditionalProperties::RefOr(RefOr::T(Schema::AnyOf(
            value.build(),
        )))))
        .description(Some(
            "Form fields besides email, by HubSpot internal property name \
             (a-z, 0-9, _; INVALID_FIELD_NAME otherwise), at most 999 \
             (MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED). An `email` field must \
             equal the top-level email.",
        ))
        .examples([serde_json::json!({"firstname": "Ann", "company": "Acme"})])
}

fn context_entry(description: &str, max_len: usize) -> Object {
    nullable_string()
        .min_length(Some(1))
        .max_length(Some(max_len))
        .pattern(Some(NO_CONTROL))
        .description(Some(description))
        .build()
}

/// `context`: the visitor's session, which attributes the contact.
pub fn context() -> impl Into<RefOr<Schema>> {
    let hutk = "The hubspotutk cookie's value (INVALID_HUTK otherwise). Give hutk or hubspotutk, not both.";
    let page_uri = "The page's absolute http(s) URL, no whitespace (INVALID_PAGE_URI otherwise). \
                    Give pageUri or pageUrl, not both.";
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("hutk", context_entry(hutk, MAX_HUTK_LEN))
        .property("hubspotutk", context_entry(hutk, MAX_HUTK_LEN))
        .property(
            "ipAddress",
            nullable_string()
                .min_length(Some(2))
                .max_length(Some(45))
                .pattern(Some("^[0-9A-Fa-f:.]*$"))
                .description(Some(
                    "The visitor's IPv4 or IPv6 address (INVALID_IP_ADDRESS otherwise).",
                ))
                .build(),
        )
        .property("pageUri", page_uri_entry(page_uri))
        .property("pageUrl", page_uri_entry(page_uri))
        .property(
            "pageName",
            nullable_string()
                .max_length(Some(MAX_PAGE_NAME_LEN))
                .pattern(Some(NO_CONTROL))
                .description(Some("The page's title (INVALID_METADATA otherwise)."))
                .build(),
        )
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
        .description(Some(
            "The Forms API's context; null is the same as absent; an unknown key \
             is refused (INVALID_CONTEXT) rather than dropped.",
        ))
        .examples([serde_json::json!({
            "hutk": "0123456789abcdef0123456789abcdef",
            "ipAddress": "203.0.113.7",
            "pageUri": "https://app.example.com/signup",
            "pageName": "Create your account"
        })])
}

fn page_uri_entry(description: &str) -> Object {
    nullable_string()
        .max_length(Some(MAX_PAGE_URI_LEN))
        .pattern(Some(format!("^[Hh][Tt][Tt][Pp][Ss]?:[^{NOT_IN_URI}]*$")))
        .description(Some(description))
        .build()
}

/// `emailCustomProperties`: the verification email's template variables.
pub fn email_custom_properties() -> impl Into<RefOr<Schema>> {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(
            string()
                .min_length(Some(1))
                .max_length(Some(MAX_NAME_LEN))
                .build(),
        ))
        .max_properties(Some(MAX_CUSTOM_PROPERTIES))
        .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
        .description(Some(
            "Template variables of the verification email, passed to Single Send \
             as given: at most 100, names of 1 to 100 characters, 16 KiB in all \
             (INVALID_CUSTOM_PROPERTIES); a number that would not arrive exactly as \
             written is refused (INVALID_NUMBER): send it as a string.",
        ))
        .examples([serde_json::json!({"verify_url": "https://app.example.com/verify?t=abc"})])
}

#[cfg(test)]
#[path = "request_schema_tests.rs"]
mod tests;
