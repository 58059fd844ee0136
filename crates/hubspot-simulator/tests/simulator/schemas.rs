//! Validation against the HubSpot shapes: always the project's own schemas
//! (`schemas/` in this crate), and HubSpot's official OpenAPI spec of the same
//! name as well when `HUBSPOT_OPENAPI_DIR` names a folder holding them.

use std::path::PathBuf;

use serde_json::{Value, json};

/// The folder of HubSpot's official specs, when the environment names one.
pub fn official_dir() -> Option<PathBuf> {
    std::env::var_os("HUBSPOT_OPENAPI_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
}

/// Reads a JSON document, naming the file on failure.
pub fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The project's own schema document `name` (e.g. `crm-contacts-v3`).
pub fn own_document(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("schemas/{name}.json"));
    read_json(&path)
}

/// Validates JSON against the component schemas of one HubSpot API.
pub struct Spec {
    name: String,
    own: Value,
    official: Option<Value>,
}

impl Spec {
    /// The own schemas `schemas/<name>.json`, plus the official
    /// `$HUBSPOT_OPENAPI_DIR/<name>.json` when that variable is set.
    pub fn load(name: &str) -> Self {
        let official = official_dir().map(|dir| read_json(&dir.join(format!("{name}.json"))));
        Self {
            name: name.to_owned(),
            own: own_document(name),
            official,
        }
    }

    fn validate_with(&self, schema: &str, instance: &Value, strict: bool) {
        let documents = std::iter::once(("own", &self.own)).chain(
            self.official
                .as_ref()
                .map(|official| ("official", official)),
        );
        for (origin, document) in documents {
            let errors = validate_component(document, schema, instance, strict);
            assert!(
                errors.is_empty(),
                "{origin} {}#{schema} rejects {instance}: {errors:?}",
                self.name
            );
        }
    }

    /// Fields the schema does not declare are allowed (HubSpot adds some).
    pub fn validate(&self, schema: &str, instance: &Value) {
        self.validate_with(schema, instance, false);
    }

    /// Fields the schema does not declare are rejected.
    pub fn validate_strict(&self, schema: &str, instance: &Value) {
        self.validate_with(schema, instance, true);
    }
}

/// HubSpot's official spec `name` alone (for API versions the project has no
/// own schemas of): validates when `HUBSPOT_OPENAPI_DIR` is set, else checks
/// nothing.
pub struct OfficialSpec {
    name: String,
    document: Option<Value>,
}

impl OfficialSpec {
    /// `$HUBSPOT_OPENAPI_DIR/<name>.json`, when that variable is set.
    pub fn load(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            document: official_dir().map(|dir| read_json(&dir.join(format!("{name}.json")))),
        }
    }

    fn validate_with(&self, schema: &str, instance: &Value, strict: bool) {
        if let Some(document) = &self.document {
            let errors = validate_component(document, schema, instance, strict);
            assert!(
                errors.is_empty(),
                "official {}#{schema} rejects {instance}: {errors:?}",
                self.name
            );
        }
    }

    /// Fields the schema does not declare are allowed.
    pub fn validate(&self, schema: &str, instance: &Value) {
        self.validate_with(schema, instance, false);
    }

    /// Fields the schema does not declare are rejected.
    pub fn validate_strict(&self, schema: &str, instance: &Value) {
        self.validate_with(schema, instance, true);
    }
}

/// The validation errors of `instance` against `#/components/schemas/<schema>`.
pub fn validate_component(
    document: &Value,
    schema: &str,
    instance: &Value,
    strict: bool,
) -> Vec<String> {
    let mut components = document["components"].clone();
    assert!(
        components["schemas"].get(schema).is_some(),
        "no schema {schema} in the document"
    );
    if strict {
        close_objects(&mut components);
    }
    let root = json!({
        "$ref": format!("#/components/schemas/{schema}"),
        "components": components,
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {schema}: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect()
}

/// Forbids undeclared properties on every object schema that declares some.
fn close_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
