//! The inbox list: a view, a sort and a page, each view served by its own index.
//!
//! A ticket snoozed until a time later than `now` is out of the triage views (All, Mine,
//! Unassigned, a team's) and of every Open list until then; the Snoozed filter lists it. The
//! other views (a category, a state, a brand, a profile's tickets) are records, not queues,
//! and keep it.

use std::collections::BTreeMap;

use inbox_core::{
    BrandId, Category, CompanyId, ContactId, Millis, StateCategory, StateId, TeamId, TeammateId,
    TicketId,
};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::codec::{self, id};
use crate::condition::Condition;
use crate::{Result, Store};

/// Which tickets a list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum View {
    All,
    /// Assigned to the signed-in teammate.
    Mine,
    /// Assigned to no teammate and no team.
    Unassigned,
    Category {
        category: Category,
    },
    State {
        state_id: StateId,
    },
    /// Assigned to a team (whoever in it has it).
    Team {
        team_id: TeamId,
    },
    Brand {
        brand_id: BrandId,
    },
    /// A contact's tickets (R15: their profile's Tickets tab).
    Contact {
        contact_id: ContactId,
    },
    /// A company's tickets: the company's own and those of its people.
    Company {
        company_id: CompanyId,
    },
}

/// Newest first; by state: in the states' workflow order (submitted first, resolved last),
/// newest first within each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    LastActivity,
    Created,
    State,
}

/// Narrowing a view further; every filter given must hold (and within one filter, any of its
/// values). Empty: the whole view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    pub categories: Vec<Category>,
    pub states: Vec<StateId>,
    pub brands: Vec<BrandId>,
    /// Open (true) or closed (false) tickets only. Open: those snoozed at the time asked about
    /// are left out.
    pub open: Option<bool>,
    /// Only open tickets snoozed at the time asked about.
    pub snoozed: bool,
    /// Only tickets with something I have not read.
    pub unread: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxQuery {
    pub view: View,
    #[serde(default)]
    pub filters: Filters,
    pub sort: Sort,
    pub offset: u32,
    pub limit: u32,
}

/// The most rows one page may hold.
pub const MAX_PAGE: u32 = 500;

/// One line of the inbox list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxRow {
    pub id: TicketId,
    pub number: Option<i64>,
    pub title: String,
    pub category: Category,
    pub type_name: String,
    pub type_icon: String,
    pub state_id: StateId,
    pub state_label: String,
    pub state_category: StateCategory,
    pub open: bool,
    pub shared: bool,
    pub assignee_teammate: Option<TeammateId>,
    pub assignee_name: Option<String>,
    /// False when the assignee was deactivated: the ticket waits on nobody.
    pub assignee_active: bool,
    pub assignee_team: Option<TeamId>,
    pub team_name: Option<String>,
    pub contact_name: Option<String>,
    pub last_activity_at: Millis,
    /// Something from someone else since I last opened it.
    pub unread: bool,
    /// When the ticket's snooze ends, if it is snoozed.
    pub snoozed_until: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxPage {
    /// How many tickets the whole view holds.
    pub total: i64,
    pub offset: u32,
    pub rows: Vec<InboxRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ViewCounts {
    pub all: i64,
    pub mine: i64,
    pub unassigned: i64,
    /// Open tickets assigned to me with something I have not read.
    pub unread: i64,
    pub by_category: BTreeMap<Category, i64>,
    /// Every state of the workspace, with 0 for states no ticket is in.
    pub by_state: BTreeMap<StateId, i64>,
    /// Every team, with 0 for teams without tickets.
    pub by_team: BTreeMap<TeamId, i64>,
    pub by_brand: BTreeMap<BrandId, i64>,
}

impl View {
    /// The views a team works from (All, Mine, Unassigned, a team's): snoozed tickets are out
    /// of them until they wake.
    pub fn is_queue(&self) -> bool {
        matches!(
            self,
            View::All | View::Mine | View::Unassigned | View::Team { .. }
        )
    }

    /// The condition selecting this view's tickets.
    pub(crate) fn condition(&self, store: &Store) -> Result<Condition> {
        let is = |sql: &str, value: String| Condition::clause(sql, [Value::Text(value)]);
        Ok(match self {
            View::All => Condition::all(),
            View::Mine => is("t.assignee_teammate_id = ?", store.me()?.id.to_string()),
            View::Unassigned => Condition::clause(
                "t.assignee_teammate_id IS NULL AND t.assignee_team_id IS NULL",
                [],
            ),
            View::Category { category } => is("t.category = ?", category.as_str().into()),
            View::State { state_id } => is("t.state_id = ?", state_id.to_string()),
            View::Team { team_id } => is("t.assignee_team_id = ?", team_id.to_string()),
            View::Brand { brand_id } => is("t.brand_id = ?", brand_id.to_string()),
            View::Contact { contact_id } => is(
                "t.id IN (SELECT ticket_id FROM ticket_contacts WHERE contact_id = ?)",
                contact_id.to_string(),
            ),
            View::Company { company_id } => Condition::clause(
                "t.company_id = ? OR t.id IN (
                    SELECT tc.ticket_id FROM ticket_contacts tc
                    JOIN contacts c ON c.id = tc.contact_id WHERE c.company_id = ?)",
                [
                    Value::Text(company_id.to_string()),
                    Value::Text(company_id.to_string()),
                ],
            ),
        })
    }
}

