//! Full-text search over tickets: titles, descriptions, attribute values, replies and notes,
//! one hit per ticket with its best match highlighted, within a view.
//!
//! The index is the FTS5 table `ticket_search` (schema migration 5): one document per ticket,
//! kept in step by triggers, whatever writes the rows. Triggers only note which tickets changed;
//! [`Store::refresh_search_index`] rewrites their documents in bulk, and every search does so
//! first, so it never sees an out-of-date ticket.

use std::collections::HashMap;

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::inbox::{Filters, InboxRow, View, MAX_PAGE};
use crate::{Result, Store};

/// Marks where a match starts in a snippet (a private-use character, never in indexed text).
pub const MATCH_START: char = '\u{E000}';
/// Marks where a match ends in a snippet.
pub const MATCH_END: char = '\u{E001}';

/// Longer input is cut to this many characters, and to [`MAX_WORDS`] words.
const MAX_QUERY_CHARS: usize = 256;
const MAX_WORDS: usize = 16;
/// The ranking: bm25, a match in the title weighing ten times one in a reply or note, one in
/// an attribute value four times, one in the description twice (the index's column order).
const RANK: &str = "bm25(ticket_search, 10.0, 2.0, 4.0, 1.0, 1.0)";
/// About how many words a snippet shows around its match.
const SNIPPET_TOKENS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchQuery {
    /// What the teammate typed: every word must match (the last one as a prefix, as it may not
    /// be finished). `#123` or `123` alone also finds ticket number 123.
    pub text: String,
    /// Only tickets of this view…
    pub view: View,
    /// …that pass these filters, as in the inbox list.
    #[serde(default)]
    pub filters: Filters,
    /// At most 500, as for the inbox list.
    pub limit: u32,
    pub offset: u32,
}

/// Where a hit's best match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SearchField {
    /// The ticket's number is what was typed (`#123`, `123`).
    Number,
    Title,
    Description,
    Attribute,
    Reply,
    Note,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub row: InboxRow,
    pub field: SearchField,
    /// The text around the best match (the whole title for a title match), each match between
    /// [`MATCH_START`] and [`MATCH_END`]. Plain text, never HTML.
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchPage {
    /// How many tickets of the view match.
    pub total: i64,
    pub hits: Vec<SearchHit>,
}

/// The index's columns, in its order, with the field each one is.
const COLUMNS: [SearchField; 5] = [
    SearchField::Title,
    SearchField::Description,
    SearchField::Attribute,
    SearchField::Reply,
    SearchField::Note,
];

/// Which field wins when two hold as many matches: the one that weighs more in the ranking.
fn precedence(field: SearchField) -> u8 {
    match field {
        SearchField::Number => 5,
        SearchField::Title => 4,
        SearchField::Attribute => 3,
        SearchField::Description => 2,
        SearchField::Reply => 1,
        SearchField::Note => 0,
    }
}

/// One matching ticket, before its page is picked.
struct Ranked {
    key: i64,
    score: f64,
    last_activity_at: i64,
    id: String,
}

impl Store {
    /// One page of the tickets of `q.view` matching `q.text`, best first (bm25, title matches
    /// weighing most; equally good ones by last activity), each with its best match. Blank
    /// text gives an empty page.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchPage> {
        let text = truncate(&q.text);
        let expression = match_expression(&text);
        let number = ticket_number(&text);
        if expression.is_none() && number.is_none() {
            return Ok(SearchPage {
                total: 0,
                hits: Vec::new(),
            });
        }
        self.refresh_search_index()?;
        let condition = q.filters.apply(self, &q.view, crate::inbox::list_time())?;
        let filter = condition.and_clause();
        let filter_params = condition.params();

        // The ticket with that number leads, if it is in the view.
        let numbered: Option<(i64, String)> = match number {
            Some(n) => {
                let mut params = vec![Value::Integer(n)];
                params.extend(filter_params.iter().cloned());
                let mut stmt = self.conn.prepare_cached(&format!(
                    "SELECT t.rowid, t.id FROM tickets t WHERE t.number = ?{filter}"
                ))?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                match rows.next()? {
                    Some(r) => Some((r.get(0)?, r.get(1)?)),
                    None => None,
                }
            }
            None => None,
        };
        let limit = q.limit.min(MAX_PAGE) as usize;
        let offset = q.offset as usize;
        // The text matches' share of the page, after the numbered ticket.
        let (lead, text_offset, text_limit) = match numbered {
            Some(_) if offset == 0 => (limit > 0, 0, limit.saturating_sub(1)),
            Some(_) => (false, offset - 1, limit),
            None => (false, offset, limit),
        };

