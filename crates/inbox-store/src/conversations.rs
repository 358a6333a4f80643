//! Conversations as the app shows them: the list of a view (mine, unassigned, a team's, all),
//! open, snoozed or closed, with unread marks and the sidebar's counts; one conversation with
//! everything it refers to resolved; and full-text search over their messages.
//!
//! A conversation snoozed until a time later than `now` is out of the open views (it is in the
//! snoozed ones) until then: every query that tells them apart takes `now`.

use std::collections::{BTreeMap, HashMap};

use inbox_core::{Company, Contact, Conversation, ConversationId, Millis, Team, TeamId, Teammate};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::codec::id;
use crate::condition::Condition;
use crate::inbox::{View, MAX_PAGE};
use crate::read_model::{summary_row, LinkedTicketSummary, TimelineEntry, SUMMARY};
use crate::search::{distinct_matches, match_expression, truncate};
use crate::write::conversation_row;
use crate::{Result, Store, StoreError};

/// Which conversations of a view a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    /// Open and not snoozed: waiting on the team.
    #[default]
    Open,
    /// Open, but snoozed until a later time.
    Snoozed,
    Closed,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationQuery {
    /// All, Mine, Unassigned, a team's, a contact's or a company's; views by a ticket's
    /// category, state or brand hold no conversation.
    pub view: View,
    #[serde(default)]
    pub status: ConversationStatus,
    /// Only conversations with something I have not read.
    #[serde(default)]
    pub unread: bool,
    pub offset: u32,
    /// At most 500.
    pub limit: u32,
}

/// The latest message or note of a conversation, for its line in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageExcerpt {
    pub author_name: String,
    /// Written by the customer (else by a teammate, or the system).
    pub from_customer: bool,
    /// An internal note: only teammates see it.
    pub internal: bool,
    /// The start of its text, on one line.
    pub text: String,
}

/// A conversation as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationRow {
    pub conversation: Conversation,
    pub contact_name: String,
    pub assignee_name: Option<String>,
    /// False when the assignee was deactivated.
    pub assignee_active: bool,
    pub team_name: Option<String>,
    pub last_message: Option<MessageExcerpt>,
    /// Its one ticket shared with the customer (R11).
    pub linked_ticket: Option<LinkedTicketSummary>,
    /// The back-office tickets raised from it (R12).
    pub back_office_tickets: Vec<LinkedTicketSummary>,
    /// Something from someone else since I last opened it.
    pub unread: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationPage {
    /// How many conversations the whole list holds.
    pub total: i64,
    pub offset: u32,
    pub rows: Vec<ConversationRow>,
}

/// One conversation, with everything it refers to resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationDetail {
    pub conversation: Conversation,
    pub contact: Contact,
    pub company: Option<Company>,
    pub assignee: Option<Teammate>,
    pub team: Option<Team>,
    /// Its one ticket shared with the customer (R11).
    pub linked_ticket: Option<LinkedTicketSummary>,
    /// The back-office tickets raised from it (R12), oldest first.
    pub back_office_tickets: Vec<LinkedTicketSummary>,
    /// Messages, notes and events, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Something from someone else since I last opened it.
    pub unread: bool,
    /// Everything the customer wrote, for the description of a ticket made from it.
    pub transcript: String,
}

/// Open conversations (not snoozed) per view of the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationCounts {
    pub all: i64,
    pub mine: i64,
    pub unassigned: i64,
    /// Every team, with 0 for teams without open conversations.
    pub by_team: BTreeMap<TeamId, i64>,
    /// Open conversations assigned to me with something I have not read.
    pub unread: i64,
    /// Conversations of mine snoozed for now.
    pub mine_snoozed: i64,
}