/// View totals as of one state of the database: (this connection's changes, SQLite's
/// data_version, which moves when another connection commits).
#[derive(Debug, Default)]
pub(crate) struct Totals {
    version: (u64, i64),
    counts: std::collections::HashMap<String, i64>,
}

/// `?` placeholders for `n` values: `?, ?, ?`.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Open tickets snoozed at `?`. A handful at any time, off their own index: the lists read
/// around them on their activity indexes (which hold the ids), never the table.
pub(crate) const SNOOZED: &str =
    "SELECT s.id FROM tickets s WHERE s.snoozed_until > ? AND s.open = 1";

/// The time lists are read at when the caller gives none: now, to the second, so a view's
/// total is counted once a second at most while the teammate scrolls (see `view_total`).
pub(crate) fn list_time() -> Millis {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as Millis);
    now - now.rem_euclid(1_000)
}

impl Filters {
    /// The view's condition at `now` with these filters ANDed to it.
    pub(crate) fn apply(&self, store: &Store, view: &View, now: Millis) -> Result<Condition> {
        let mut condition = view.condition(store)?;
        let mut any_of = |column: &str, values: Vec<String>| {
            if !values.is_empty() {
                let sql = format!("{column} IN ({})", placeholders(values.len()));
                condition.and(sql, values.into_iter().map(Value::Text));
            }
        };
        any_of(
            "t.category",
            self.categories
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
        );
        any_of(
            "t.state_id",
            self.states.iter().map(ToString::to_string).collect(),
        );
        any_of(
            "t.brand_id",
            self.brands.iter().map(ToString::to_string).collect(),
        );
        if let Some(open) = self.open {
            condition.and("t.open = ?", [Value::Integer(open.into())]);
        }
        if self.snoozed {
            condition.and(format!("t.id IN ({SNOOZED})"), [Value::Integer(now)]);
        } else if self.open == Some(true) || view.is_queue() {
            condition.except(SNOOZED, vec![Value::Integer(now)]);
        }
        if self.unread {
            let me = Value::Text(store.me()?.id.to_string());
            condition.and(crate::unread::has_unread_part("?"), [me]);
        }
        Ok(condition)
    }
}

impl Store {
    /// One page of a view, newest first by the chosen sort, and the view's total, now.
    pub fn list_tickets(&self, q: &InboxQuery) -> Result<InboxPage> {
        self.list_tickets_at(q, list_time())
    }

    /// [`Store::list_tickets`] at `now`: what is snoozed then is out of the open lists.
    pub fn list_tickets_at(&self, q: &InboxQuery, now: Millis) -> Result<InboxPage> {
        let condition = q.filters.apply(self, &q.view, now)?;
        let filter = condition.where_clause();
        let limit = q.limit.min(MAX_PAGE);
        let rows = match q.sort {
            Sort::LastActivity | Sort::Created => {
                let order = if q.sort == Sort::Created {
                    "t.created_at DESC, t.id DESC"
                } else {
                    "t.last_activity_at DESC, t.id DESC"
                };
                // The page is picked on the covering index first, then joined for its few rows.
                let mut page_params = condition.params().to_vec();
                page_params.push(Value::Integer(limit.into()));
                page_params.push(Value::Integer(q.offset.into()));
                self.inbox_rows(
                    &format!(
                        "SELECT t.id FROM tickets t {filter} ORDER BY {order} LIMIT ? OFFSET ?"
                    ),
                    page_params,
                    order,
                )?
            }
            Sort::State => self.rows_by_state(&condition, limit, q.offset)?,
        };
        Ok(InboxPage {
            total: self.view_total(&condition)?,
            offset: q.offset,
            rows,
        })
    }