        let mut total = numbered.is_some() as i64;
        let mut ranked = Vec::new();
        if let Some(expression) = &expression {
            let numbered_key = numbered.as_ref().map(|(key, _)| *key);
            let (text_total, page, numbered_matches) = self.rank(
                expression,
                &filter,
                filter_params,
                numbered_key,
                text_offset + text_limit,
            )?;
            ranked = page;
            total += text_total - numbered_matches as i64;
            ranked.drain(..text_offset.min(ranked.len()));
        }

        let mut ids: Vec<String> = Vec::new();
        if lead {
            if let Some((_, id)) = &numbered {
                ids.push(id.clone());
            }
        }
        ids.extend(ranked.iter().map(|r| r.id.clone()));
        if ids.is_empty() {
            return Ok(SearchPage {
                total,
                hits: Vec::new(),
            });
        }
        let rows = self.inbox_rows(
            "SELECT value AS id, key AS position FROM json_each(?)",
            vec![Value::Text(crate::codec::to_json(&ids))],
            "page.position",
        )?;
        let mut best_by_key = match &expression {
            Some(expression) => self.best_matches(expression, &ranked)?,
            None => HashMap::new(),
        };
        let mut best: HashMap<&str, (SearchField, String)> = ranked
            .iter()
            .filter_map(|r| Some((r.id.as_str(), best_by_key.remove(&r.key)?)))
            .collect();
        let numbered_id = numbered.as_ref().map(|(_, id)| id.as_str());
        let hits = rows
            .into_iter()
            .map(|row| {
                let id = row.id.to_string();
                let (field, snippet) = match best.remove(id.as_str()) {
                    Some(best) => best,
                    None if lead && numbered_id == Some(id.as_str()) => {
                        (SearchField::Number, row.title.clone())
                    }
                    // Matched, but not marked (cannot happen): the title stands in.
                    None => (SearchField::Title, row.title.clone()),
                };
                SearchHit {
                    row,
                    field,
                    snippet,
                }
            })
            .collect();
        Ok(SearchPage { total, hits })
    }

    /// Brings the search index up to date with every ticket written since it last was. Search
    /// does this itself; calling it after a bulk write does the work ahead of the first search.
    pub fn refresh_search_index(&self) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        let stale: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM ticket_search_stale)")?
            .query_row([], |r| r.get(0))?;
        if stale {
            self.conn
                .prepare_cached("INSERT INTO ticket_search_refresh VALUES (NULL)")?
                .execute([])?;
        }
        Ok(())
    }

    /// The first `want` tickets matching `expression` within the view, in order, leaving the
    /// numbered ticket out; how many match in all; and whether the numbered ticket does.
    fn rank(
        &self,
        expression: &str,
        filter: &str,
        filter_params: &[Value],
        numbered: Option<i64>,
        want: usize,
    ) -> Result<(i64, Vec<Ranked>, bool)> {
        // Every match is scored, but only the best few are joined to their tickets (for the
        // view and the tie-break on activity): joining them all would cost as much again. A
        // view keeps some of them only, so more are read for one. Should that not settle the
        // page (too few in the view, or ties beyond what was read), every match is joined.
        let first = if filter.is_empty() {
            (want * 4).max(200)
        } else {
            (want * 20).max(1_000)
        };
        let condition = filter.strip_prefix(" AND ").unwrap_or("1");
        let mut params = filter_params.to_vec();
        params.push(Value::Text(expression.to_owned()));
        params.push(Value::Integer(first as i64));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT m.k, m.score, t.last_activity_at, t.id,
                CASE WHEN {condition} THEN 1 ELSE 0 END AS in_view
             FROM (SELECT rowid AS k, {RANK} AS score FROM ticket_search
                   WHERE ticket_search MATCH ? ORDER BY score LIMIT ?) m
             CROSS JOIN tickets t ON t.rowid = m.k"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        let mut read = 0;
        let mut last_score = f64::NEG_INFINITY;
        let mut in_view: Vec<Ranked> = Vec::new();
        let mut numbered_matches = false;
        while let Some(r) = rows.next()? {
            read += 1;
            let key: i64 = r.get(0)?;
            last_score = r.get(1)?;
            if Some(key) == numbered {
                numbered_matches = true;
            } else if r.get::<_, bool>(4)? {
                in_view.push(Ranked {
                    key,
                    score: last_score,
                    last_activity_at: r.get(2)?,
                    id: r.get(3)?,
                });
            }
        }
        drop(rows);
        let by_rank = |a: &Ranked, b: &Ranked| {
            a.score
                .total_cmp(&b.score)
                .then(b.last_activity_at.cmp(&a.last_activity_at))
                .then(b.id.cmp(&a.id))
        };
        in_view.sort_by(by_rank);
        if read < first {
            // Every match was read.
            let total = in_view.len() as i64 + numbered_matches as i64;
            in_view.truncate(want);
            return Ok((total, in_view, numbered_matches));
        }
        // Matches not read yet score `last_score` or worse: those read that score better are
        // all there are. Enough of them, and no tie with the unread: the page is known.
        let known = in_view.partition_point(|r| r.score < last_score);
        let ranked = if known >= want && (want == 0 || in_view[want - 1].score < last_score) {
            in_view.truncate(want);
            in_view
        } else {
            let mut params = vec![Value::Text(expression.to_owned())];
            params.extend(filter_params.iter().cloned());
            params.push(Value::Integer(want as i64 + numbered.is_some() as i64));
            let mut ranked = Vec::new();
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT s.rowid, {RANK} AS score, t.last_activity_at, t.id
                 FROM ticket_search s CROSS JOIN tickets t ON t.rowid = s.rowid
                 WHERE s.ticket_search MATCH ?{filter}
                 ORDER BY score, t.last_activity_at DESC, t.id DESC LIMIT ?"
            ))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
            while let Some(r) = rows.next()? {
                let key: i64 = r.get(0)?;
                if Some(key) == numbered {
                    numbered_matches = true;
                    continue;
                }
                ranked.push(Ranked {
                    key,
                    score: r.get(1)?,
                    last_activity_at: r.get(2)?,
                    id: r.get(3)?,
                });
            }
            ranked.truncate(want);
            ranked
        };
        let mut params = vec![Value::Text(expression.to_owned())];
        params.extend(filter_params.iter().cloned());
        let total: i64 = if filter.is_empty() {
            self.conn
                .prepare_cached("SELECT COUNT(*) FROM ticket_search WHERE ticket_search MATCH ?")?
                .query_row([expression], |r| r.get(0))?
        } else {
            // SQLite picks: the view's tickets looked up among the matches, or the reverse.
            self.conn
                .prepare_cached(&format!(
                    "SELECT COUNT(*) FROM tickets t
                     WHERE t.rowid IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)
                       {filter}"
                ))?
                .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?
        };
        if let (Some(key), false) = (numbered, numbered_matches) {
            numbered_matches = self
                .conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM ticket_search
                     WHERE ticket_search MATCH ?1 AND rowid = ?2)",
                )?
                .query_row(rusqlite::params![expression, key], |r| r.get(0))?;
        }
        Ok((total, ranked, numbered_matches))
    }

    /// The field of each ticket of `page` that matches `expression` best, and its snippet: the
    /// one with the most different matches, the heavier one of two with as many.
    fn best_matches(
        &self,
        expression: &str,
        page: &[Ranked],
    ) -> Result<HashMap<i64, (SearchField, String)>> {
        let (Some(low), Some(high)) = (
            page.iter().map(|r| r.key).min(),
            page.iter().map(|r| r.key).max(),
        ) else {
            return Ok(HashMap::new());
        };
        let keys: Vec<i64> = page.iter().map(|r| r.key).collect();
        // One query for the page: the match is set up once (a prefix's doclists merged once),
        // and the snippets are only made for the page's tickets (`+rowid` keeps that test out
        // of FTS5, which would otherwise look each ticket up with a query of its own).
        let sql = format!(
            "SELECT rowid,
                highlight(ticket_search, 0, char(57344), char(57345)),
                snippet(ticket_search, 1, char(57344), char(57345), '…', {n}),
                snippet(ticket_search, 2, char(57344), char(57345), '…', {n}),
                snippet(ticket_search, 3, char(57344), char(57345), '…', {n}),
                snippet(ticket_search, 4, char(57344), char(57345), '…', {n})
             FROM ticket_search
             WHERE ticket_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3
               AND +rowid IN (SELECT value FROM json_each(?4))",
            n = SNIPPET_TOKENS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params![
            expression,
            low,
            high,
            crate::codec::to_json(&keys)
        ])?;
        let mut best = HashMap::with_capacity(page.len());
        while let Some(r) = rows.next()? {
            let texts: [Option<String>; 5] =
                [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?];
            best.insert(r.get(0)?, best_field(texts));
        }
        Ok(best)
    }
}

