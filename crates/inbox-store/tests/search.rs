//! Full-text search on a real database file: what it finds, how it ranks and highlights, and
//! that every way tickets and parts are written (local mutations, pulled records, the rebase)
//! keeps the index in step.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{
    SearchField, SearchHit, SearchPage, SearchQuery, Store, View, DATABASE_FILE, MATCH_END,
    MATCH_START,
};
use inbox_sync::{Cursor, PushResult, Record, Replica};
use serde_json::json;

const NOW: i64 = 1_790_000_000_000;

struct Setup {
    dir: tempfile::TempDir,
    store: Store,
    me: TeammateId,
    other: TeammateId,
    contact: ContactId,
    bug: TicketType,
    refund: TicketType,
    billing: TicketType,
    n: u128,
}

/// The demo workspace (200 tickets), to search among.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(200, NOW)).unwrap();
    let me = store.me().unwrap().id;
    let other = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.id != me)
        .unwrap()
        .id;
    let contact = store.contacts().unwrap()[0].id;
    let types = store.ticket_types().unwrap();
    let named = |name: &str| types.iter().find(|t| t.name == name).unwrap().clone();
    Setup {
        bug: named("Bug report"),
        refund: named("Refund request"),
        billing: named("Billing investigation"),
        dir,
        store,
        me,
        other,
        contact,
        n: 0,
    }
}

fn random() -> impl FnMut() -> u128 {
    let mut n = 1u128 << 90;
    move || {
        n += 1;
        n
    }
}

impl Setup {
    /// A new ticket of `ticket_type` with these attributes (title and description included).
    fn ticket(&mut self, ticket_type: &TicketType, attributes: serde_json::Value) -> Ticket {
        self.n += 1;
        let mut fields = NewTicket::default();
        for (key, value) in attributes.as_object().unwrap() {
            fields.attributes.insert(key.clone(), value.clone());
        }
        let mut req = CreateTicket::new(
            TicketId::from_parts(NOW as u64, self.n),
            ticket_type.id,
            fields,
        );
        if ticket_type.category != Category::Tracker {
            req.contacts = vec![self.contact];
        }
        self.store.create_ticket(req, NOW + self.n as i64).unwrap()
    }

    fn apply(&mut self, mutation: Mutation) {
        self.n += 1;
        self.store
            .apply(
                &mutation,
                Author::Teammate(self.me),
                NOW + self.n as i64,
                &mut random(),
            )
            .unwrap();
    }

    fn search(&self, text: &str) -> SearchPage {
        self.search_in(text, View::All)
    }

    fn search_in(&self, text: &str, view: View) -> SearchPage {
        self.store
            .search(&SearchQuery {
                filters: Default::default(),
                text: text.into(),
                view,
                limit: 50,
                offset: 0,
            })
            .unwrap()
    }

    /// The hit for `ticket` when searching `text`, if any.
    fn hit(&self, text: &str, ticket: TicketId) -> Option<SearchHit> {
        self.search(text)
            .hits
            .into_iter()
            .find(|h| h.row.id == ticket)
    }
}

/// The snippet with its matches in brackets, for readable assertions.
fn marked(snippet: &str) -> String {
    snippet.replace(MATCH_START, "[").replace(MATCH_END, "]")
}

fn bug(title: &str, description: &str, steps: &str) -> serde_json::Value {
    json!({"title": title, "description": description, "severity": "Critical", "steps": steps})
}

