//! What one module's code names: its `use` declarations spread into one
//! import per name, the qualified paths it writes (also inside macro calls and
//! attribute lists, which syn leaves as tokens), and every identifier.

use std::collections::BTreeSet;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::UseTree;
use syn::visit::{self, Visit};

use crate::crate_tree::{Import, PathRef};

/// Spreads a `use` tree into one import per name brought in.
pub fn flatten(
    tree: &UseTree,
    prefix: &mut Vec<String>,
    public: bool,
    line: usize,
    code: &mut Collector,
) {
    match tree {
        UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, public, line, code);
            prefix.pop();
        }
        UseTree::Name(n) => code.imports.push(import(prefix, &n.ident, public, line)),
        UseTree::Rename(r) => {
            let mut renamed = import(prefix, &r.ident, public, line);
            renamed.name = (r.rename != "_").then(|| r.rename.to_string());
            code.imports.push(renamed);
        }
        UseTree::Glob(_) => code.globs.push(Import {
            name: None,
            path: prefix.clone(),
            public,
            line,
        }),
        UseTree::Group(g) => {
            for tree in &g.items {
                flatten(tree, prefix, public, line, code);
            }
        }
    }
}

/// `prefix::segment`, where `self` names the prefix itself.
fn import(prefix: &[String], segment: &syn::Ident, public: bool, line: usize) -> Import {
    let mut path = prefix.to_vec();
    if segment != "self" {
        path.push(segment.to_string());
    }
    Import {
        name: path.last().cloned(),
        path,
        public,
        line,
    }
}

/// Gathers what one module's code names: qualified paths, identifiers, and
/// the `use` declarations inside function bodies.
#[derive(Default)]
pub struct Collector {
    pub imports: Vec<Import>,
    pub globs: Vec<Import>,
    pub refs: Vec<PathRef>,
    pub idents: BTreeSet<String>,
}

impl Collector {
    /// Paths and identifiers in tokens syn does not parse (macro calls, attribute lists).
    fn scan(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => {
                    self.scan(g.stream());
                    i += 1;
                }
                TokenTree::Ident(first) => {
                    let mut path = vec![first.to_string()];
                    let mut j = i + 1;
                    while j + 2 < tokens.len()
                        && is_colon(&tokens[j], Spacing::Joint)
                        && is_colon(&tokens[j + 1], Spacing::Alone)
                        && let TokenTree::Ident(next) = &tokens[j + 2]
                    {
                        path.push(next.to_string());
                        j += 3;
                    }
                    self.idents.extend(path.iter().cloned());
                    if path.len() >= 2 {
                        let line = first.span().start().line;
                        self.refs.push(PathRef { path, line });
                    }
                    i = j;
                }
                _ => i += 1,
            }
        }
    }
}

fn is_colon(token: &TokenTree, spacing: Spacing) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == spacing)
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() >= 2 {
            let line = path.segments[0].ident.span().start().line;
            let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.refs.push(PathRef {
                path: segments,
                line,
            });
        }
        visit::visit_path(self, path);
    }

    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.idents.insert(ident.to_string());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.scan(mac.tokens.clone());
        visit::visit_macro(self, mac);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        self.scan(list.tokens.clone());
        visit::visit_meta_list(self, list);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if u.leading_colon.is_none() {
            let line = u.use_token.span.start().line;
            flatten(&u.tree, &mut Vec::new(), false, line, self);
        }
    }

    /// Modules declared inside function bodies are not followed.
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}
}