/// The field with the most different matches (the heavier one of two with as many), and its
/// snippet, from the snippets of the index's columns.
fn best_field(texts: [Option<String>; 5]) -> (SearchField, String) {
    let best = COLUMNS
        .iter()
        .zip(&texts)
        .filter_map(|(field, text)| {
            let text = text.as_deref()?;
            let found = distinct_matches(text);
            (found > 0).then_some((found, precedence(*field), *field))
        })
        .max_by_key(|(found, precedence, _)| (*found, *precedence));
    match best {
        Some((.., field)) => {
            let column = COLUMNS.iter().position(|c| *c == field).unwrap_or(0);
            (field, texts[column].clone().unwrap_or_default())
        }
        // Every match is somewhere; should none be marked, the title stands in.
        None => (SearchField::Title, texts[0].clone().unwrap_or_default()),
    }
}

/// `text` cut to [`MAX_QUERY_CHARS`] characters, without the match markers.
pub(crate) fn truncate(text: &str) -> String {
    text.chars()
        .filter(|c| *c != MATCH_START && *c != MATCH_END)
        .take(MAX_QUERY_CHARS)
        .collect()
}

/// The FTS5 query for what the teammate typed, or `None` when it has no word to look for.
/// Each word is quoted (whatever it holds is text to find, never query syntax), every word must
/// match, and the last one is a prefix once it has 3 characters: a prefix of one or two matches
/// so much of a large workspace that ranking it all would cost every keystroke tens of
/// milliseconds, and a word that short is rarely what the teammate means to find.
pub(crate) fn match_expression(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
        .collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            let tail = word
                .chars()
                .rev()
                .skip_while(|c| !c.is_alphanumeric())
                .take_while(|c| c.is_alphanumeric())
                .count();
            if i == last && tail >= 3 {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(terms.join(" AND "))
}

/// The ticket number typed alone (`123` or `#123`), if that is what `text` is.
pub(crate) fn ticket_number(text: &str) -> Option<i64> {
    let digits = text.trim();
    let digits = digits.strip_prefix('#').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// How many different texts `snippet` marks as matches.
pub(crate) fn distinct_matches(snippet: &str) -> usize {
    let mut found: Vec<String> = Vec::new();
    for piece in snippet.split(MATCH_START).skip(1) {
        if let Some((matched, _)) = piece.split_once(MATCH_END) {
            let matched = matched.to_lowercase();
            if !found.contains(&matched) {
                found.push(matched);
            }
        }
    }
    found.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            match_expression("refund order").as_deref(),
            Some("\"refund\" AND \"order\"*")
        );
        assert_eq!(
            match_expression("say \"hi\" NEAR(a b) -x col:y AND").as_deref(),
            Some(
                "\"say\" AND \"\"\"hi\"\"\" AND \"NEAR(a\" AND \"b)\" AND \"-x\" AND \"col:y\" \
                 AND \"AND\"*"
            )
        );
        assert_eq!(match_expression("ORD-48").as_deref(), Some("\"ORD-48\""));
        assert_eq!(match_expression("ORD-482").as_deref(), Some("\"ORD-482\"*"));
        assert_eq!(match_expression("résumé.").as_deref(), Some("\"résumé.\"*"));
        assert_eq!(match_expression("a").as_deref(), Some("\"a\""));
    }

    #[test]
    fn blank_or_punctuation_only_text_looks_for_nothing() {
        for text in ["", "   ", "\t\n", "- * : \" ( )", "#"] {
            assert_eq!(match_expression(text), None, "{text:?}");
        }
    }

    #[test]
    fn overlong_text_is_cut() {
        let long = "word ".repeat(1_000);
        let text = truncate(&long);
        assert_eq!(text.chars().count(), MAX_QUERY_CHARS);
        let expression = match_expression(&text).unwrap();
        assert_eq!(expression.matches("AND").count(), MAX_WORDS - 1);
        assert_eq!(truncate("a\u{E000}b\u{E001}c"), "abc");
    }

    #[test]
    fn a_number_alone_names_a_ticket() {
        assert_eq!(ticket_number("123"), Some(123));
        assert_eq!(ticket_number(" #42 "), Some(42));
        for text in [
            "",
            "#",
            "12a",
            "refund 12",
            "# 12",
            "-3",
            "99999999999999999999999",
        ] {
            assert_eq!(ticket_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn matches_are_counted_once_each() {
        let s = "\u{E000}Refund\u{E001} for \u{E000}refund\u{E001} \u{E000}order\u{E001}";
        assert_eq!(distinct_matches(s), 2);
        assert_eq!(distinct_matches("no match"), 0);
        assert_eq!(distinct_matches("broken \u{E000}marker"), 0);
    }
}