#[test]
fn finds_tickets_by_title_description_attribute_reply_and_note() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(
        &bug_type,
        bug(
            "Quokka printer jams",
            "The flamingo spreadsheet loses its totals.",
            "Open the narwhal dialog",
        ),
    );
    s.apply(Mutation::Reply {
        attachments: Vec::new(),
        ticket: t.id,
        body: "Could you send the axolotl badge you see?".into(),
    });
    s.apply(Mutation::Note {
        attachments: Vec::new(),
        ticket: t.id,
        body: "Looks like the pangolin cache again.".into(),
        keep_private: false,
    });
    let refund_type = s.refund.clone();
    let r = s.ticket(
        &refund_type,
        json!({"title": "Money back please", "order_id": "ORD-771234", "amount": 19.9}),
    );

    for (text, ticket, field, snippet) in [
        ("quokka", t.id, SearchField::Title, "[Quokka] printer jams"),
        (
            "flamingo",
            t.id,
            SearchField::Description,
            "The [flamingo] spreadsheet loses its totals.",
        ),
        (
            "narwhal",
            t.id,
            SearchField::Attribute,
            "Critical · Open the [narwhal] dialog",
        ),
        (
            "axolotl",
            t.id,
            SearchField::Reply,
            "Could you send the [axolotl] badge you see?",
        ),
        (
            "pangolin",
            t.id,
            SearchField::Note,
            "Looks like the [pangolin] cache again.",
        ),
        (
            "771234",
            r.id,
            SearchField::Attribute,
            "19.9 · ORD-[771234]",
        ),
        ("19.9", r.id, SearchField::Attribute, "[19.9] · ORD-771234"),
        (
            "ord-771234",
            r.id,
            SearchField::Attribute,
            "19.9 · [ORD-771234]",
        ),
    ] {
        let page = s.search(text);
        assert_eq!(page.total, 1, "{text}");
        let hit = &page.hits[0];
        assert_eq!(hit.row.id, ticket, "{text}");
        assert_eq!(hit.field, field, "{text}");
        assert_eq!(marked(&hit.snippet), snippet, "{text}");
    }
    // A list attribute's value is its label.
    assert!(s.hit("critical", t.id).is_some());
    // The row is the inbox list's.
    let hit = s.hit("quokka", t.id).unwrap();
    assert_eq!(hit.row.title, "Quokka printer jams");
    assert_eq!(hit.row.number, t.number);
    assert_eq!(hit.row.type_name, "Bug report");
    // Every word must match, anywhere in the ticket.
    assert!(s.hit("quokka axolotl", t.id).is_some());
    assert!(s.hit("quokka walrus", t.id).is_none());
}

#[test]
fn accents_and_case_do_not_matter() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Résumé upload fails", "Crème brûlée", ""));
    let plain = s.ticket(&bug_type, bug("Resume upload fails", "", ""));
    for text in [
        "resume",
        "RÉSUMÉ",
        "résume",
        "Resumé upload",
        "creme brulee",
    ] {
        assert!(s.hit(text, t.id).is_some(), "{text}");
    }
    assert!(s.hit("résumé", plain.id).is_some());
    let hit = s.hit("resume", t.id).unwrap();
    assert_eq!(marked(&hit.snippet), "[Résumé] upload fails");
}

#[test]
fn the_last_word_matches_as_it_is_typed() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    for text in ["quo", "quokk", "quokka", "quokka pri", "quokka printer jam"] {
        assert!(s.hit(text, t.id).is_some(), "{text}");
    }
    let hit = s.hit("quokka pri", t.id).unwrap();
    assert_eq!(marked(&hit.snippet), "[Quokka] [printer] jams");
    // Only the last word is a prefix.
    assert!(s.hit("quo printer", t.id).is_none());
    // One or two letters are a whole word, not every word starting with them (in a large
    // workspace, that is most of it).
    assert!(s.hit("quokka p", t.id).is_none());
    assert!(s.hit("quokka pr", t.id).is_none());
}

#[test]
fn a_ticket_number_finds_its_ticket_first() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let number = t.number.unwrap();
    for text in [
        format!("#{number}"),
        format!("{number}"),
        format!(" #{number} "),
    ] {
        let page = s.search(&text);
        let first = &page.hits[0];
        assert_eq!(first.row.id, t.id, "{text}");
        assert_eq!(first.field, SearchField::Number);
        assert_eq!(first.snippet, "Quokka printer jams");
        assert_eq!(page.total as usize, page.hits.len(), "{text}: counted once");
    }
    // A number nobody has is only text to find.
    assert_eq!(s.search("#99999999").total, 0);
    // Outside the view, the number finds nothing.
    let page = s.search_in(
        &format!("#{number}"),
        View::Category {
            category: Category::Tracker,
        },
    );
    assert!(page.hits.iter().all(|h| h.row.id != t.id));
}

