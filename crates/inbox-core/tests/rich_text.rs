//! The rich-text subset against the fixtures the app's renderer (ui/src/lib/richText.ts) is
//! held to as well: the same input gives the same HTML and plain text on both sides.

use inbox_core::rich_text::{to_html, to_plain};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    input: String,
    /// The input is this many copies of `input`; `{}` in `html` and `plain` stands for as many
    /// copies of `unit_html` / `unit_plain` (or of `input`).
    repeat: Option<usize>,
    unit_html: Option<String>,
    unit_plain: Option<String>,
    html: String,
    plain: String,
}

impl Case {
    fn expanded(&self) -> (String, String, String) {
        match self.repeat {
            None => (self.input.clone(), self.html.clone(), self.plain.clone()),
            Some(n) => {
                let unit_html = self.unit_html.as_deref().unwrap_or(&self.input);
                let unit_plain = self.unit_plain.as_deref().unwrap_or(&self.input);
                (
                    self.input.repeat(n),
                    self.html.replace("{}", &unit_html.repeat(n)),
                    self.plain.replace("{}", &unit_plain.repeat(n)),
                )
            }
        }
    }
}

fn cases() -> Vec<Case> {
    serde_json::from_str(include_str!("fixtures/rich_text.json")).expect("fixtures parse")
}

#[test]
fn renders_every_fixture_as_the_app_does() {
    for case in cases() {
        let (input, html, plain) = case.expanded();
        assert_eq!(to_html(&input), html, "html of {}", case.name);
        assert_eq!(to_plain(&input), plain, "plain of {}", case.name);
    }
}

/// Whatever the input, the only elements are the subset's own, and links go to the web or
/// to mail.
#[test]
fn no_fixture_yields_an_element_or_link_outside_the_subset() {
    const TAGS: [&str; 14] = [
        "<p>",
        "</p>",
        "<br>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<code>",
        "</code>",
        "<pre>",
        "</pre>",
        "<li>",
        "</li>",
        "</a>",
    ];
    for case in cases() {
        let (input, _, _) = case.expanded();
        let mut html = to_html(&input);
        for tag in TAGS.iter().chain(&["<ul>", "</ul>", "<ol>", "</ol>"]) {
            html = html.replace(tag, "");
        }
        let mut rest = html.as_str();
        while let Some(at) = rest.find('<') {
            let tag = &rest[at..at + rest[at..].find('>').expect("closed tag") + 1];
            let safe = tag.starts_with("<ol start=\"")
                || [
                    "<a href=\"https://",
                    "<a href=\"http://",
                    "<a href=\"mailto:",
                ]
                .iter()
                .any(|p| tag.to_lowercase().starts_with(p));
            assert!(safe, "{tag} in {}", case.name);
            assert_eq!(
                tag.matches('"').count(),
                if tag.starts_with("<a") { 6 } else { 2 },
                "{tag}"
            );
            rest = &rest[at + tag.len()..];
        }
    }
}
