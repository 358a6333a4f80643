//! Every read the app makes is index-backed: a tour of everything the window asks the store
//! (each view, sort and filter of the lists and their counts, conversations, the queue,
//! profiles, the directory, search, a ticket and a conversation opened) records each statement
//! SQLite runs, and each one's query plan must not scan a large table whole. Without ANALYZE
//! SQLite plans by fixed rules, not by how many rows there are, so a small workspace shows the
//! plans a 100k one gets.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use inbox_core::{Category, Millis};
use inbox_demo::DemoOptions;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use crate::{
    ConversationQuery, ConversationSearchQuery, ConversationStatus, Filters, InboxQuery,
    QueueQuery, SearchQuery, Sort, Store, View, DATABASE_FILE,
};

const NOW: Millis = 1_790_000_000_000;

/// Tables that grow with the workspace: reading one whole is what must never happen.
const LARGE: &[&str] = &[
    "tickets",
    "parts",
    "ticket_contacts",
    "ticket_reads",
    "conversations",
    "conversation_parts",
    "conversation_reads",
    "contacts",
    "companies",
];

/// The statements `tour` made the store run, as SQLite ran them (parameters filled in).
fn recorded(store: &mut Store, tour: impl FnOnce(&Store)) -> BTreeSet<String> {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let sink = seen.clone();
    store
        .conn
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |event: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, sql) = event {
                    // Statements of triggers and of FTS5's own tables come as comments: their
                    // plans are SQLite's, or the trigger's, which the statement firing it shows.
                    if sql.starts_with("--") {
                        return;
                    }
                    if let Some(sql) = stmt.expanded_sql() {
                        sink.lock().unwrap().insert(sql);
                    }
                }
            }),
        )
        .unwrap();
    tour(store);
    store
        .conn
        .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
        .unwrap();
    let statements = seen.lock().unwrap().clone();
    statements
}

/// The lines of `sql`'s query plan that read a large table whole.
fn full_scans(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    let details: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let aliases = table_aliases(sql);
    details
        .into_iter()
        .filter(|d| {
            let Some(rest) = d.strip_prefix("SCAN ") else {
                return false;
            };
            let name = rest.split_whitespace().next().unwrap_or("");
            let table = aliases.get(name).map(String::as_str).unwrap_or(name);
            LARGE.contains(&table) && !rest.contains(" USING ")
        })
        .collect()
}

/// The tables `sql` names under another name (`FROM tickets t`, `JOIN parts AS p`), by that
/// name: query plans speak of a table by its alias.
fn table_aliases(sql: &str) -> std::collections::HashMap<String, String> {
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let keyword = |w: &str| {
        [
            "WHERE", "JOIN", "LEFT", "INNER", "CROSS", "ON", "USING", "ORDER", "GROUP", "LIMIT",
            "UNION", "SELECT", "AND", "OR", "NOT", "INDEXED", "WITH", "AS",
        ]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
    };
    let mut aliases = std::collections::HashMap::new();
    for (i, w) in words.iter().enumerate() {
        if !(w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("JOIN")) {
            continue;
        }
        let (Some(table), Some(next)) = (words.get(i + 1), words.get(i + 2)) else {
            continue;
        };
        let alias = if next.eq_ignore_ascii_case("AS") {
            words.get(i + 3).copied()
        } else {
            Some(*next)
        };
        if let Some(alias) = alias.filter(|a| !keyword(a)) {
            aliases.insert(alias.to_owned(), (*table).to_owned());
        }
    }
    aliases
}

fn every_view(store: &Store) -> Vec<View> {
    let mut views = vec![View::All, View::Mine, View::Unassigned];
    views.extend(
        [Category::Customer, Category::BackOffice, Category::Tracker]
            .map(|category| View::Category { category }),
    );
    let state_id = store.states().unwrap()[0].id;
    views.push(View::State { state_id });
    views.push(View::Team {
        team_id: store.teams().unwrap()[0].id,
    });
    views.push(View::Brand {
        brand_id: store.brands().unwrap()[0].id,
    });
    views.push(View::Contact {
        contact_id: store.contacts().unwrap()[0].id,
    });
    views.push(View::Company {
        company_id: store.companies().unwrap()[0].id,
    });
    views
}