/// Where a conversation hit's best match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConversationSearchField {
    Subject,
    Message,
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationSearchQuery {
    /// What the teammate typed: every word must match, the last one as a prefix.
    pub text: String,
    pub view: View,
    #[serde(default)]
    pub status: ConversationStatus,
    #[serde(default)]
    pub unread: bool,
    /// At most 500.
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationHit {
    pub row: ConversationRow,
    pub field: ConversationSearchField,
    /// The text around the best match, each match between [`crate::MATCH_START`] and
    /// [`crate::MATCH_END`]. Plain text, never HTML.
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConversationSearchPage {
    /// How many conversations of the list match.
    pub total: i64,
    pub hits: Vec<ConversationHit>,
}

/// How long an excerpt of the last message is, in characters.
const EXCERPT_CHARS: usize = 140;
/// The ranking: a match in the subject weighs five times one in a message or note.
const RANK: &str = "bm25(conversation_search, 5.0, 1.0, 1.0)";
const SEARCH_COLUMNS: [ConversationSearchField; 3] = [
    ConversationSearchField::Subject,
    ConversationSearchField::Message,
    ConversationSearchField::Note,
];

/// Whether conversation `v` has a part newer than the read mark of the teammate in parameter
/// `me`, by anyone but them (as [`crate::unread`] for tickets).
pub(crate) fn has_unread_conversation_part(me: &str) -> String {
    format!(
        "EXISTS (
            SELECT 1 FROM (SELECT {me} AS me) m, conversation_parts p
            WHERE p.conversation_id = v.id
              AND p.created_at > COALESCE(
                  (SELECT r.read_at FROM conversation_reads r
                   WHERE r.conversation_id = v.id AND r.teammate_id = m.me), 0)
              AND NOT (p.author_kind = 'teammate' AND p.author_id IS m.me))"
    )
}

/// The condition on conversation `v` for being in `status` at `now`.
fn status_condition(condition: &mut Condition, status: ConversationStatus, now: Millis) {
    match status {
        ConversationStatus::Open => condition.and(
            "v.open = 1 AND (v.snoozed_until IS NULL OR v.snoozed_until <= ?)",
            [Value::Integer(now)],
        ),
        ConversationStatus::Snoozed => {
            condition.and("v.open = 1 AND v.snoozed_until > ?", [Value::Integer(now)])
        }
        ConversationStatus::Closed => condition.and("v.open = 0", []),
        ConversationStatus::All => {}
    }
}

impl Store {
    /// The condition selecting conversation `v` of `view`.
    fn conversation_view(&self, view: &View) -> Result<Condition> {
        let is = |sql: &str, value: String| Condition::clause(sql, [Value::Text(value)]);
        Ok(match view {
            View::All => Condition::all(),
            View::Mine => is("v.assignee_teammate_id = ?", self.me()?.id.to_string()),
            View::Unassigned => Condition::clause(
                "v.assignee_teammate_id IS NULL AND v.assignee_team_id IS NULL",
                [],
            ),
            View::Team { team_id } => is("v.assignee_team_id = ?", team_id.to_string()),
            View::Contact { contact_id } => is("v.contact_id = ?", contact_id.to_string()),
            View::Company { company_id } => is(
                "v.contact_id IN (SELECT id FROM contacts WHERE company_id = ?)",
                company_id.to_string(),
            ),
            View::Category { .. } | View::State { .. } | View::Brand { .. } => {
                Condition::clause("0", [])
            }
        })
    }

    pub(crate) fn conversation_condition(
        &self,
        view: &View,
        status: ConversationStatus,
        unread: bool,
        now: Millis,
    ) -> Result<Condition> {
        let mut condition = self.conversation_view(view)?;
        status_condition(&mut condition, status, now);
        if unread {
            let me = Value::Text(self.me()?.id.to_string());
            condition.and(has_unread_conversation_part("?"), [me]);
        }
        Ok(condition)
    }

    /// One page of a view's conversations at `now`, most recent activity first (snoozed ones:
    /// the first to wake first), and how many the list holds.
    pub fn list_conversations(
        &self,
        q: &ConversationQuery,
        now: Millis,
    ) -> Result<ConversationPage> {
        let condition = self.conversation_condition(&q.view, q.status, q.unread, now)?;
        let filter = condition.where_clause();
        let order = if q.status == ConversationStatus::Snoozed {
            "v.snoozed_until, v.id"
        } else {
            "v.last_activity_at DESC, v.id DESC"
        };
        let mut params = condition.params().to_vec();
        params.push(Value::Integer(q.limit.min(MAX_PAGE).into()));
        params.push(Value::Integer(q.offset.into()));
        let rows = self.conversation_list_rows(
            &format!("SELECT v.id FROM conversations v {filter} ORDER BY {order} LIMIT ? OFFSET ?"),
            params,
            order,
        )?;
        let total = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM conversations v {filter}"))?
            .query_row(rusqlite::params_from_iter(condition.params()), |r| r.get(0))?;
        Ok(ConversationPage {
            total,
            offset: q.offset,
            rows,
        })
    }

    /// Conversations, most recent activity first, open or not.
    pub fn conversation_rows(&self, limit: u32) -> Result<Vec<ConversationRow>> {
        let query = ConversationQuery {
            view: View::All,
            status: ConversationStatus::All,
            unread: false,
            offset: 0,
            limit,
        };
        Ok(self.list_conversations(&query, 0)?.rows)
    }

    /// The rows of the conversations `page` picks (a query with an `id` column, given with its
    /// parameters), ordered by `order` (over the conversation `v` and `page`).
    pub(crate) fn conversation_list_rows(
        &self,
        page: &str,
        mut params: Vec<Value>,
        order: &str,
    ) -> Result<Vec<ConversationRow>> {
        let me = self.me().map(|me| me.id.to_string()).ok();
        let unread = has_unread_conversation_part("?");
        let sql = format!(
            "WITH page AS ({page})
             SELECT v.*, c.name AS contact_name,
                tm.name AS assignee_name, COALESCE(tm.active, 1) AS assignee_active,
                team.name AS team_name,
                lp.kind AS last_kind, lp.body AS last_body, lp.author_kind AS last_author_kind,
                COALESCE(ltm.name, lc.name, 'System') AS last_author_name,
                {unread} AS unread
             FROM page JOIN conversations v ON v.id = page.id
             JOIN contacts c ON c.id = v.contact_id
             LEFT JOIN teammates tm ON tm.id = v.assignee_teammate_id
             LEFT JOIN teams team ON team.id = v.assignee_team_id
             LEFT JOIN conversation_parts lp ON lp.id = (
                SELECT p.id FROM conversation_parts p
                WHERE p.conversation_id = v.id AND p.kind IN ('reply', 'note', 'cross_post')
                ORDER BY p.created_at DESC, p.rowid DESC LIMIT 1)
             LEFT JOIN teammates ltm ON lp.author_kind = 'teammate' AND ltm.id = lp.author_id
             LEFT JOIN contacts lc ON lp.author_kind = 'contact' AND lc.id = lp.author_id
             ORDER BY {order}"
        );
        params.push(me.map_or(Value::Null, Value::Text));
        let mut rows: Vec<ConversationRow> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(params), |r| {
                let last_kind: Option<String> = r.get("last_kind")?;
                let last_message = match last_kind {
                    Some(kind) => Some(MessageExcerpt {
                        author_name: r.get("last_author_name")?,
                        from_customer: r.get::<_, String>("last_author_kind")? == "contact",
                        internal: kind != "reply",
                        text: excerpt(
                            &r.get::<_, Option<String>>("last_body")?.unwrap_or_default(),
                        ),
                    }),
                    None => None,
                };
                Ok(ConversationRow {
                    conversation: conversation_row(r)?,
                    contact_name: r.get("contact_name")?,
                    assignee_name: r.get("assignee_name")?,
                    assignee_active: r.get("assignee_active")?,
                    team_name: r.get("team_name")?,
                    last_message,
                    linked_ticket: None,
                    back_office_tickets: Vec::new(),
                    unread: r.get("unread")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for row in &mut rows {
            row.linked_ticket = self.ticket_summary(row.conversation.linked_ticket)?;
            row.back_office_tickets = self.back_office_of(row.conversation.id)?;
        }
        Ok(rows)
    }

    fn ticket_summary(
        &self,
        ticket: Option<inbox_core::TicketId>,
    ) -> Result<Option<LinkedTicketSummary>> {
        ticket
            .map(|t| {
                self.one(
                    &format!("{SUMMARY} WHERE t.id = ?1"),
                    t,
                    "ticket",
                    summary_row,
                )
            })
            .transpose()
    }

    fn back_office_of(&self, conversation: ConversationId) -> Result<Vec<LinkedTicketSummary>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                // `+`: off the category's index, which SQLite would otherwise pick for the
                // order and scan every back-office ticket for each conversation; a
                // conversation has few tickets, found on theirs.
                "{SUMMARY} WHERE t.conversation_id = ?1 AND +t.category = 'back_office'
                 ORDER BY t.created_at, t.id"
            ))?
            .query_map([conversation.to_string()], summary_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One conversation as the app shows it.
    pub fn conversation_detail(&self, id: ConversationId) -> Result<ConversationDetail> {
        let conversation = self.conversation(id)?;
        let contact = self.contact(conversation.contact)?;
        let company = contact.company.map(|c| self.company(c)).transpose()?;
        let assignee = conversation
            .assignee_teammate
            .map(|t| self.teammate(t))
            .transpose()?;
        let team = match conversation.assignee_team {
            Some(t) => self.teams()?.into_iter().find(|x| x.id == t),
            None => None,
        };
        let parts = inbox_core::Workspace::conversation_parts(self, id)?;
        Ok(ConversationDetail {
            transcript: inbox_core::conversation::transcript(&conversation, &parts),
            linked_ticket: self.ticket_summary(conversation.linked_ticket)?,
            back_office_tickets: self.back_office_of(id)?,
            timeline: self.conversation_timeline(id)?,
            unread: self.is_conversation_unread(id)?,
            conversation,
            contact,
            company,
            assignee,
            team,
        })
    }

    /// Whether `conversation` has anything I have not read yet (false before there is a
    /// workspace).
    pub fn is_conversation_unread(&self, conversation: ConversationId) -> Result<bool> {
        let me = match self.me() {
            Ok(me) => me.id.to_string(),
            Err(StoreError::NoWorkspace) => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM conversations v WHERE v.id = ?2",
                has_unread_conversation_part("?1")
            ))?
            .query_row([me, conversation.to_string()], |r| r.get(0))?)
    }

    /// How many open conversations assigned to me, and not snoozed at `now`, are unread (0
    /// before there is a workspace).
    pub fn unread_conversation_count(&self, now: Millis) -> Result<i64> {
        let me = match self.me() {
            Ok(me) => me.id.to_string(),
            Err(StoreError::NoWorkspace) => return Ok(0),
            Err(e) => return Err(e),
        };
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM conversations v
                 WHERE v.assignee_teammate_id = ?1 AND v.open = 1
                   AND (v.snoozed_until IS NULL OR v.snoozed_until <= ?2) AND {}",
                has_unread_conversation_part("?1")
            ))?
            .query_row(rusqlite::params![me, now], |r| r.get(0))?)
    }

    /// How many open conversations (not snoozed at `now`) each view of the sidebar holds.
    pub fn conversation_counts(&self, now: Millis) -> Result<ConversationCounts> {
        let count = |view: View, status: ConversationStatus| -> Result<i64> {
            let condition = self.conversation_condition(&view, status, false, now)?;
            Ok(self
                .conn
                .prepare_cached(&format!(
                    "SELECT COUNT(*) FROM conversations v {}",
                    condition.where_clause()
                ))?
                .query_row(rusqlite::params_from_iter(condition.params()), |r| r.get(0))?)
        };
        let open = ConversationStatus::Open;
        let mut by_team: BTreeMap<TeamId, i64> =
            self.teams()?.into_iter().map(|t| (t.id, 0)).collect();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT v.assignee_team_id AS k, COUNT(*) AS n FROM conversations v
                 WHERE v.assignee_team_id IS NOT NULL AND v.open = 1
                   AND (v.snoozed_until IS NULL OR v.snoozed_until <= ?1)
                 GROUP BY v.assignee_team_id",
            )?;
            let mut rows = stmt.query([now])?;
            while let Some(r) = rows.next()? {
                by_team.insert(id(r, "k")?, r.get("n")?);
            }
        }
        let signed_in = self.me().is_ok();
        Ok(ConversationCounts {
            all: count(View::All, open)?,
            mine: if signed_in {
                count(View::Mine, open)?
            } else {
                0
            },
            unassigned: count(View::Unassigned, open)?,
            by_team,
            unread: self.unread_conversation_count(now)?,
            mine_snoozed: if signed_in {
                count(View::Mine, ConversationStatus::Snoozed)?
            } else {
                0
            },
        })
    }

    /// Brings the conversations' search index up to date (search does this itself).
    pub fn refresh_conversation_search_index(&self) -> Result<()> {
        if self.read_only {
            return Ok(());
        }
        let stale: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM conversation_search_stale)")?
            .query_row([], |r| r.get(0))?;
        if stale {
            self.conn
                .prepare_cached("INSERT INTO conversation_search_refresh VALUES (NULL)")?
                .execute([])?;
        }
        Ok(())
    }

    /// One page of the conversations of the list `q` names whose subject, messages or notes
    /// match `q.text`, best first (bm25, subject matches weighing most; equally good ones by
    /// last activity), each with its best match. Blank text gives an empty page.
    pub fn search_conversations(
        &self,
        q: &ConversationSearchQuery,
        now: Millis,
    ) -> Result<ConversationSearchPage> {
        let Some(expression) = match_expression(&truncate(&q.text)) else {
            return Ok(ConversationSearchPage {
                total: 0,
                hits: Vec::new(),
            });
        };
        self.refresh_conversation_search_index()?;
        let condition = self.conversation_condition(&q.view, q.status, q.unread, now)?;
        let filter = condition.and_clause();
        let mut params = vec![Value::Text(expression.clone())];
        params.extend(condition.params().iter().cloned());
        let total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM conversation_search s
                 CROSS JOIN conversations v ON v.rowid = s.rowid
                 WHERE s.conversation_search MATCH ?{filter}"
            ))?
            .query_row(rusqlite::params_from_iter(params.clone()), |r| r.get(0))?;
        params.push(Value::Integer(q.limit.min(MAX_PAGE).into()));
        params.push(Value::Integer(q.offset.into()));
        let ranked: Vec<(i64, String)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT s.rowid, v.id FROM conversation_search s
                 CROSS JOIN conversations v ON v.rowid = s.rowid
                 WHERE s.conversation_search MATCH ?{filter}
                 ORDER BY {RANK}, v.last_activity_at DESC, v.id DESC LIMIT ? OFFSET ?"
            ))?
            .query_map(rusqlite::params_from_iter(params), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if ranked.is_empty() {
            return Ok(ConversationSearchPage {
                total,
                hits: Vec::new(),
            });
        }
        let mut best = self.best_conversation_matches(&expression, &ranked)?;
        let ids: Vec<String> = ranked.iter().map(|(_, id)| id.clone()).collect();
        let rows = self.conversation_list_rows(
            "SELECT value AS id, key AS rank FROM json_each(?)",
            vec![Value::Text(crate::codec::to_json(&ids))],
            "page.rank",
        )?;
        let hits = rows
            .into_iter()
            .map(|row| {
                let (field, snippet) = best.remove(&row.conversation.id.to_string()).unwrap_or((
                    ConversationSearchField::Subject,
                    row.conversation.subject.clone(),
                ));
                ConversationHit {
                    row,
                    field,
                    snippet,
                }
            })
            .collect();
        Ok(ConversationSearchPage { total, hits })
    }

    /// The best matching field of each conversation of `page` (rowid, id), and its snippet.
    fn best_conversation_matches(
        &self,
        expression: &str,
        page: &[(i64, String)],
    ) -> Result<HashMap<String, (ConversationSearchField, String)>> {
        let keys: Vec<i64> = page.iter().map(|(k, _)| *k).collect();
        let by_key: HashMap<i64, &str> = page.iter().map(|(k, id)| (*k, id.as_str())).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid,
                highlight(conversation_search, 0, char(57344), char(57345)),
                snippet(conversation_search, 1, char(57344), char(57345), '…', 16),
                snippet(conversation_search, 2, char(57344), char(57345), '…', 16)
             FROM conversation_search
             WHERE conversation_search MATCH ?1 AND +rowid IN (SELECT value FROM json_each(?2))",
        )?;
        let mut rows = stmt.query(rusqlite::params![expression, crate::codec::to_json(&keys)])?;
        let mut best = HashMap::new();
        while let Some(r) = rows.next()? {
            let key: i64 = r.get(0)?;
            let texts: [Option<String>; 3] = [r.get(1)?, r.get(2)?, r.get(3)?];
            let found = SEARCH_COLUMNS
                .iter()
                .zip(&texts)
                .enumerate()
                .filter_map(|(i, (field, text))| {
                    let n = distinct_matches(text.as_deref()?);
                    // Ties go to the earlier column (the subject, then messages).
                    (n > 0).then_some((n, usize::MAX - i, *field, text.clone()?))
                })
                .max_by_key(|(n, order, ..)| (*n, *order));
            if let (Some(id), Some((.., field, text))) = (by_key.get(&key), found) {
                best.insert((*id).to_owned(), (field, text));
            }
        }
        Ok(best)
    }
}

/// The start of `body` on one line, cut at [`EXCERPT_CHARS`].
fn excerpt(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= EXCERPT_CHARS {
        return line;
    }
    let cut: String = line.chars().take(EXCERPT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_one_line_cut_short() {
        assert_eq!(excerpt("  Hello\n\nthere  "), "Hello there");
        let long = "word ".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS);
        assert!(cut.ends_with('…'));
    }
}
