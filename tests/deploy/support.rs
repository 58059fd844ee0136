//! Reading repository files and walking YAML values.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml_ng::Value;

/// The repository root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path below the repository root.
pub fn repo_path(relative: &str) -> PathBuf {
    repo_root().join(relative)
}

/// The text of a repository file.
pub fn read(relative: &str) -> String {
    let path = repo_path(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every YAML document of a file (`---` separated).
pub fn yaml_documents_at(path: &Path) -> Vec<Value> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|document| {
            Value::deserialize(document)
                .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
        })
        .collect()
}

/// The single YAML document of a repository file.
pub fn yaml(relative: &str) -> Value {
    let mut documents = yaml_documents_at(&repo_path(relative));
    assert_eq!(documents.len(), 1, "{relative}: expected one YAML document");
    documents.remove(0)
}

/// Where the Kubernetes manifests are.
pub const KUBERNETES_DIR: &str = "deploy/kubernetes";

/// The single YAML document of a Kubernetes manifest.
pub fn kubernetes_manifest(file: &str) -> Value {
    yaml(&format!("{KUBERNETES_DIR}/{file}"))
}

/// The value at `path` (mapping keys), failing the test when it is missing.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    try_at(value, path).unwrap_or_else(|| panic!("missing {}", path.join(".")))
}

/// The value at `path`, if every key exists.
pub fn try_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(value, |current, key| current.get(*key))
}

/// The string at `path`.
pub fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    at(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

/// The integer at `path`.
pub fn int_at(value: &Value, path: &[&str]) -> i64 {
    at(value, path)
        .as_i64()
        .unwrap_or_else(|| panic!("{} is not an integer", path.join(".")))
}

/// The sequence at `path`.
pub fn seq_at<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path)
        .as_sequence()
        .unwrap_or_else(|| panic!("{} is not a list", path.join(".")))
}

/// A mapping of strings (labels, selectors, ConfigMap data) as pairs.
pub fn string_map(value: &Value, path: &[&str]) -> Vec<(String, String)> {
    at(value, path)
        .as_mapping()
        .unwrap_or_else(|| panic!("{} is not a mapping", path.join(".")))
        .iter()
        .map(|(key, value)| {
            let key = key
                .as_str()
                .unwrap_or_else(|| panic!("non-string key {key:?}"));
            let value = value
                .as_str()
                .unwrap_or_else(|| panic!("{key}: value {value:?} is not a string"));
            (key.to_owned(), value.to_owned())
        })
        .collect()
}
