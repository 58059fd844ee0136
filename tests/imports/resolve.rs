//! Names to the files that define them: a path is followed module by module,
//! through `use` declarations and globs, so a `pub use` re-export leads to the
//! file that defines the item rather than to the re-exporting `mod.rs`.

use crate::crate_tree::{Crate, Import};

/// How deep re-exports may chain before a path counts as unresolved.
const MAX_DEPTH: usize = 32;

/// What a path names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Module(usize),
    /// An item (type, function, ...) defined in this file.
    Item(usize),
}

/// A resolved path and the modules it went through on the way.
pub struct Found {
    pub target: Target,
    pub through: Vec<usize>,
}

/// One place a file names something of the crate.
pub struct Edge {
    pub from: usize,
    /// The file that defines the item, or holds the module, named.
    pub to: usize,
    pub target: Target,
    pub line: usize,
    pub written: String,
    pub through: Vec<usize>,
    /// Whether `from` depends on `to` (it names an item and does not only re-export it).
    pub depends: bool,
    /// Whether the path starts from the module tree (`crate`, `self`, `super`,
    /// a child module) rather than from a name the module imported.
    pub first_hand: bool,
}

/// Resolves paths as the compiler would for a crate that builds.
pub struct Resolver<'a> {
    pub krate: &'a Crate,
}

impl Resolver<'_> {
    /// `path` as written inside `module`.
    pub fn resolve(&self, module: usize, path: &[String], depth: usize) -> Option<Found> {
        let (first, rest) = path.split_first()?;
        let mut found = self.lookup(module, first, depth)?;
        for segment in rest {
            let Target::Module(current) = found.target else {
                // What follows an item is an associated item or a variant.
                return Some(found);
            };
            let next = self.lookup(current, segment, depth)?;
            found.through.extend(next.through);
            found.target = next.target;
        }
        Some(found)
    }

    /// `name` as seen inside `module`: a child module, an item defined there,
    /// or what one of its imports or globs brings in.
    pub fn lookup(&self, module: usize, name: &str, depth: usize) -> Option<Found> {
        if depth > MAX_DEPTH {
            return None;
        }
        let here = &self.krate.modules[module];
        let at = |target| {
            Some(Found {
                target,
                through: vec![module],
            })
        };
        match name {
            "crate" => return at(Target::Module(0)),
            "self" => return at(Target::Module(module)),
            "super" => return at(Target::Module(here.parent?)),
            _ => {}
        }
        if let Some(&child) = here.children.get(name) {
            return at(Target::Module(child));
        }
        if here.items.contains(name) {
            return at(Target::Item(here.file));
        }
        let named = here
            .imports
            .iter()
            .filter(|i| i.name.as_deref() == Some(name));
        for import in named {
            if let Some(found) = self.through_import(module, import, None, depth) {
                return Some(found);
            }
        }
        for glob in &here.globs {
            if let Some(found) = self.through_import(module, glob, Some(name), depth) {
                return Some(found);
            }
        }
        None
    }

    /// Follows one import of `module`; for a glob, looks `name` up in what it names.
    fn through_import(
        &self,
        module: usize,
        import: &Import,
        name: Option<&str>,
        depth: usize,
    ) -> Option<Found> {
        let mut found = self.resolve(module, &import.path, depth + 1)?;
        if let Some(name) = name {
            let Target::Module(source) = found.target else {
                return None;
            };
            let inner = self.lookup(source, name, depth + 1)?;
            found.through.extend(inner.through);
            found.target = inner.target;
        }
        found.through.insert(0, module);
        Some(found)
    }

    /// Every place a file names something of the crate, resolved.
    pub fn edges(&self) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (index, module) in self.krate.modules.iter().enumerate() {
            let file = &self.krate.files[module.file];
            let mut add = |found: Option<Found>, line: usize, written: String, reexport: bool| {
                let Some(found) = found else { return };
                let first = written.split("::").next().unwrap_or_default();
                let first_hand = matches!(first, "crate" | "self" | "super")
                    || module.children.contains_key(first);
                let (to, item) = match found.target {
                    Target::Item(to) => (to, true),
                    Target::Module(m) => (self.krate.modules[m].file, false),
                };
                edges.push(Edge {
                    from: module.file,
                    to,
                    target: found.target,
                    line,
                    written,
                    through: found.through,
                    depends: item && !reexport && to != module.file,
                    first_hand,
                });
            };
            for import in &module.imports {
                // A re-export only passes the name on unless the file uses it too.
                let used = import
                    .name
                    .as_ref()
                    .is_some_and(|n| file.idents.contains(n));
                let found = self.resolve(index, &import.path, 0);
                add(
                    found,
                    import.line,
                    import.path.join("::"),
                    import.public && !used,
                );
            }
            for glob in &module.globs {
                let path = glob.path.join("::");
                let found = self.resolve(index, &glob.path, 0);
                let source = match found.as_ref().map(|f| f.target) {
                    Some(Target::Module(source)) => Some(source),
                    _ => None,
                };
                add(found, glob.line, format!("{path}::*"), true);
                let Some(source) = source else { continue };
                for name in &file.idents {
                    if !self.shadows(index, name) {
                        let found = self.lookup(source, name, 1);
                        add(found, glob.line, format!("{path}::{name}"), false);
                    }
                }
            }
            for path_ref in &module.refs {
                let found = self.resolve(index, &path_ref.path, 0);
                add(found, path_ref.line, path_ref.path.join("::"), false);
            }
        }
        edges
    }

    /// Whether `module` itself defines or imports `name` (a glob then does not bring it in).
    fn shadows(&self, module: usize, name: &str) -> bool {
        let here = &self.krate.modules[module];
        here.children.contains_key(name)
            || here.items.contains(name)
            || here.imports.iter().any(|i| i.name.as_deref() == Some(name))
    }
}