#[test]
fn punctuation_and_query_syntax_in_the_text_are_harmless() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let nasty = [
        "\"",
        "\"\"",
        "*",
        "**",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "NEAR(quokka printer, 2)",
        "-",
        "-quokka",
        ":",
        "title:quokka",
        "{title}: quokka",
        "(",
        ")",
        "quokka)",
        "^quokka",
        "'",
        "\\",
        "quokka\"",
        "\"quokka",
        "quokka*",
        "quo*",
        "quokka AND",
        "OR quokka",
        "+",
        "😀",
        "quokka 😀",
        "\u{E000}quokka\u{E001}",
        "%",
        "_",
        "NOT quokka",
        "\0",
    ];
    for text in nasty {
        let page = s
            .store
            .search(&SearchQuery {
                filters: Default::default(),
                text: text.into(),
                view: View::All,
                limit: 20,
                offset: 0,
            })
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!(page.hits.len() <= 20);
    }
    for text in [
        "-quokka",
        "quokka\"",
        "\"quokka",
        "quokka*",
        "^quokka",
        "\u{E000}quokka\u{E001}",
        "quokka 😀",
    ] {
        assert!(s.hit(text, t.id).is_some(), "{text:?}");
    }
    // Within a word, punctuation joins its parts into a phrase.
    assert!(s.hit("quokka-printer", t.id).is_some());
    assert!(s.hit("title:quokka", t.id).is_none());
    // Operators are words like any other.
    assert!(s.hit("quokka OR walrus", t.id).is_none());
    assert!(s.hit("NOT quokka", t.id).is_none());
}

#[test]
fn blank_text_gives_an_empty_page_and_overlong_text_is_cut() {
    let mut s = setup();
    for text in ["", "   ", "\n\t", "- * :"] {
        let page = s.search(text);
        assert_eq!((page.total, page.hits.len()), (0, 0), "{text:?}");
    }
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let long = format!("quokka {}", "printer ".repeat(10_000));
    assert!(s.hit(&long, t.id).is_some());
}

#[test]
fn search_stays_within_the_view() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let billing_type = s.billing.clone();
    let mine = s.ticket(&bug_type, bug("Wombat export broken", "", ""));
    let theirs = s.ticket(&bug_type, bug("Wombat import broken", "", ""));
    let internal = s.ticket(
        &billing_type,
        json!({"title": "Wombat invoice check", "invoice": 4242}),
    );
    let me = s.me;
    let other = s.other;
    s.apply(Mutation::Assign {
        ticket: mine.id,
        teammate: Some(me),
        team: None,
    });
    s.apply(Mutation::Assign {
        ticket: theirs.id,
        teammate: Some(other),
        team: None,
    });
    let ids = |page: SearchPage| {
        let mut ids: Vec<TicketId> = page.hits.into_iter().map(|h| h.row.id).collect();
        ids.sort();
        ids
    };
    let all = s.search("wombat");
    assert_eq!(all.total, 3);
    let page = s.search_in("wombat", View::Mine);
    assert_eq!(page.total, 1);
    assert_eq!(ids(page), vec![mine.id]);
    let page = s.search_in(
        "wombat",
        View::Category {
            category: Category::BackOffice,
        },
    );
    assert_eq!(page.total, 1);
    assert_eq!(ids(page), vec![internal.id]);
    let page = s.search_in(
        "wombat",
        View::Category {
            category: Category::Customer,
        },
    );
    let mut both = vec![mine.id, theirs.id];
    both.sort();
    assert_eq!(ids(page), both);
    let state = s.store.ticket(internal.id).unwrap().state_id;
    let page = s.search_in("wombat", View::State { state_id: state });
    assert!(ids(page).contains(&internal.id));
    let page = s.search_in("wombat", View::Unassigned);
    assert!(!ids(page).contains(&mine.id));
}

