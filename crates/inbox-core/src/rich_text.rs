//! Rich text in replies and notes: bodies are stored as the teammate typed them, in one small
//! Markdown subset, and rendered here to HTML (the customer's email) and to plain text (its
//! plain-text alternative). The app and the Messenger page render the same subset with
//! `ui/src/lib/richText.ts`; the fixtures in `tests/fixtures/rich_text.json` hold both to the
//! same output.
//!
//! The subset:
//! - blocks: paragraphs (a line break is `<br>`), fenced code blocks (a line starting with
//!   three backticks and no other backtick, up to a line that is just three backticks),
//!   bulleted lists (`- ` or `* `) and numbered lists (`1. `);
//! - inline: `**bold**`, `*italic*` and `_italic_`, `` `code` ``, `[text](url)` links to
//!   `http`, `https` and `mailto` only, and bare `http(s)://` addresses linked.
//!
//! Raw HTML is never interpreted: every character of the input reaches the output escaped,
//! so the output is safe by construction. A marker that does not open a valid span is
//! kept as text. Every closing marker is found through a table built once per line, so
//! rendering is linear in the input however its markers are arranged.

/// The HTML of `text`: block elements only, no newline between them.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    for block in blocks(text) {
        match block {
            Block::Paragraph(lines) => {
                out.push_str("<p>");
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        out.push_str("<br>");
                    }
                    html_inlines(&inlines(line), &mut out);
                }
                out.push_str("</p>");
            }
            Block::Code(lines) => {
                out.push_str("<pre><code>");
                out.push_str(&escape(&lines.join("\n")));
                out.push_str("</code></pre>");
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                out.push_str(
                    match (ordered, start) {
                        (false, _) => "<ul>".to_owned(),
                        (true, 1) => "<ol>".to_owned(),
                        (true, n) => format!("<ol start=\"{n}\">"),
                    }
                    .as_str(),
                );
                for item in &items {
                    out.push_str("<li>");
                    html_inlines(&inlines(item), &mut out);
                    out.push_str("</li>");
                }
                out.push_str(if ordered { "</ol>" } else { "</ul>" });
            }
        }
    }
    out
}

/// The plain text of `text`, for the email's plain-text part: markers removed, links as
/// "text (url)", lists as "- item" or "1. item", blocks separated by a blank line.
pub fn to_plain(text: &str) -> String {
    let rendered: Vec<String> = blocks(text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(lines) => lines
                .iter()
                .map(|l| plain_inlines(&inlines(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Code(lines) => lines.join("\n"),
            Block::List {
                ordered,
                start,
                items,
            } => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let marker = if ordered {
                        format!("{}.", u64::from(start) + i as u64)
                    } else {
                        "-".to_owned()
                    };
                    format!("{marker} {}", plain_inlines(&inlines(item)))
                })
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    rendered.join("\n\n")
}

enum Block<'a> {
    Paragraph(Vec<&'a str>),
    Code(Vec<&'a str>),
    List {
        ordered: bool,
        start: u32,
        items: Vec<&'a str>,
    },
}

const FENCE: &str = "```";

fn blocks(text: &str) -> Vec<Block<'_>> {
    let lines: Vec<&str> = text
        .split("\r\n")
        .flat_map(|l| l.split(['\n', '\r']))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_blank(line) {
            i += 1;
        } else if is_fence_open(line) {
            i += 1;
            let from = i;
            while i < lines.len() && lines[i].trim_end_matches([' ', '\t']) != FENCE {
                i += 1;
            }
            out.push(Block::Code(lines[from..i].to_vec()));
            i += 1;
        } else if let Some(first) = list_item(line) {
            let mut items = vec![first.content];
            i += 1;
            while let Some(next) = lines.get(i).and_then(|l| list_item(l)) {
                if next.ordered != first.ordered {
                    break;
                }
                items.push(next.content);
                i += 1;
            }
            out.push(Block::List {
                ordered: first.ordered,
                start: first.number,
                items,
            });
        } else {
            let from = i;
            i += 1;
            while i < lines.len()
                && !is_blank(lines[i])
                && !is_fence_open(lines[i])
                && list_item(lines[i]).is_none()
            {
                i += 1;
            }
            out.push(Block::Paragraph(lines[from..i].to_vec()));
        }
    }
    out
}

fn is_blank(line: &str) -> bool {
    line.chars().all(is_space)
}

fn is_fence_open(line: &str) -> bool {
    line.strip_prefix(FENCE)
        .is_some_and(|rest| !rest.contains('`'))
}

struct Item<'a> {
    ordered: bool,
    number: u32,
    content: &'a str,
}