    /// How many tickets pass `filter`. Scrolling a view asks again with every page, and
    /// counting most of a large workspace takes milliseconds: the answer is kept until the
    /// database changes (a write here, or one by another connection).
    pub(crate) fn view_total(&self, condition: &Condition) -> Result<i64> {
        if let Some((rest, excepted)) = condition.split_except() {
            // The few snoozed tickets counted apart: the rest's count is the one kept for
            // every moment, and counting a whole view without them stays as fast as before.
            return Ok(self.view_total(&rest)? - self.view_total(&excepted)?);
        }
        let data_version: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        let version = (self.conn.total_changes(), data_version);
        let filter = condition.where_clause();
        let key = format!("{filter}|{:?}", condition.params());
        {
            let mut totals = self.totals.borrow_mut();
            if totals.version != version {
                *totals = Totals {
                    version,
                    ..Totals::default()
                };
            }
            if let Some(total) = totals.counts.get(&key) {
                return Ok(*total);
            }
        }
        let total = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM tickets t {filter}"))?
            .query_row(rusqlite::params_from_iter(condition.params()), |r| r.get(0))?;
        self.totals.borrow_mut().counts.insert(key, total);
        Ok(total)
    }

    /// A page by state: the states in workflow order (submitted first, resolved last; within a
    /// category, in the workspace's order), newest activity first within each. Each state's
    /// first `offset + limit` tickets come off its own index, so no page sorts the whole view.
    fn rows_by_state(&self, filter: &Condition, limit: u32, offset: u32) -> Result<Vec<InboxRow>> {
        let mut states = self.states()?;
        states.sort_by_key(|s| StateCategory::ALL.iter().position(|c| *c == s.category));
        let condition = filter.and_clause();
        let mut page_params = Vec::new();
        let branches: Vec<String> = states
            .iter()
            .enumerate()
            .map(|(rank, state)| {
                page_params.push(Value::Text(state.id.to_string()));
                page_params.extend(filter.params().iter().cloned());
                page_params.push(Value::Integer(i64::from(offset) + i64::from(limit)));
                format!(
                    "SELECT * FROM (SELECT t.id, {rank} AS rank, t.last_activity_at AS at
                     FROM tickets t WHERE t.state_id = ?{condition}
                     ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?)"
                )
            })
            .collect();
        if branches.is_empty() {
            return Ok(Vec::new());
        }
        page_params.push(Value::Integer(limit.into()));
        page_params.push(Value::Integer(offset.into()));
        self.inbox_rows(
            &format!(
                "SELECT id, rank FROM ({}) ORDER BY rank, at DESC, id DESC LIMIT ? OFFSET ?",
                branches.join(" UNION ALL ")
            ),
            page_params,
            "page.rank, t.last_activity_at DESC, t.id DESC",
        )
    }

    /// The inbox rows of the tickets `page` picks (a query with an `id` column, given with its
    /// parameters), ordered by `order` (over the ticket `t` and `page`). The list and search
    /// share it.
    pub(crate) fn inbox_rows(
        &self,
        page: &str,
        mut params: Vec<Value>,
        order: &str,
    ) -> Result<Vec<InboxRow>> {
        let me = self.me().map(|me| me.id.to_string()).ok();
        let unread = crate::unread::has_unread_part("?");
        let sql = format!(
            "WITH page AS ({page})
             SELECT t.id, t.number, t.title, t.category, t.open, t.shared, t.last_activity_at,
                t.assignee_teammate_id, t.assignee_team_id, t.snoozed_until,
                tt.name AS type_name, tt.icon AS type_icon,
                s.id AS state_id, s.internal_label AS state_label, s.category AS state_category,
                tm.name AS assignee_name, COALESCE(tm.active, 1) AS assignee_active,
                team.name AS team_name,
                (SELECT c.name FROM ticket_contacts tc JOIN contacts c ON c.id = tc.contact_id
                 WHERE tc.ticket_id = t.id ORDER BY tc.position LIMIT 1) AS contact_name,
                {unread} AS unread
             FROM page JOIN tickets t ON t.id = page.id
             JOIN ticket_types tt ON tt.id = t.type_id
             JOIN ticket_states s ON s.id = t.state_id
             LEFT JOIN teammates tm ON tm.id = t.assignee_teammate_id
             LEFT JOIN teams team ON team.id = t.assignee_team_id
             ORDER BY {order}"
        );
        params.push(me.map_or(Value::Null, Value::Text));
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(params), |r| {
                Ok(InboxRow {
                    id: id(r, "id")?,
                    number: r.get("number")?,
                    title: r.get("title")?,
                    category: codec::category(r, "category")?,
                    type_name: r.get("type_name")?,
                    type_icon: r.get("type_icon")?,
                    state_id: id(r, "state_id")?,
                    state_label: r.get("state_label")?,
                    state_category: codec::state_category(r, "state_category")?,
                    open: r.get("open")?,
                    shared: r.get("shared")?,
                    assignee_teammate: codec::opt_id(r, "assignee_teammate_id")?,
                    assignee_name: r.get("assignee_name")?,
                    assignee_active: r.get("assignee_active")?,
                    assignee_team: codec::opt_id(r, "assignee_team_id")?,
                    team_name: r.get("team_name")?,
                    contact_name: r.get("contact_name")?,
                    last_activity_at: r.get("last_activity_at")?,
                    unread: r.get("unread")?,
                    snoozed_until: r.get("snoozed_until")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// How many tickets each view of the sidebar holds, now.
    pub fn view_counts(&self) -> Result<ViewCounts> {
        self.view_counts_at(list_time())
    }

    /// How many tickets each view of the sidebar holds at `now`; the triage views (All, Mine,
    /// Unassigned, the teams') leave out what is snoozed then.
    pub fn view_counts_at(&self, now: Millis) -> Result<ViewCounts> {
        let count = |view: View| -> Result<i64> {
            self.view_total(&Filters::default().apply(self, &view, now)?)
        };
        let by_category = Category::ALL
            .into_iter()
            .map(|category| Ok((category, count(View::Category { category })?)))
            .collect::<Result<_>>()?;
        let by_state = self.count_by(
            "state_id",
            self.states()?.into_iter().map(|s| s.id).collect(),
            None,
        )?;
        let by_team = self.count_by(
            "assignee_team_id",
            self.teams()?.into_iter().map(|t| t.id).collect(),
            Some(now),
        )?;
        let by_brand = self.count_by(
            "brand_id",
            self.brands()?.into_iter().map(|b| b.id).collect(),
            None,
        )?;
        Ok(ViewCounts {
            all: count(View::All)?,
            mine: count(View::Mine)?,
            unassigned: count(View::Unassigned)?,
            unread: self.unread_count_at(now)?,
            by_category,
            by_state,
            by_team,
            by_brand,
        })
    }

    /// Tickets per value of `column`, for each of `keys` (0 where none); with `unsnoozed_at`,
    /// those snoozed then are left out.
    fn count_by<K: Ord + std::str::FromStr>(
        &self,
        column: &'static str,
        keys: Vec<K>,
        unsnoozed_at: Option<Millis>,
    ) -> Result<BTreeMap<K, i64>> {
        let mut counts: BTreeMap<K, i64> = keys.into_iter().map(|k| (k, 0)).collect();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {column} AS k, COUNT(*) AS n FROM tickets
             WHERE {column} IS NOT NULL GROUP BY {column}"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            counts.insert(id(r, "k")?, r.get("n")?);
        }
        if let Some(now) = unsnoozed_at {
            // The few snoozed at `now` are taken off their group's count.
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT t.{column} AS k, COUNT(*) AS n FROM tickets t
                 WHERE t.id IN ({SNOOZED}) AND t.{column} IS NOT NULL GROUP BY t.{column}"
            ))?;
            let mut rows = stmt.query([now])?;
            while let Some(r) = rows.next()? {
                if let Some(n) = counts.get_mut(&id(r, "k")?) {
                    *n -= r.get::<_, i64>("n")?;
                }
            }
        }
        Ok(counts)
    }
}
