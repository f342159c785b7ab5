//! The top-level modules of `src/` depend on each other without a cycle: each can be read, tested
//! and moved (e.g. into the no_std core module or another crate) with only the modules below it.
//!
//! Reads `use crate::X`, `use crate::{X, Y}` and `crate::X::` in `src/*.rs` and `src/*/*.rs` (a
//! directory module counts as one module), outside comments and string literals. `src/wasm` (the
//! adapters, on top of everything) is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

const LEFT_OUT: [&str; 1] = ["wasm"];

/// Module name -> the source files that make it.
fn modules(src: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        let Some(name) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if LEFT_OUT.contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() {
            let mut files: Vec<_> = fs::read_dir(&path)
                .expect("a module directory is readable")
                .map(|e| e.expect("a directory entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .map(|p| fs::read_to_string(p).expect("a source file is readable"))
                .collect();
            files.sort();
            out.entry(name).or_default().extend(files);
        } else if path.extension().is_some_and(|e| e == "rs") && name != "lib" {
            let text = fs::read_to_string(&path).expect("a source file is readable");
            out.entry(name).or_default().push(text);
        }
    }
    out
}

/// The code of `text` with comments removed and string and char literals emptied, so that a
/// `crate::x` mentioned in a doc comment or a message is not read as a dependency.
fn code_only(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        match c[i] {
            '/' if next == Some('/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            // Raw strings: r"...", r#"..."#, br"...".
            'r' if (next == Some('"') || next == Some('#'))
                && !c
                    .get(i.wrapping_sub(1))
                    .is_some_and(|p| p.is_alphanumeric() || *p == '_') =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= c.len() {
                        break;
                    }
                    if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            // A char literal ('x', '\n', '\u{..}'); a lifetime ('a) is kept.
            '\'' if next == Some('\\') => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            }
            '\'' if c.get(i + 2) == Some(&'\'') => {
                i += 3;
                out.push_str("' '");
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

fn ident_at(c: &[char], i: usize) -> String {
    c.iter()
        .skip(i)
        .take_while(|ch| ch.is_alphanumeric() || **ch == '_')
        .collect()
}

/// The first path segment of each top-level item of the `{...}` group that starts at `c[open]`.
fn group_heads(c: &[char], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    let mut i = open;
    while i < c.len() {
        match c[i] {
            '{' => {
                depth += 1;
                i += 1;
            }
            '}' => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                expect_head = true;
                i += 1;
            }
            ch if depth == 1 && expect_head && (ch.is_alphabetic() || ch == '_') => {
                let id = ident_at(c, i);
                i += id.len();
                heads.push(id);
                expect_head = false;
            }
            _ => i += 1,
        }
    }
    heads
}

/// The names that follow `crate::` in `code` (not `$crate::`, a macro's own path).
fn crate_refs(code: &str) -> BTreeSet<String> {
    let c: Vec<char> = code.chars().collect();
    let pat: Vec<char> = "crate::".chars().collect();
    let mut refs = BTreeSet::new();
    let mut i = 0;
    while i + pat.len() <= c.len() {
        let before = i.checked_sub(1).map(|p| c[p]);
        let is_word_start = !before.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '$');
        if is_word_start && c[i..i + pat.len()] == pat[..] {
            let at = i + pat.len();
            if c.get(at) == Some(&'{') {
                refs.extend(group_heads(&c, at));
            } else {
                let id = ident_at(&c, at);
                if !id.is_empty() {
                    refs.insert(id);
                }
            }
            i = at;
        } else {
            i += 1;
        }
    }
    refs
}

type Graph = BTreeMap<String, BTreeSet<String>>;

fn graph(src: &Path) -> Graph {
    let mods = modules(src);
    let names: BTreeSet<String> = mods.keys().cloned().collect();
    mods.iter()
        .map(|(name, files)| {
            let deps = files
                .iter()
                .flat_map(|f| crate_refs(&code_only(f)))
                .filter(|d| d != name && names.contains(d))
                .collect();
            (name.clone(), deps)
        })
        .collect()
}

/// Every cycle found by a depth-first walk (one per back edge), each as `a -> b -> ... -> a`.
fn cycles(g: &Graph) -> Vec<String> {
    fn walk(
        g: &Graph,
        node: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        stack.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(pos) = stack.iter().position(|n| n == next) {
                let mut cycle: Vec<&str> = stack[pos..].iter().map(String::as_str).collect();
                cycle.push(next);
                found.push(cycle.join(" -> "));
            } else if !done.contains(next) {
                walk(g, next, stack, done, found);
            }
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    let mut found = Vec::new();
    for node in g.keys() {
        if !done.contains(node) {
            walk(g, node, &mut Vec::new(), &mut done, &mut found);
        }
    }
    found
}

fn edges(g: &Graph) -> String {
    g.iter()
        .map(|(m, deps)| {
            let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
            format!("  {m} -> {}\n", deps.join(", "))
        })
        .collect()
}

#[test]
fn src_modules_have_no_import_cycle() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    // The reader sees the imports it must see (or this test would pass on an empty graph).
    for (from, to) in [
        ("request", "validate"),
        ("validate", "model"),
        ("issue", "text"),
        ("webhook", "b64"),
    ] {
        assert!(
            g.get(from).is_some_and(|d| d.contains(to)),
            "expected {from} -> {to} in\n{}",
            edges(&g)
        );
    }
    let found = cycles(&g);
    assert!(
        found.is_empty(),
        "import cycles among src/ modules:\n  {}\nall edges:\n{}",
        found.join("\n  "),
        edges(&g)
    );
}

#[test]
fn reader_finds_imports_and_cycles() {
    let code = code_only(
        r##"
        use crate::prelude::*;
        use crate::{phone, urls::{self, parse}};
        // use crate::commented;
        /* crate::blocked */
        let s = "crate::quoted"; let r = r#"crate::raw"#; let q = '"'; let l: &'a str;
        crate::text::cat!(x); $crate::text::Piece; notcrate::x;
        "##,
    );
    let want: BTreeSet<String> = ["prelude", "phone", "urls", "text"]
        .map(String::from)
        .into();
    assert_eq!(crate_refs(&code), want);

    let mut g = Graph::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), ["a".to_string()].into());
    assert_eq!(cycles(&g), ["a -> b -> c -> a"]);
    g.insert("c".into(), BTreeSet::new());
    assert!(cycles(&g).is_empty());
}
