//! Every list, count and search the REST API runs over tickets reads an index, never every
//! ticket row (with its large JSON document): SQLite's `EXPLAIN QUERY PLAN` of each statement
//! `POST /tickets/search` and the profiles' Tickets tabs issue, on a seeded workspace.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::resource::Catalog;
use super::search::translate;
use crate::setup::seed_demo;
use crate::storage::sqlite::{SqliteStorage, DATABASE_FILE};
use crate::storage::{Dialect, Field, Filter, Kind, Op, SqlValue, StorageExt};
use crate::workspace::Db;

const NOW: i64 = 1_790_000_000_000;

/// The steps of a statement's plan, as SQLite words them.
fn plan(conn: &Connection, sql: &str, params: &[SqlValue]) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(rusqlite::params_from_iter(params.iter()), |r| {
        r.get::<_, String>(3)
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// The first id of a kind of document.
fn first_id(storage: &SqliteStorage, kind: Kind) -> String {
    storage
        .reading(|tx| {
            let docs = Db::new(tx).all::<Value>(kind)?;
            Ok(docs[0]["id"].as_str().unwrap().to_owned())
        })
        .unwrap()
}

#[test]
fn rest_lists_counts_and_searches_read_indexes_not_ticket_rows() {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open_dir(dir.path()).unwrap();
    seed_demo(&storage, 500, 100, NOW).unwrap();
    let teammate = first_id(&storage, Kind::Teammate);
    let team = first_id(&storage, Kind::Team);
    let contact = first_id(&storage, Kind::Contact);
    let company = first_id(&storage, Kind::Company);
    let condition = |field: &str, operator: &str, value: Value| json!({"field": field, "operator": operator, "value": value});
    let and = |parts: Vec<Value>| json!({"operator": "AND", "value": parts});
    let open = condition("open", "=", json!(true));
    let searches = storage
        .reading(|tx| {
            let db = Db::new(tx);
            let catalog = Catalog::load(&db)?;
            let ticket_type = catalog.types()[0].id.to_string();
            let state = catalog.states()[0].id.to_string();
            let queries = vec![
                open.clone(),
                condition("open", "=", json!(false)),
                condition("state", "=", json!("submitted")),
                condition("state", "IN", json!(["in_progress", "waiting_on_customer"])),
                condition("ticket_state_id", "=", json!(state)),
                and(vec![
                    open.clone(),
                    condition("admin_assignee_id", "=", json!(teammate)),
                ]),
                and(vec![
                    open.clone(),
                    condition("admin_assignee_id", "=", Value::Null),
                ]),
                condition("admin_assignee_id", "=", json!(teammate)),
                condition("admin_assignee_id", "=", Value::Null),
                condition("team_assignee_id", "=", json!(team)),
                condition("contact_ids", "=", json!(contact)),
                condition("company_id", "=", json!(company)),
                condition("ticket_type_id", "=", json!(ticket_type)),
                condition("category", "=", json!("Tracker")),
                condition("full_text", "~", json!("refund")),
                and(vec![
                    open.clone(),
                    condition("full_text", "~", json!("login fail")),
                ]),
            ];
            let mut searches: Vec<(String, Filter)> = vec![("no query".into(), Filter::True)];
            for query in queries {
                let filter = translate(&query, catalog.states(), &catalog.types())?;
                searches.push((query.to_string(), filter));
            }
            // The Tickets tabs of a contact's and a company's profile.
            for (field, id) in [(Field::Contact, &contact), (Field::Company, &company)] {
                let filter = Filter::Cmp {
                    field: field.clone(),
                    op: Op::Eq,
                    value: SqlValue::Text(id.clone()),
                };
                searches.push((format!("profile tab {field:?}"), filter));
            }
            Ok(searches)
        })
        .unwrap();
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let mut problems = Vec::new();
    for (name, filter) in &searches {
        let sql = filter.search_sql(Dialect::Sqlite);
        let mut page_params = sql.params.clone();
        page_params.extend([SqlValue::Int(20), SqlValue::Int(0)]);
        for (what, statement, params) in [
            ("count", &sql.count, &sql.params),
            ("page", &sql.page, &page_params),
        ] {
            let steps = plan(&conn, statement, params);
            let unfiltered = *filter == Filter::True;
            let full_scan = steps.iter().any(|step| {
                let allowed = step.starts_with("SCAN search_fts VIRTUAL TABLE")
                    || (unfiltered && what == "count" && step.contains("COVERING INDEX"))
                    || (unfiltered
                        && what == "page"
                        && step == "SCAN tickets USING INDEX tickets_updated");
                step.starts_with("SCAN") && !allowed
            });
            if full_scan {
                problems.push(format!("{name} ({what}): {steps:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "full scans:\n{}", problems.join("\n"));
}
