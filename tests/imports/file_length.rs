//! Files stay small: no `.rs` file of the project's code, tests or benches is
//! longer than [`MAX_LINES`]. A longer file holds more than one concern.

use std::path::{Path, PathBuf};

/// The most lines a `.rs` file may have.
const MAX_LINES: usize = 300;

/// The folders whose `.rs` files are counted, from the workspace root.
const COUNTED: [&str; 4] = ["src", "crates", "tests", "benches"];

/// Every `.rs` file under `dir` (build output skipped), sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|name| name != "target") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Each file under the counted folders of `root` longer than [`MAX_LINES`],
/// as `path (lines)` relative to `root`.
pub fn too_long(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for folder in COUNTED {
        for file in rust_files(&root.join(folder)) {
            let text = std::fs::read_to_string(&file).expect("a readable .rs file");
            let lines = text.lines().count();
            if lines > MAX_LINES {
                let shown = file.strip_prefix(root).unwrap_or(&file);
                let shown = shown.to_string_lossy().replace('\\', "/");
                found.push(format!("{shown} ({lines} lines)"));
            }
        }
    }
    found
}

#[test]
fn no_rust_file_is_longer_than_the_limit() {
    let found = too_long(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(
        found.is_empty(),
        "{} .rs files over {MAX_LINES} lines:\n  {}\n",
        found.len(),
        found.join("\n  ")
    );
}

#[test]
fn a_long_file_is_named_with_its_length() {
    let root = std::env::temp_dir().join(format!("file-length-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let write = |path: &str, lines: usize| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("fixture dir");
        std::fs::write(path, "// line\n".repeat(lines)).expect("fixture file");
    };
    write("src/short.rs", MAX_LINES);
    write("crates/a/src/long.rs", MAX_LINES + 1);
    write("crates/a/target/debug/build/out.rs", MAX_LINES + 5);
    write("tests/t/long.rs", MAX_LINES + 2);
    write("benches/notes.txt", MAX_LINES + 3);
    let found = too_long(&root);
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(
        found,
        [
            "crates/a/src/long.rs (301 lines)",
            "tests/t/long.rs (302 lines)"
        ]
    );
}
