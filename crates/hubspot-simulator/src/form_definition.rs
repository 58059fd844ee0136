//! The account's forms as the Forms API validates submissions against them:
//! each form's fields and the kind of value each accepts.

use serde::{Deserialize, Serialize};

/// The kind of value a form field accepts; drives HubSpot's field validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    #[default]
    Text,
    /// An email address (`INVALID_EMAIL` when malformed).
    Email,
    /// A number (`INVALID_NUMBER` when not numeric).
    Number,
    /// One of the field's `options` (`VALUE_NOT_IN_FIELD_DEFINITION` otherwise).
    Enumeration,
}

/// One field of a form definition: a contact property the form may set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// The contact property's internal name (`email`, `firstname`, ...).
    pub name: String,
    /// Whether a submission must include it (`REQUIRED_FIELD`).
    #[serde(default)]
    pub required: bool,
    /// How its value is validated.
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    /// The allowed values of an enumeration field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl FormField {
    /// An optional text field.
    pub fn text(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            required: false,
            kind: FieldKind::Text,
            options: Vec::new(),
        }
    }

    /// A required email field.
    pub fn email(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            required: true,
            kind: FieldKind::Email,
            options: Vec::new(),
        }
    }

    /// Marks the field as required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
}

/// A HubSpot form as the account defines it: the Forms API validates
/// submissions against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// The form's GUID, as used in the submit URL.
    pub guid: String,
    /// The form's name (page title default of `form-submissions[].title`).
    pub name: String,
    /// The fields the form defines.
    pub fields: Vec<FormField>,
    /// Returned as `inlineMessage` on success.
    #[serde(default)]
    pub inline_message: Option<String>,
    /// Returned as `redirectUri` on success.
    #[serde(default)]
    pub redirect_uri: Option<String>,
}

/// The GUID of the signup form every default configuration defines.
pub const DEFAULT_FORM_GUID: &str = "0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9";

impl Default for FormDefinition {
    fn default() -> Self {
        Self {
            guid: DEFAULT_FORM_GUID.to_owned(),
            name: "Signup".to_owned(),
            fields: vec![
                FormField::email("email"),
                FormField::text("firstname"),
                FormField::text("lastname"),
                FormField::text("company"),
            ],
            inline_message: Some("Thanks for submitting the form.".to_owned()),
            redirect_uri: None,
        }
    }
}
