//! The walk itself, on small crates written to a temporary directory: it
//! sees what it should and nothing else.

use std::path::PathBuf;

use crate::violations;

/// A throwaway crate; removed when dropped.
struct Fixture(PathBuf);

impl Fixture {
    fn new(name: &str, files: &[(&str, &str)]) -> Fixture {
        let dir = std::env::temp_dir().join(format!("imports-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("fixture dir");
            std::fs::write(path, text).expect("fixture file");
        }
        Fixture(dir)
    }

    fn violations(&self) -> Vec<String> {
        violations(&self.0, "lib.rs")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn two_files_importing_each_other_are_a_cycle() {
    let fixture = Fixture::new(
        "pair",
        &[
            ("lib.rs", "mod a;\nmod b;\n"),
            (
                "a.rs",
                "use crate::b::B;\npub struct A;\npub fn a(_: B) {}\n",
            ),
            (
                "b.rs",
                "pub struct B;\npub fn b() -> crate::a::A { crate::a::A }\n",
            ),
        ],
    );
    let found = fixture.violations();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("import cycle: src/a.rs -> src/b.rs -> src/a.rs"),
        "{found:#?}"
    );
    assert!(
        found[0].contains("src/a.rs -> src/b.rs  (line 1: `crate::b::B`)"),
        "{found:#?}"
    );
    assert!(
        found[0].contains("src/b.rs -> src/a.rs  (line 2: `crate::a::A`)"),
        "{found:#?}"
    );
}

#[test]
fn a_parent_that_only_reexports_its_children_is_no_cycle() {
    let fixture = Fixture::new(
        "reexport",
        &[
            ("lib.rs", "pub mod m;\npub use m::X;\n"),
            (
                "m/mod.rs",
                "mod x;\nmod y;\npub use x::X;\npub use y::{Y, make as make_y};\n",
            ),
            (
                "m/x.rs",
                "use super::{Y, make_y};\npub struct X(Y);\npub fn x() -> X { X(make_y()) }\n",
            ),
            ("m/y.rs", "pub struct Y;\npub fn make() -> Y { Y }\n"),
        ],
    );
    assert_eq!(fixture.violations(), Vec::<String>::new());
}

#[test]
fn a_parent_that_uses_a_child_which_uses_it_is_a_cycle() {
    let fixture = Fixture::new(
        "parent",
        &[
            ("lib.rs", "mod m;\n"),
            ("m/mod.rs", "mod x;\npub struct P;\nfn f() { x::run(); }\n"),
            (
                "m/x.rs",
                "#[cfg(test)]\nmod tests {\n    use super::*;\n}\npub fn run() { let _ = super::P; }\n",
            ),
        ],
    );
    let found = fixture.violations();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("src/m/mod.rs -> src/m/x.rs  (line 3: `x::run`)"),
        "{found:#?}"
    );
    assert!(
        found[0].contains("src/m/x.rs -> src/m/mod.rs  (line 5: `super::P`)"),
        "{found:#?}"
    );
}

#[test]
fn paths_inside_macros_and_attributes_and_globs_count() {
    let fixture = Fixture::new(
        "macros",
        &[
            ("lib.rs", "mod a;\nmod b;\nmod c;\n"),
            ("a.rs", "pub fn a() { tracing::info!(x = ?crate::b::B); }\n"),
            (
                "b.rs",
                "#[doc(alias = \"b\")]\n#[openapi(paths(crate::c::handler))]\npub struct B;\n",
            ),
            (
                "c.rs",
                "mod inner {\n    use super::*;\n    fn f() -> A { A }\n}\nuse crate::a::a as A;\npub fn handler() {}\n",
            ),
        ],
    );
    let found = fixture.violations();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("src/a.rs -> src/b.rs"), "{found:#?}");
    assert!(found[0].contains("src/b.rs -> src/c.rs"), "{found:#?}");
    assert!(found[0].contains("src/c.rs -> src/a.rs"), "{found:#?}");
}

#[test]
fn store_hubspot_and_domain_may_not_reach_into_config() {
    let fixture = Fixture::new(
        "config",
        &[
            (
                "lib.rs",
                "mod config;\nmod store;\nmod domain;\nmod http;\n",
            ),
            ("config.rs", "pub struct Settings;\npub struct Quota;\n"),
            ("store/mod.rs", "mod keys;\npub use crate::config::Quota;\n"),
            (
                "store/keys.rs",
                "use super::Quota;\npub fn keys(_: Quota) {}\n",
            ),
            ("domain.rs", "pub fn d(_: &crate::config::Settings) {}\n"),
            (
                "http.rs",
                "use crate::config::Settings;\npub fn h(_: Settings) {}\n",
            ),
        ],
    );
    let found = fixture.violations();
    assert_eq!(
        found,
        [
            "config import: src/store/mod.rs:2 names `crate::config::Quota` (in src/config.rs), from crate::config",
            "config import: src/store/keys.rs:1 names `super::Quota` (in src/config.rs), from crate::config",
            "config import: src/domain.rs:1 names `crate::config::Settings` (in src/config.rs), from crate::config",
        ]
    );
}
