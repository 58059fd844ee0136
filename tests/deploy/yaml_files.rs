//! Every YAML file under deploy/ parses, all of its documents.

use std::path::{Path, PathBuf};

use crate::support::{repo_path, yaml_documents_at};

/// Every `.yml` / `.yaml` file below `dir`, sorted.
pub fn yaml_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read dir {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            found.extend(yaml_files_below(&path));
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yml" || extension == "yaml")
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn every_yaml_document_under_deploy_parses() {
    let files = yaml_files_below(&repo_path("deploy"));
    assert!(
        files.len() >= 7,
        "expected docker-compose.yml and the kubernetes manifests, found {files:?}"
    );
    for file in files {
        let documents = yaml_documents_at(&file);
        assert!(!documents.is_empty(), "{} has no document", file.display());
        for document in documents {
            assert!(
                document.is_mapping(),
                "{}: a document is not a mapping",
                file.display()
            );
        }
    }
}