#[test]
fn a_note_applied_locally_is_found_at_once_and_an_edit_replaces_the_old_text() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    assert!(s.hit("pangolin", t.id).is_none());
    s.apply(Mutation::Note {
        attachments: Vec::new(),
        ticket: t.id,
        body: "The pangolin cache again".into(),
        keep_private: false,
    });
    assert_eq!(s.hit("pangolin", t.id).unwrap().field, SearchField::Note);

    s.apply(Mutation::UpdateAttributes {
        ticket: t.id,
        attributes: [("title".to_owned(), json!("Okapi scanner jams"))].into(),
    });
    assert!(s.hit("quokka", t.id).is_none());
    assert!(s.hit("okapi", t.id).is_some());
    assert!(s.hit("pangolin", t.id).is_some(), "the notes stay indexed");
}

#[test]
fn records_pulled_from_the_server_are_found_at_once() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let reply = Part {
        attachments: Vec::new(),
        id: PartId::from_parts(NOW as u64 + 10, 77),
        ticket: t.id,
        author: Author::Contact(s.contact),
        kind: PartKind::Reply {
            body: "The capybara screen is blank".into(),
        },
        created_at: NOW + 10,
    };
    let mut renamed = s.store.ticket(t.id).unwrap();
    renamed.title = "Okapi scanner jams".into();
    renamed.updated_at = NOW + 11;
    let mut new = s.store.ticket(t.id).unwrap();
    new.id = TicketId::from_parts(NOW as u64 + 12, 78);
    new.number = Some(9_000);
    new.title = "Gecko login loop".into();
    s.store
        .write(|store| {
            store.upsert_records(&[
                Record::TicketPart(reply.clone()),
                Record::Ticket(Box::new(renamed)),
                Record::Ticket(Box::new(new.clone())),
            ])
        })
        .unwrap();
    assert_eq!(s.hit("capybara", t.id).unwrap().field, SearchField::Reply);
    assert!(s.hit("okapi", t.id).is_some());
    assert!(s.hit("quokka", t.id).is_none());
    assert!(s.hit("gecko", new.id).is_some());

    // A pull (the rebase) indexes what it brings before anyone searches.
    let mut later = reply.clone();
    later.id = PartId::from_parts(NOW as u64 + 20, 79);
    later.kind = PartKind::Reply {
        body: "Tapir mode helped".into(),
    };
    s.store
        .apply_changes(
            &[inbox_sync::ChangeSet {
                cursor: Cursor(5),
                at: NOW + 20,
                origin: None,
                records: vec![Record::TicketPart(later)],
            }],
            Cursor(5),
        )
        .unwrap();
    let conn = rusqlite::Connection::open(s.dir.path().join(DATABASE_FILE)).unwrap();
    let stale: i64 = conn
        .query_row("SELECT COUNT(*) FROM ticket_search_stale", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stale, 0, "indexed with the pull");
    assert!(s.hit("tapir", t.id).is_some());
}

#[test]
fn an_optimistic_change_the_server_refuses_is_no_longer_found() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let me = Author::Teammate(s.me);
    let mut random = random();
    s.store
        .apply_and_queue(
            &Mutation::Note {
                attachments: Vec::new(),
                ticket: t.id,
                body: "Wombat firmware suspected".into(),
                keep_private: false,
            },
            me,
            NOW + 100,
            &mut random,
        )
        .unwrap();
    let mut req = CreateTicket::new(
        TicketId::from_parts(NOW as u64 + 101, 5),
        bug_type.id,
        NewTicket::default(),
    );
    req.fields
        .attributes
        .insert("title".into(), json!("Okapi keyboard sticks"));
    req.fields
        .attributes
        .insert("severity".into(), json!("Low"));
    req.contacts = vec![s.contact];
    let created = req.id;
    s.store
        .apply_and_queue(&Mutation::CreateTicket(req), me, NOW + 101, &mut random)
        .unwrap();
    assert!(s.hit("wombat", t.id).is_some());
    assert!(s.hit("okapi", created).is_some());

    let refused = |seq| PushResult::Rejected {
        seq,
        error: ErrorBody {
            code: "forbidden".into(),
            message: "No.".into(),
        },
    };
    let queued: Vec<u64> = s.store.outbox(10).unwrap().iter().map(|p| p.seq).collect();
    let results: Vec<PushResult> = queued.into_iter().map(refused).collect();
    s.store.acknowledge(&results, NOW + 102).unwrap();
    s.store.apply_changes(&[], Cursor(1)).unwrap();
    assert!(s.hit("wombat", t.id).is_none());
    assert_eq!(s.search("okapi").total, 0);
    assert!(s.hit("quokka", t.id).is_some());
}

