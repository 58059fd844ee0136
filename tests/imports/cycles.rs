//! Cycles between files: the strongly connected components of the graph of
//! which file depends on which (Tarjan's algorithm), each shown as one
//! shortest loop and every dependency inside it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Files that depend on each other, directly or through others.
pub struct Cycle {
    /// One shortest loop, starting and ending at the same file.
    pub loop_files: Vec<usize>,
    /// Every dependency between the files of the cycle, as (from, to, detail).
    pub links: Vec<(usize, usize, String)>,
}

/// Every group of two or more files that depend on each other.
pub fn find(files: usize, deps: &BTreeMap<(usize, usize), String>) -> Vec<Cycle> {
    let mut next: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); files];
    for &(from, to) in deps.keys() {
        next[from].insert(to);
    }
    components(&next)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|members| {
            let links = deps
                .iter()
                .filter(|((from, to), _)| members.contains(from) && members.contains(to))
                .map(|(&(from, to), detail)| (from, to, detail.clone()))
                .collect();
            let start = *members.iter().next().expect("a component has a member");
            Cycle {
                loop_files: shortest_loop(start, &members, &next),
                links,
            }
        })
        .collect()
}

/// Tarjan's strongly connected components.
fn components(next: &[BTreeSet<usize>]) -> Vec<BTreeSet<usize>> {
    struct State<'a> {
        next: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        counter: usize,
        found: Vec<BTreeSet<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.counter);
        s.low[v] = s.counter;
        s.counter += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.next[v].iter() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(index) if s.on_stack[w] => s.low[v] = s.low[v].min(index),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.insert(w);
                if w == v {
                    break;
                }
            }
            s.found.push(component);
        }
    }
    let mut state = State {
        next,
        index: vec![None; next.len()],
        low: vec![0; next.len()],
        on_stack: vec![false; next.len()],
        stack: Vec::new(),
        counter: 0,
        found: Vec::new(),
    };
    for v in 0..next.len() {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.found
}

/// The shortest way from `start` back to itself inside `members` (breadth first).
fn shortest_loop(start: usize, members: &BTreeSet<usize>, next: &[BTreeSet<usize>]) -> Vec<usize> {
    let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &next[v] {
            if !members.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![start, v];
                let mut at = v;
                while at != start {
                    at = came_from[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = came_from.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    vec![start]
}