fn every_filter(store: &Store) -> Vec<Filters> {
    let state = store.states().unwrap()[1].id;
    let brand = store.brands().unwrap()[0].id;
    vec![
        Filters::default(),
        Filters {
            open: Some(true),
            ..Filters::default()
        },
        Filters {
            open: Some(false),
            ..Filters::default()
        },
        Filters {
            snoozed: true,
            ..Filters::default()
        },
        Filters {
            unread: true,
            open: Some(true),
            ..Filters::default()
        },
        Filters {
            categories: vec![Category::Customer],
            states: vec![state],
            brands: vec![brand],
            ..Filters::default()
        },
    ]
}

/// What the tour asks about, found before it starts (the app never lists these itself).
struct Subjects {
    views: Vec<View>,
    filters: Vec<Filters>,
    contact: inbox_core::ContactId,
    company: inbox_core::CompanyId,
}

/// Everything the window reads, in every shape it asks for it.
fn tour(store: &Store, subjects: &Subjects) {
    for view in &subjects.views {
        for filters in subjects.filters.iter().cloned() {
            for sort in [Sort::LastActivity, Sort::Created, Sort::State] {
                for offset in [0, 200] {
                    store
                        .list_tickets_at(
                            &InboxQuery {
                                view: view.clone(),
                                filters: filters.clone(),
                                sort,
                                offset,
                                limit: 50,
                            },
                            NOW,
                        )
                        .unwrap();
                }
            }
            store
                .search(&SearchQuery {
                    text: "verification email".into(),
                    view: view.clone(),
                    filters,
                    limit: 50,
                    offset: 0,
                })
                .unwrap();
        }
        for status in [
            ConversationStatus::Open,
            ConversationStatus::Snoozed,
            ConversationStatus::Closed,
            ConversationStatus::All,
        ] {
            for unread in [false, true] {
                let _ = store.list_conversations(
                    &ConversationQuery {
                        view: view.clone(),
                        status,
                        unread,
                        offset: 0,
                        limit: 50,
                    },
                    NOW,
                );
                let _ = store.search_conversations(
                    &ConversationSearchQuery {
                        text: "invoice".into(),
                        view: view.clone(),
                        status,
                        unread,
                        limit: 50,
                        offset: 0,
                    },
                    NOW,
                );
            }
        }
        for open in [None, Some(true), Some(false)] {
            for unread in [false, true] {
                let _ = store.list_queue(
                    &QueueQuery {
                        view: view.clone(),
                        open,
                        unread,
                        offset: 0,
                        limit: 50,
                    },
                    NOW,
                );
            }
        }
    }
    store.view_counts_at(NOW).unwrap();
    store.conversation_counts(NOW).unwrap();
    store.unread_count_at(NOW).unwrap();
    store.unread_conversation_count(NOW).unwrap();
    store.contact_profile(subjects.contact).unwrap();
    store.company_profile(subjects.company).unwrap();
    store.directory("li", 20).unwrap();
    store.directory("lina", 20).unwrap();
    store.find_tickets("#12", None, 20).unwrap();
    store
        .find_tickets("email", Some(Category::Tracker), 20)
        .unwrap();
    let page = store
        .list_tickets_at(
            &InboxQuery {
                view: View::All,
                filters: Filters::default(),
                sort: Sort::LastActivity,
                offset: 0,
                limit: 5,
            },
            NOW,
        )
        .unwrap();
    for row in &page.rows {
        store.ticket_detail(row.id).unwrap();
        store.is_unread(row.id).unwrap();
    }
    for conversation in store.conversations().unwrap().iter().take(3) {
        store.conversation_detail(conversation.id).unwrap();
    }
    store.macros().unwrap();
    store.sync_issues().unwrap();
    store.outbox_len().unwrap();
    store.releasable(100, NOW).unwrap();
}

#[test]
fn no_read_of_the_app_scans_a_large_table_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(600, NOW)).unwrap();
    store.refresh_search_index().unwrap();
    let subjects = Subjects {
        views: every_view(&store),
        filters: every_filter(&store),
        contact: store.contacts().unwrap()[0].id,
        company: store.companies().unwrap()[0].id,
    };
    let statements = recorded(&mut store, |store| tour(store, &subjects));
    assert!(statements.len() > 50, "the tour ran: {}", statements.len());
    let scans: Vec<String> = statements
        .iter()
        // A view that holds no conversations asks for them `WHERE (0)`, which SQLite answers
        // without reading a row.
        .filter(|sql| !sql.contains("WHERE (0)"))
        .flat_map(|sql| {
            full_scans(&store, sql)
                .into_iter()
                .map(move |scan| format!("{scan}\n    in: {sql}"))
        })
        .collect();
    assert!(
        scans.is_empty(),
        "{} statements read a large table whole:\n{}",
        scans.len(),
        scans.join("\n")
    );
}