#[test]
fn a_title_match_ranks_above_a_note_only_match_and_ties_go_by_activity() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let titled = s.ticket(&bug_type, bug("Capybara sync stalls", "", ""));
    let noted = s.ticket(&bug_type, bug("Printer jams", "", ""));
    s.apply(Mutation::Note {
        attachments: Vec::new(),
        ticket: noted.id,
        body: "Capybara".into(),
        keep_private: false,
    });
    let page = s.search("capybara");
    let order: Vec<TicketId> = page.hits.iter().map(|h| h.row.id).collect();
    assert_eq!(order, vec![titled.id, noted.id]);
    assert_eq!(page.hits[0].field, SearchField::Title);
    assert_eq!(page.hits[1].field, SearchField::Note);

    let older = s.ticket(&bug_type, bug("Gecko sync stalls", "", ""));
    let newer = s.ticket(&bug_type, bug("Gecko sync stalls", "", ""));
    let order: Vec<TicketId> = s.search("gecko").hits.iter().map(|h| h.row.id).collect();
    assert_eq!(order, vec![newer.id, older.id]);
    // Activity that adds no text moves a ticket up among equals.
    let in_progress = s
        .store
        .states()
        .unwrap()
        .into_iter()
        .find(|st| st.category == StateCategory::InProgress)
        .unwrap()
        .id;
    s.apply(Mutation::SetState {
        ticket: older.id,
        state: in_progress,
    });
    let order: Vec<TicketId> = s.search("gecko").hits.iter().map(|h| h.row.id).collect();
    assert_eq!(order, vec![older.id, newer.id]);
}

#[test]
fn pages_cover_every_match_once_in_one_order() {
    let s = setup();
    // "the" is in nearly every demo ticket, with many equally good matches.
    let all = s.search("the");
    assert!(all.total > 100, "{}", all.total);
    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < all.total as u32 {
        let page = s
            .store
            .search(&SearchQuery {
                filters: Default::default(),
                text: "the".into(),
                view: View::All,
                limit: 30,
                offset,
            })
            .unwrap();
        assert_eq!(page.total, all.total);
        paged.extend(page.hits.into_iter().map(|h| h.row.id));
        offset += 30;
    }
    let first: Vec<TicketId> = all.hits.iter().map(|h| h.row.id).collect();
    assert_eq!(&paged[..50], &first[..]);
    let mut unique = paged.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), paged.len());
    assert_eq!(paged.len() as i64, all.total);
    let none = s
        .store
        .search(&SearchQuery {
            filters: Default::default(),
            text: "the".into(),
            view: View::All,
            limit: 0,
            offset: 0,
        })
        .unwrap();
    assert_eq!((none.total, none.hits.len()), (all.total, 0));
}

#[test]
fn snippets_are_short_and_markers_in_the_text_cannot_confuse_them() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let long = format!(
        "{} the marmot appears here {}",
        "lorem ipsum ".repeat(40),
        "dolor sit ".repeat(40)
    );
    let t = s.ticket(
        &bug_type,
        bug("Odd \u{E001}title\u{E000} marmot", &long, ""),
    );
    let hit = s.hit("marmot", t.id).unwrap();
    assert_eq!(hit.field, SearchField::Title);
    assert_eq!(marked(&hit.snippet), "Odd title [marmot]");
    let hit = s.hit("marmot appears", t.id).unwrap();
    assert_eq!(hit.field, SearchField::Description);
    let words = hit.snippet.split_whitespace().count();
    assert!(words <= 14, "{}", marked(&hit.snippet));
    assert!(marked(&hit.snippet).contains("[marmot] [appears]"));
    assert!(hit.snippet.starts_with('…') && hit.snippet.ends_with('…'));
}