fn list_item(line: &str) -> Option<Item<'_>> {
    let line = line.trim_start_matches(' ');
    if let Some(content) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(Item {
            ordered: false,
            number: 0,
            content,
        });
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        if let Some(content) = line[digits..].strip_prefix(". ") {
            return Some(Item {
                ordered: true,
                number: line[..digits].parse().ok()?,
                content,
            });
        }
    }
    None
}

#[derive(Debug)]
enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Em(Vec<Inline>),
    Link { url: String, children: Vec<Inline> },
    AutoLink(String),
}

/// The spans a line may still open: none nests in itself, which bounds the depth.
#[derive(Clone, Copy)]
struct Allowed {
    strong: bool,
    em_star: bool,
    em_under: bool,
    link: bool,
}

/// Where the next closing marker of each kind is, at or after each position.
struct Closers {
    tick: Vec<usize>,
    strong: Vec<usize>,
    star: Vec<usize>,
    under: Vec<usize>,
    bracket: Vec<usize>,
    paren: Vec<usize>,
}

impl Closers {
    fn new(c: &[char]) -> Self {
        let at = |i: usize| c.get(i).copied();
        let table = |is: &dyn Fn(usize) -> bool| {
            let mut next = vec![usize::MAX; c.len() + 1];
            for i in (0..c.len()).rev() {
                next[i] = if is(i) { i } else { next[i + 1] };
            }
            next
        };
        let prev_ok = |i: usize, not: char| i > 0 && !is_space(c[i - 1]) && c[i - 1] != not;
        Closers {
            tick: table(&|i| c[i] == '`'),
            strong: table(&|i| {
                c[i] == '*' && at(i + 1) == Some('*') && i > 0 && !is_space(c[i - 1])
            }),
            star: table(&|i| c[i] == '*' && prev_ok(i, '*') && at(i + 1) != Some('*')),
            under: table(&|i| c[i] == '_' && prev_ok(i, '_') && !at(i + 1).is_some_and(is_word)),
            bracket: table(&|i| c[i] == ']'),
            paren: table(&|i| c[i] == ')'),
        }
    }
}

fn next(table: &[usize], from: usize) -> usize {
    table.get(from).copied().unwrap_or(usize::MAX)
}

fn inlines(line: &str) -> Vec<Inline> {
    let chars: Vec<char> = line.chars().collect();
    let closers = Closers::new(&chars);
    let all = Allowed {
        strong: true,
        em_star: true,
        em_under: true,
        link: true,
    };
    parse(&chars, &closers, 0, chars.len(), all)
}

const AUTOLINK_PREFIXES: [&str; 2] = ["https://", "http://"];

