//! What full-text search indexes and how words are compared, the same on both backends: text
//! is folded here (lower case, accents taken off: "resume" finds "résumé") and cut into words,
//! and each backend indexes those words as they are. A query matches a ticket or conversation
//! when every one of its words begins some word of it (its title, description, attribute
//! values, or any one of its replies and notes).

use inbox_core::{AttributeValue, PartKind, Ticket};
use serde::Deserialize;

use super::{SearchDoc, Storage, StorageExt, Tx};
use crate::error::Result;
use crate::workspace::parse;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longer words are cut to this many characters, in documents and queries alike.
const MAX_WORD: usize = 64;
/// Query words beyond these are ignored, so one search costs a bounded number of lookups.
pub const MAX_QUERY_WORDS: usize = 8;

/// The words of `text`, folded, in order, separated by single spaces.
pub fn words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in split(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

fn split(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let folded: String = w
                .nfkd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .filter(|c| c.is_alphanumeric())
                .take(MAX_WORD)
                .collect();
            (!folded.is_empty()).then_some(folded)
        })
}

/// The distinct words of a query, at most [`MAX_QUERY_WORDS`].
pub fn query_words(query: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in split(query) {
        if !found.contains(&word) {
            found.push(word);
        }
        if found.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    found
}

/// What a ticket's own fields give search: title, description and attribute values (text and
/// numbers).
pub fn ticket_text(ticket: &Ticket) -> String {
    let mut text = format!("{} {}", ticket.title, ticket.description);
    for value in ticket.attributes.values() {
        match value {
            AttributeValue::Text(t) => text.push_str(&format!(" {t}")),
            AttributeValue::Integer(n) => text.push_str(&format!(" {n}")),
            AttributeValue::Decimal(n) => text.push_str(&format!(" {n}")),
            AttributeValue::Boolean(_) => {}
        }
    }
    words(&text)
}

/// What a timeline part gives search: a reply's, note's or cross-post's text; nothing for the
/// rest.
pub fn part_text(kind: &PartKind) -> String {
    kind.text().map(words).unwrap_or_default()
}

/// Any part, a ticket's or a conversation's, as far as search reads it.
#[derive(Deserialize)]
struct AnyPart {
    id: String,
    ticket: Option<String>,
    conversation: Option<String>,
    kind: PartKind,
}

/// Rows read per statement while indexing what a database held before it had the index.
const BATCH: usize = 1_000;

/// Indexes every ticket and part already stored: once, when a database gets the index.
pub fn index_everything(storage: &dyn Storage) -> Result<()> {
    storage.writing(|tx| {
        let mut after = String::new();
        loop {
            let page = tx.tickets_after(&after, BATCH)?;
            let Some((last, _)) = page.last() else { break };
            after = last.clone();
            let mut docs = Vec::with_capacity(page.len());
            for (id, doc) in &page {
                let ticket: Ticket = parse("ticket", doc)?;
                docs.push(SearchDoc {
                    key: id.clone(),
                    owner: id.clone(),
                    text: ticket_text(&ticket),
                });
            }
            tx.put_search_docs(&docs)?;
        }
        index_parts(tx)
    })
}

fn index_parts(tx: &mut dyn Tx) -> Result<()> {
    let mut after = 0;
    loop {
        let page = tx.parts_after(after, BATCH)?;
        let Some((last, _)) = page.last() else {
            return Ok(());
        };
        after = *last;
        let mut docs = Vec::new();
        for (_, doc) in &page {
            let part: AnyPart = parse("part", doc)?;
            let text = part_text(&part.kind);
            if let (Some(owner), false) = (part.ticket.or(part.conversation), text.is_empty()) {
                docs.push(SearchDoc {
                    key: part.id,
                    owner,
                    text,
                });
            }
        }
        tx.put_search_docs(&docs)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_lowercase_and_split_on_everything_else() {
        assert_eq!(
            words("Résumé: ÉCOLE-naïve  café_42 Straße"),
            "resume ecole naive cafe 42 straße"
        );
        assert_eq!(words("  --  "), "");
        assert_eq!(
            query_words("refund REFUND Refund paypal a b c d e f g h"),
            ["refund", "paypal", "a", "b", "c", "d", "e", "f"]
        );
    }
}