#[test]
fn a_file_from_before_search_is_indexed_when_opened() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    let path = s.dir.path().join(DATABASE_FILE);
    drop(s.store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         DROP TRIGGER ticket_search_ticket_insert; DROP TRIGGER ticket_search_ticket_update;
         DROP TRIGGER ticket_search_ticket_delete; DROP TRIGGER ticket_search_part_insert;
         DROP TRIGGER ticket_search_part_delete; DROP TRIGGER ticket_search_part_update;
         DROP TRIGGER ticket_search_after_pull; DROP TRIGGER ticket_search_after_first_pull;
         DROP VIEW ticket_search_refresh; DROP TABLE ticket_search_stale;
         DROP VIEW ticket_search_source; DROP TABLE ticket_search;
         ALTER TABLE teammates DROP COLUMN active;
         -- Migration 15: indexes of the window's reads.
         DROP INDEX conversations_contact; DROP INDEX tickets_brand; DROP INDEX tickets_open;
         DROP INDEX tickets_team; DROP INDEX contacts_name; DROP INDEX companies_name;
         DROP TABLE contact_names; DROP TABLE company_names;
         DROP TRIGGER contact_names_insert; DROP TRIGGER contact_names_delete;
         DROP TRIGGER contact_names_update; DROP TRIGGER company_names_insert;
         DROP TRIGGER company_names_delete; DROP TRIGGER company_names_update;
         -- Migration 14: files not sent yet.
         DROP TABLE unsent_files;
         -- Migration 13: parts' files.
         ALTER TABLE parts DROP COLUMN attachments;
         ALTER TABLE conversation_parts DROP COLUMN attachments;
         -- Migration 12: tickets' snoozes.
         DROP INDEX tickets_snoozed; ALTER TABLE tickets DROP COLUMN snoozed_until;
         -- Migration 11: macros.
         DROP TABLE macros; DROP TABLE shadow_macros;
         -- Migration 10: held actions.
         ALTER TABLE outbox DROP COLUMN hold_until;
         -- Migration 9: brands' colours.
         ALTER TABLE brands DROP COLUMN color;
         -- Migration 8: the conversations' search index.
         DROP TRIGGER conversation_search_insert; DROP TRIGGER conversation_search_update;
         DROP TRIGGER conversation_search_delete; DROP TRIGGER conversation_search_part_insert;
         DROP TRIGGER conversation_search_part_delete; DROP TRIGGER conversation_search_part_update;
         DROP TRIGGER conversation_search_after_pull;
         DROP TRIGGER conversation_search_after_first_pull;
         DROP VIEW conversation_search_refresh; DROP TABLE conversation_search_stale;
         DROP VIEW conversation_search_source; DROP TABLE conversation_search;
         -- Migration 7: conversations as they were (their assignee, snooze and channel columns
         -- name other tables, so the table is rebuilt rather than altered).
         DROP TABLE conversation_reads; DROP TABLE shadow_conversation_reads;
         ALTER TABLE conversation_parts DROP COLUMN channel;
         CREATE TABLE conversations_v1 (
             id               TEXT PRIMARY KEY,
             contact_id       TEXT NOT NULL REFERENCES contacts(id),
             subject          TEXT NOT NULL,
             linked_ticket_id TEXT REFERENCES tickets(id),
             open             INTEGER NOT NULL,
             created_at       INTEGER NOT NULL,
             last_activity_at INTEGER NOT NULL
         ) STRICT;
         INSERT INTO conversations_v1 SELECT id, contact_id, subject, linked_ticket_id, open,
             created_at, last_activity_at FROM conversations;
         DROP TABLE conversations;
         ALTER TABLE conversations_v1 RENAME TO conversations;
         CREATE INDEX conversations_by_activity ON conversations(last_activity_at DESC, id DESC);
         PRAGMA user_version = 4;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), inbox_store::SCHEMA_VERSION);
    let page = store
        .search(&SearchQuery {
            filters: Default::default(),
            text: "quokka".into(),
            view: View::All,
            limit: 10,
            offset: 0,
        })
        .unwrap();
    assert_eq!(page.hits[0].row.id, t.id);
    assert!(
        store
            .search(&SearchQuery {
                filters: Default::default(),
                text: "the".into(),
                view: View::All,
                limit: 10,
                offset: 0,
            })
            .unwrap()
            .total
            > 100
    );
}

