//! Source comments and tests point to the specification by anchor (`docs/daily-api.md#rule-phone-e164`);
//! every anchor they name must exist there, as an `<a id="...">` or as a heading's GitHub anchor.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const SPEC: &str = "docs/daily-api.md";

/// The anchors of a Markdown file: explicit `id="..."` and the GitHub slug of each heading.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for part in markdown.split("id=\"").skip(1) {
        if let Some((id, _)) = part.split_once('"') {
            out.insert(id.to_string());
        }
    }
    for line in markdown.lines() {
        let title = line.trim_start_matches('#');
        if title.len() < line.len() && title.starts_with(' ') {
            let slug: String = title
                .trim()
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect();
            out.insert(slug);
        }
    }
    out
}

/// The anchors `text` links to in the spec: what follows `daily-api.md#`.
fn links(text: &str) -> Vec<String> {
    text.split("daily-api.md#")
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                .collect()
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn spec_links_in_sources_and_tests_name_existing_anchors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spec = anchors(&fs::read_to_string(root.join(SPEC)).expect("the spec is readable"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    rust_files(&root.join("emulator").join("src"), &mut files);
    rust_files(&root.join("emulator").join("tests"), &mut files);
    let mut checked = 0;
    let mut broken = Vec::new();
    // This file's own examples are not links.
    for file in files.iter().filter(|f| !f.ends_with("tests/doc_links.rs")) {
        let text = fs::read_to_string(file).expect("a source file is readable");
        for anchor in links(&text) {
            checked += 1;
            if !spec.contains(&anchor) {
                broken.push(format!("{}: #{anchor}", file.display()));
            }
        }
    }
    // The sources do link to the spec (a reader that finds nothing would pass on anything).
    assert!(checked > 20, "only {checked} links to {SPEC} found");
    assert!(
        broken.is_empty(),
        "links to anchors {SPEC} does not have:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn anchors_and_links_are_read() {
    let md =
        "# Top\n<a id=\"rule-x\"></a>\n#### `type` is one of two values\n### Retries, backoff\n";
    let want: BTreeSet<String> = [
        "top",
        "rule-x",
        "type-is-one-of-two-values",
        "retries-backoff",
    ]
    .map(String::from)
    .into();
    assert_eq!(anchors(md), want);
    assert_eq!(
        links("see docs/daily-api.md#rule-x, and daily-api.md#top)."),
        ["rule-x", "top"]
    );
}
