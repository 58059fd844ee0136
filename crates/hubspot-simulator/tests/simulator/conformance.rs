//! The project's own HubSpot schemas (`schemas/`) against HubSpot's official
//! OpenAPI specs. The own schemas are checked on every run; the comparison
//! with the official specs needs `HUBSPOT_OPENAPI_DIR` (CI sets it) and says
//! plainly when it did not run.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::schemas::{official_dir, own_document, read_json, validate_component};

/// Every own schema document, by name (the file stem, as the official spec's).
fn own_documents() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let document = own_document(&name);
            (name, document)
        })
        .collect()
}

fn components(document: &Value) -> &Map<String, Value> {
    document["components"]["schemas"]
        .as_object()
        .expect("components.schemas is an object")
}

#[test]
fn own_schemas_compile_and_accept_nothing_of_the_wrong_type() {
    let documents = own_documents();
    assert!(documents.len() >= 3, "schemas/ holds the HubSpot shapes");
    for (name, document) in &documents {
        for schema in components(document).keys() {
            let errors = validate_component(document, schema, &Value::Bool(true), false);
            assert!(!errors.is_empty(), "{name}#{schema} accepts `true`");
        }
    }
}

/// The JSON type a property schema declares, `$ref`s read as objects.
fn declared_type(schema: &Value) -> Option<String> {
    if schema.get("$ref").is_some() || schema.get("allOf").is_some() {
        return Some("object".to_owned());
    }
    match schema.get("type")? {
        Value::String(kind) => Some(kind.clone()),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|kind| *kind != "null")
            .map(str::to_owned),
        _ => None,
    }
}

fn required(schema: &Value) -> Vec<&str> {
    schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What is wrong with one own component next to the official one.
fn differences(own: &Value, official: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let official_properties = official["properties"].as_object();
    // Fields HubSpot sends that its spec does not list are named, with the reason.
    let undocumented = own["x-undocumented-properties"].as_object();
    for (property, schema) in own["properties"].as_object().into_iter().flatten() {
        let Some(theirs) = official_properties.and_then(|props| props.get(property)) else {
            if undocumented.is_none_or(|names| !names.contains_key(property)) {
                found.push(format!("property {property} is not in the official schema"));
            }
            continue;
        };
        let (ours, theirs) = (declared_type(schema), declared_type(theirs));
        if ours.is_some() && theirs.is_some() && ours != theirs {
            found.push(format!(
                "property {property}: {ours:?} here, {theirs:?} officially"
            ));
        }
    }
    // A documented deviation (e.g. a generator artefact in a `required` list)
    // is named in the own schema, with the reason.
    if own.get("x-official-required-differs").is_none() {
        for name in required(official) {
            if !required(own).contains(&name) {
                found.push(format!("{name} is required officially, not here"));
            }
        }
    }
    for name in required(own) {
        if official_properties.is_none_or(|props| !props.contains_key(name)) {
            found.push(format!("{name} is required here but unknown officially"));
        }
    }
    found
}

#[test]
fn own_schemas_agree_with_hubspots_official_specs() {
    let Some(dir) = official_dir() else {
        println!(
            "skipped: HUBSPOT_OPENAPI_DIR is not set, so the own schemas were not compared \
             with HubSpot's official specs (CI sets it)"
        );
        return;
    };
    let mut problems = Vec::new();
    for (name, own) in own_documents() {
        let official = read_json(&dir.join(format!("{name}.json")));
        let official = components(&official);
        for (schema, ours) in components(&own) {
            match official.get(schema) {
                None => problems.push(format!("{name}#{schema}: no such official schema")),
                Some(theirs) => problems.extend(
                    differences(ours, theirs)
                        .into_iter()
                        .map(|problem| format!("{name}#{schema}: {problem}")),
                ),
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