fn parse(c: &[char], closers: &Closers, start: usize, end: usize, allowed: Allowed) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<Inline>| {
        if !run.is_empty() {
            out.push(Inline::Text(std::mem::take(run)));
        }
    };
    let opens = |i: usize, marker: char| i < end && !is_space(c[i]) && c[i] != marker;
    let mut i = start;
    while i < end {
        let ch = c[i];
        if ch == '`' {
            let j = next(&closers.tick, i + 1);
            if j < end && j > i + 1 {
                flush(&mut run, &mut out);
                out.push(Inline::Code(c[i + 1..j].iter().collect()));
                i = j + 1;
                continue;
            }
        } else if ch == '*' && i + 1 < end && c[i + 1] == '*' {
            if allowed.strong && opens(i + 2, '*') {
                let j = next(&closers.strong, i + 3);
                if j < end && j + 2 <= end {
                    flush(&mut run, &mut out);
                    let inner = Allowed {
                        strong: false,
                        ..allowed
                    };
                    out.push(Inline::Strong(parse(c, closers, i + 2, j, inner)));
                    i = j + 2;
                    continue;
                }
            }
            run.push_str("**");
            i += 2;
            continue;
        } else if ch == '*' {
            if allowed.em_star && opens(i + 1, '*') {
                let j = next(&closers.star, i + 2);
                if j < end {
                    flush(&mut run, &mut out);
                    let inner = Allowed {
                        em_star: false,
                        ..allowed
                    };
                    out.push(Inline::Em(parse(c, closers, i + 1, j, inner)));
                    i = j + 1;
                    continue;
                }
            }
        } else if ch == '_' {
            if allowed.em_under && (i == 0 || !is_word(c[i - 1])) && opens(i + 1, '_') {
                let j = next(&closers.under, i + 2);
                if j < end {
                    flush(&mut run, &mut out);
                    let inner = Allowed {
                        em_under: false,
                        ..allowed
                    };
                    out.push(Inline::Em(parse(c, closers, i + 1, j, inner)));
                    i = j + 1;
                    continue;
                }
            }
        } else if ch == '[' && allowed.link {
            let j = next(&closers.bracket, i + 1);
            if j < end && j > i + 1 && j + 1 < end && c[j + 1] == '(' {
                let k = next(&closers.paren, j + 2);
                if k < end && k > j + 2 {
                    let url: String = c[j + 2..k].iter().collect();
                    if is_safe_url(&url) {
                        flush(&mut run, &mut out);
                        let inner = Allowed {
                            link: false,
                            ..allowed
                        };
                        let children = parse(c, closers, i + 1, j, inner);
                        out.push(Inline::Link { url, children });
                        i = k + 1;
                        continue;
                    }
                }
            }
        } else if ch == 'h' && allowed.link && (i == 0 || !is_word(c[i - 1])) {
            if let Some(prefix) = AUTOLINK_PREFIXES.iter().find(|p| starts_with(c, i, end, p)) {
                let mut j = i;
                while j < end && !is_space(c[j]) {
                    j += 1;
                }
                while j > i && ".,;:!?'\")]".contains(c[j - 1]) {
                    j -= 1;
                }
                if j > i + prefix.len() {
                    flush(&mut run, &mut out);
                    out.push(Inline::AutoLink(c[i..j].iter().collect()));
                    i = j;
                    continue;
                }
            }
        }
        run.push(ch);
        i += 1;
    }
    flush(&mut run, &mut out);
    out
}

fn starts_with(c: &[char], i: usize, end: usize, prefix: &str) -> bool {
    let n = prefix.chars().count();
    i + n <= end && c[i..i + n].iter().copied().eq(prefix.chars())
}

/// Whether a link may be followed: `http`, `https` or `mailto`, with no spaces.
pub fn is_safe_url(url: &str) -> bool {
    if url.chars().any(is_space) {
        return false;
    }
    ["http://", "https://", "mailto:"].iter().any(|p| {
        url.len() > p.len()
            && url.is_char_boundary(p.len())
            && url[..p.len()].eq_ignore_ascii_case(p)
    })
}

fn html_inlines(nodes: &[Inline], out: &mut String) {
    for node in nodes {
        match node {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Code(t) => {
                out.push_str("<code>");
                out.push_str(&escape(t));
                out.push_str("</code>");
            }
            Inline::Strong(children) => {
                out.push_str("<strong>");
                html_inlines(children, out);
                out.push_str("</strong>");
            }
            Inline::Em(children) => {
                out.push_str("<em>");
                html_inlines(children, out);
                out.push_str("</em>");
            }
            Inline::Link { url, children } => {
                out.push_str(&format!("<a href=\"{}\" {LINK_ATTRS}>", escape(url)));
                html_inlines(children, out);
                out.push_str("</a>");
            }
            Inline::AutoLink(url) => {
                let url = escape(url);
                out.push_str(&format!("<a href=\"{url}\" {LINK_ATTRS}>{url}</a>"));
            }
        }
    }
}

const LINK_ATTRS: &str = "target=\"_blank\" rel=\"noopener noreferrer\"";

fn plain_inlines(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Inline::Text(t) | Inline::Code(t) | Inline::AutoLink(t) => out.push_str(t),
            Inline::Strong(children) | Inline::Em(children) => {
                out.push_str(&plain_inlines(children))
            }
            Inline::Link { url, children } => {
                let text = plain_inlines(children);
                if &text == url {
                    out.push_str(url);
                } else {
                    out.push_str(&format!("{text} ({url})"));
                }
            }
        }
    }
    out
}

/// Only these two are spaces to the rules, so that both renderers agree exactly.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_run_of_markers_renders_in_linear_time() {
        for unit in ["*", "**", "_", "* a", "*a ", "[", "[a](", "`", "_a "] {
            let text = unit.repeat(crate::limits::MAX_BODY / unit.len());
            assert!(to_html(&text).len() >= text.len(), "{unit}");
            assert!(to_plain(&text).len() <= text.len(), "{unit}");
        }
    }
}