#[test]
fn search_types_serialise_in_snake_case() {
    let query: SearchQuery = serde_json::from_value(json!({
        "text": "refund", "view": {"kind": "mine"}, "limit": 20, "offset": 0
    }))
    .unwrap();
    assert_eq!(query.view, View::Mine);
    assert_eq!(
        serde_json::to_value(SearchField::Attribute).unwrap(),
        json!("attribute")
    );
    let s = setup();
    let page = s.search("the");
    let json = serde_json::to_value(&page).unwrap();
    assert!(json["total"].is_i64());
    let hit = &json["hits"][0];
    assert!(hit["row"]["title"].is_string());
    assert!(hit["field"].is_string());
    assert!(hit["snippet"].is_string());
}

#[test]
fn a_note_cross_posted_to_the_customer_ticket_is_found_there_too() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let billing_type = s.billing.clone();
    let customer = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    s.n += 1;
    let mut fields = NewTicket::default();
    fields
        .attributes
        .insert("title".into(), json!("Check the quokka invoice"));
    fields.attributes.insert("invoice".into(), json!(77));
    let mut req = CreateTicket::new(
        TicketId::from_parts(NOW as u64, 500),
        billing_type.id,
        fields,
    );
    req.origin_ticket = Some(customer.id);
    req.contacts = vec![s.contact];
    let internal = s.store.create_ticket(req, NOW + 500).unwrap();
    s.apply(Mutation::Note {
        attachments: Vec::new(),
        ticket: internal.id,
        body: "Ledger shows a marmot discount".into(),
        keep_private: false,
    });
    let page = s.search("marmot");
    assert_eq!(page.total, 2);
    for hit in &page.hits {
        assert_eq!(hit.field, SearchField::Note);
        assert!(marked(&hit.snippet).contains("[marmot]"));
    }
}

#[test]
fn writes_that_change_no_text_leave_the_index_alone() {
    let mut s = setup();
    let bug_type = s.bug.clone();
    let t = s.ticket(&bug_type, bug("Quokka printer jams", "", ""));
    s.search("quokka");
    let stale = |s: &Setup| -> i64 {
        let conn = rusqlite::Connection::open(s.dir.path().join(DATABASE_FILE)).unwrap();
        conn.query_row("SELECT COUNT(*) FROM ticket_search_stale", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(stale(&s), 0);
    let in_progress = s
        .store
        .states()
        .unwrap()
        .into_iter()
        .find(|st| st.category == StateCategory::InProgress)
        .unwrap()
        .id;
    let me = s.me;
    s.apply(Mutation::SetState {
        ticket: t.id,
        state: in_progress,
    });
    s.apply(Mutation::Assign {
        ticket: t.id,
        teammate: Some(me),
        team: None,
    });
    s.apply(Mutation::MarkRead { ticket: t.id });
    // A pulled copy of the ticket as it is changes nothing either.
    let same = s.store.ticket(t.id).unwrap();
    s.store
        .write(|store| store.upsert_records(&[Record::Ticket(Box::new(same))]))
        .unwrap();
    assert_eq!(stale(&s), 0, "state, assignee, reads: no text changed");
    s.apply(Mutation::Reply {
        attachments: Vec::new(),
        ticket: t.id,
        body: "On it".into(),
    });
    assert_eq!(stale(&s), 1);
    s.search("quokka");
    assert_eq!(stale(&s), 0);
}
