//! The core's modules import each other one way: no circle of imports,
//! except through the crate-wide error enum (`error` wraps every module's
//! error type, and every module returns it). Read from the source text:
//! every `crate::<module>` a top-level module names outside its unit tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The modules allowed in a circle: the crate error enum.
const EXEMPT: &[&str] = &["error"];

/// Top-level module -> the top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let text = fs::read_to_string(&file).unwrap();
        let deps = g.entry(module.clone()).or_default();
        for dep in named_modules(&code_of(&text)) {
            if dep != module {
                deps.insert(dep);
            }
        }
    }
    g
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without comments (doc examples included) and without the unit
/// tests at the end of a file.
fn code_of(text: &str) -> String {
    let body = text.split("#[cfg(test)]\nmod tests").next().unwrap();
    body.lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module named as `crate::m` or inside `crate::{m, n::…}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the group's own level (`a` of `a::…`), up to its
            // closing brace.
            let mut depth = 0usize;
            let mut name = String::new();
            let mut in_path = false;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' | ':' if depth == 0 => {
                        insert_module(&mut out, &mut name);
                        in_path = c == ':';
                    }
                    c if depth == 0 && !in_path && (c.is_alphanumeric() || c == '_') => {
                        name.push(c)
                    }
                    _ => {}
                }
            }
            insert_module(&mut out, &mut name);
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if is_module_name(&name) {
                out.insert(name);
            }
        }
    }
    out
}

fn insert_module(out: &mut BTreeSet<String>, name: &mut String) {
    if is_module_name(name) {
        out.insert(name.clone());
    }
    name.clear();
}

/// Modules are lowercase; types and constants named at the top of a group
/// (`crate::{Error, Result}` re-exports) are not.
fn is_module_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) && name != "self"
}

/// The strongly connected components with more than one module.
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let nodes: Vec<&String> = g.keys().collect();
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for d in g.get(&m).into_iter().flatten() {
                if g.contains_key(d) && seen.insert(d.clone()) {
                    todo.push(d.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) {
            continue;
        }
        let circle: Vec<String> = nodes
            .iter()
            .filter(|m| reaches[*n].contains(**m) && reaches[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        done.extend(circle.iter().cloned());
        if circle.len() > 1 {
            out.push(circle);
        }
    }
    out
}

#[test]
fn no_import_circle_other_than_through_the_error_enum() {
    let mut g = graph();
    // Sanity: the reader sees the imports it should.
    assert!(g["url"].contains("id"), "{:?}", g["url"]);
    assert!(g["executor"].contains("workflow"), "{:?}", g["executor"]);
    assert!(g["context"].contains("error"), "{:?}", g["context"]);
    for m in EXEMPT {
        g.remove(*m);
    }
    for deps in g.values_mut() {
        deps.retain(|d| !EXEMPT.contains(&d.as_str()));
    }
    let found = circles(&g);
    let described: Vec<String> = found
        .iter()
        .map(|c| {
            let edges: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    g[a].iter()
                        .filter(|b| c.contains(b))
                        .map(move |b| format!("{a} -> {b}"))
                })
                .collect();
            edges.join(", ")
        })
        .collect();
    assert!(found.is_empty(), "import circles: {described:?}");
}

#[test]
fn the_reader_finds_a_circle() {
    let mut g = BTreeMap::new();
    for (a, b) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        g.entry(a.to_string())
            .or_insert_with(BTreeSet::new)
            .insert(b.to_string());
        g.entry(b.to_string()).or_insert_with(BTreeSet::new);
    }
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
    let named = named_modules("use crate::{a::{X, y}, b, Error};\nfn f() { crate::c::g(); }");
    assert_eq!(named, ["a", "b", "c"].map(String::from).into());
}
