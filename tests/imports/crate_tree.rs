//! The crate as modules: each module's file, child modules, the names it
//! defines, its `use` declarations and the qualified paths its code names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;
use syn::{Item, Visibility};

use crate::collect::{Collector, flatten};

/// A source file of the crate and every identifier its code (not its `use`
/// declarations) mentions, to tell whether an import is used there.
pub struct SourceFile {
    /// The path relative to the crate's `src/`, with `/` separators.
    pub name: String,
    pub idents: BTreeSet<String>,
}

/// One name a `use` declaration brings in (`None` for `as _`).
pub struct Import {
    pub name: Option<String>,
    pub path: Vec<String>,
    pub public: bool,
    pub line: usize,
}

/// A qualified path written in code (`a::b`, also inside macros and attributes).
pub struct PathRef {
    pub path: Vec<String>,
    pub line: usize,
}

/// A module, inline (`mod tests { .. }`) or in a file of its own.
pub struct Module {
    /// `["crate", "store", "keys"]`.
    pub path: Vec<String>,
    pub file: usize,
    pub parent: Option<usize>,
    pub children: BTreeMap<String, usize>,
    pub items: BTreeSet<String>,
    pub imports: Vec<Import>,
    /// `use path::*;` declarations.
    pub globs: Vec<Import>,
    pub refs: Vec<PathRef>,
}

/// The module tree read from a crate root; module 0 is the root.
pub struct Crate {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
}

impl Crate {
    /// Reads the crate rooted at `src/<root>` and every module file it declares.
    pub fn load(src: &Path, root: &str) -> Result<Crate, String> {
        let mut krate = Crate {
            files: Vec::new(),
            modules: Vec::new(),
        };
        krate.load_file(src, &src.join(root), vec!["crate".to_owned()], None, src)?;
        Ok(krate)
    }

    fn load_file(
        &mut self,
        src: &Path,
        file: &Path,
        path: Vec<String>,
        parent: Option<usize>,
        child_dir: &Path,
    ) -> Result<usize, String> {
        let name = file
            .strip_prefix(src)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).map_err(|e| format!("{name}: {e}"))?;
        let parsed = syn::parse_file(&text).map_err(|e| format!("{name}: {e}"))?;
        self.files.push(SourceFile {
            name,
            idents: BTreeSet::new(),
        });
        let file_index = self.files.len() - 1;
        let module = self.add_module(path, file_index, parent);
        let file_dir = file.parent().unwrap_or(src).to_path_buf();
        let dirs = Dirs {
            src,
            file_dir: &file_dir,
            child_dir,
        };
        self.walk_items(&parsed.items, module, &dirs)?;
        Ok(module)
    }

    fn add_module(&mut self, path: Vec<String>, file: usize, parent: Option<usize>) -> usize {
        self.modules.push(Module {
            path,
            file,
            parent,
            children: BTreeMap::new(),
            items: BTreeSet::new(),
            imports: Vec::new(),
            globs: Vec::new(),
            refs: Vec::new(),
        });
        self.modules.len() - 1
    }

    fn walk_items(&mut self, items: &[Item], module: usize, dirs: &Dirs) -> Result<(), String> {
        let mut code = Collector::default();
        for item in items {
            match item {
                Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let mut path = self.modules[module].path.clone();
                    path.push(name.clone());
                    let child = match &m.content {
                        Some((_, inner)) => {
                            let file = self.modules[module].file;
                            let child = self.add_module(path, file, Some(module));
                            let nested = dirs.child_dir.join(&name);
                            let inner_dirs = Dirs {
                                child_dir: &nested,
                                ..*dirs
                            };
                            self.walk_items(inner, child, &inner_dirs)?;
                            child
                        }
                        None => {
                            let file = module_file(m, &name, dirs)?;
                            let child_dir = if file.ends_with("mod.rs") {
                                file.parent().unwrap_or(dirs.src).to_path_buf()
                            } else {
                                file.with_extension("")
                            };
                            self.load_file(dirs.src, &file, path, Some(module), &child_dir)?
                        }
                    };
                    self.modules[module].children.insert(name, child);
                }
                Item::Use(u) => {
                    let public = !matches!(u.vis, Visibility::Inherited);
                    if u.leading_colon.is_none() {
                        let line = u.use_token.span.start().line;
                        flatten(&u.tree, &mut Vec::new(), public, line, &mut code);
                    }
                }
                other => {
                    if let Some(name) = item_name(other) {
                        self.modules[module].items.insert(name);
                    }
                    code.visit_item(other);
                }
            }
        }
        let file = self.modules[module].file;
        self.files[file].idents.extend(code.idents);
        let target = &mut self.modules[module];
        target.imports.extend(code.imports);
        target.globs.extend(code.globs);
        target.refs.extend(code.refs);
        Ok(())
    }
}

/// Where a module's `mod x;` declarations find their files.
struct Dirs<'a> {
    src: &'a Path,
    /// The directory of the declaring file (`#[path]` is relative to it).
    file_dir: &'a Path,
    /// Where `x.rs` or `x/mod.rs` are looked for.
    child_dir: &'a Path,
}

fn module_file(m: &syn::ItemMod, name: &str, dirs: &Dirs) -> Result<PathBuf, String> {
    for attr in &m.attrs {
        if attr.path().is_ident("path")
            && let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(lit) = &nv.value
            && let syn::Lit::Str(s) = &lit.lit
        {
            return Ok(dirs.file_dir.join(s.value()));
        }
    }
    let flat = dirs.child_dir.join(format!("{name}.rs"));
    let nested = dirs.child_dir.join(name).join("mod.rs");
    match (flat.is_file(), nested.is_file()) {
        (true, _) => Ok(flat),
        (false, true) => Ok(nested),
        (false, false) => Err(format!(
            "no file for `mod {name};` in {}",
            dirs.child_dir.display()
        )),
    }
}

fn item_name(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Const(i) => &i.ident,
        Item::Enum(i) => &i.ident,
        Item::Fn(i) => &i.sig.ident,
        Item::Static(i) => &i.ident,
        Item::Struct(i) => &i.ident,
        Item::Trait(i) => &i.ident,
        Item::TraitAlias(i) => &i.ident,
        Item::Type(i) => &i.ident,
        Item::Union(i) => &i.ident,
        Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}
