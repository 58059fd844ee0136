//! The crate's imports point one way. Reads `src/` as Rust, follows every
//! `use` and qualified path to the file that defines the item (through `pub
//! use` re-exports), and fails on files of `store`, `hubspot` or `domain`
//! reaching into `config`, and on any cycle between files. Also holds every
//! `.rs` file of the workspace to the house length (`file_length`).

mod collect;
mod crate_tree;
mod cycles;
mod file_length;
mod fixtures;
mod resolve;

use std::collections::BTreeMap;
use std::path::Path;

use crate_tree::Crate;
use resolve::{Resolver, Target};

/// Folders whose files must not import from `crate::config`.
const BELOW_CONFIG: [&str; 3] = ["store", "hubspot", "domain"];

/// The top-level module a file of `src/` belongs to: `store` for `store/keys.rs`.
fn top_module(file: &str) -> &str {
    let first = file.split('/').next().unwrap_or(file);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// Every broken rule of the crate rooted at `src/<root>`, one readable text each.
pub fn violations(src: &Path, root: &str) -> Vec<String> {
    let krate = match Crate::load(src, root) {
        Ok(krate) => krate,
        Err(why) => return vec![format!("cannot read the crate: {why}")],
    };
    let resolver = Resolver { krate: &krate };
    let edges = resolver.edges();
    let name = |file: usize| krate.files[file].name.as_str();
    let in_config =
        |module: usize| krate.modules[module].path.get(1).map(String::as_str) == Some("config");

    let mut found = Vec::new();
    for edge in &edges {
        let from = name(edge.from);
        if !edge.first_hand || !BELOW_CONFIG.contains(&top_module(from)) {
            continue;
        }
        let target_in_config = match edge.target {
            Target::Module(m) => in_config(m),
            Target::Item(file) => top_module(name(file)) == "config",
        };
        if target_in_config || edge.through.iter().any(|&m| in_config(m)) {
            found.push(format!(
                "config import: src/{from}:{} names `{}` (in src/{}), from crate::config",
                edge.line,
                edge.written,
                name(edge.to)
            ));
        }
    }
    found.dedup();

    let mut deps: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for edge in edges.iter().filter(|e| e.depends) {
        deps.entry((edge.from, edge.to))
            .or_insert_with(|| format!("line {}: `{}`", edge.line, edge.written));
    }
    for cycle in cycles::find(krate.files.len(), &deps) {
        let shown: Vec<String> = cycle
            .loop_files
            .iter()
            .map(|&f| format!("src/{}", name(f)))
            .collect();
        let mut text = format!("import cycle: {}", shown.join(" -> "));
        for (from, to, detail) in &cycle.links {
            text.push_str(&format!(
                "\n    src/{} -> src/{}  ({detail})",
                name(*from),
                name(*to)
            ));
        }
        found.push(text);
    }
    found
}

/// Files under `src/` that the module tree from `root` does not reach.
fn unreached(src: &Path, root: &str, skip: &[&str]) -> Vec<String> {
    let Ok(krate) = Crate::load(src, root) else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).expect("src/ is readable");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path
                .strip_prefix(src)
                .expect("under src/")
                .to_string_lossy()
                .replace('\\', "/");
            let known = krate.files.iter().any(|f| f.name == name);
            if name.ends_with(".rs") && !known && !skip.contains(&name.as_str()) {
                missing.push(name);
            }
        }
    }
    missing.sort();
    missing
}

#[test]
fn src_imports_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src, "lib.rs");
    assert!(
        found.is_empty(),
        "{} import rule violations in src/:\n\n{}\n",
        found.len(),
        found.join("\n\n")
    );
}

#[test]
fn the_walk_reads_every_file_of_the_library() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // main.rs is the binary's crate root; it reaches the library by its name.
    let missing = unreached(&src, "lib.rs", &["main.rs"]);
    assert!(
        missing.is_empty(),
        "not reached from src/lib.rs: {missing:?}"
    );
}
