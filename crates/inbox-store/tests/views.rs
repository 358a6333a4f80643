//! Views, filters that combine, sorts and unread markers, checked against every ticket of a
//! demo workspace in a real database file.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Filters, InboxQuery, InboxRow, Sort, Store, View, DATABASE_FILE};

const NOW: i64 = 1_790_000_000_000;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(300, NOW)).unwrap();
    (dir, store)
}

/// The whole view, in pages of 50, and its total.
fn all_rows(store: &Store, view: View, filters: Filters, sort: Sort) -> (Vec<InboxRow>, i64) {
    let mut rows = Vec::new();
    loop {
        let page = store
            .list_tickets(&InboxQuery {
                view: view.clone(),
                filters: filters.clone(),
                sort,
                offset: rows.len() as u32,
                limit: 50,
            })
            .unwrap();
        let done = page.rows.len() < 50;
        rows.extend(page.rows);
        if done {
            return (rows, page.total);
        }
    }
}

fn tickets(store: &Store) -> Vec<Ticket> {
    store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .collect()
}

#[test]
fn team_and_brand_views_hold_exactly_their_tickets_and_counts_agree() {
    let (_dir, store) = demo();
    let all = tickets(&store);
    let counts = store.view_counts().unwrap();
    assert!(!counts.by_team.is_empty() && !counts.by_brand.is_empty());
    for team in store.teams().unwrap() {
        let (rows, total) = all_rows(
            &store,
            View::Team { team_id: team.id },
            Filters::default(),
            Sort::LastActivity,
        );
        let expected = all
            .iter()
            .filter(|t| t.assignee_team == Some(team.id))
            .count();
        assert_eq!(
            (rows.len(), total),
            (expected, expected as i64),
            "{}",
            team.name
        );
        assert_eq!(counts.by_team[&team.id], expected as i64);
        assert!(rows
            .iter()
            .all(|r| r.team_name.as_deref() == Some(team.name.as_str())));
    }
    let mut brands = 0;
    for brand in store.brands().unwrap() {
        let (rows, _) = all_rows(
            &store,
            View::Brand { brand_id: brand.id },
            Filters::default(),
            Sort::Created,
        );
        let expected = all.iter().filter(|t| t.brand == brand.id).count();
        assert_eq!(rows.len(), expected);
        assert_eq!(counts.by_brand[&brand.id], expected as i64);
        brands += expected;
    }
    assert_eq!(brands, all.len());
}

#[test]
fn filters_combine_with_the_view_and_with_each_other() {
    let (_dir, store) = demo();
    let all = tickets(&store);
    let me = store.me().unwrap().id;
    let waiting: Vec<StateId> = store
        .states()
        .unwrap()
        .into_iter()
        .filter(|s| {
            matches!(
                s.category,
                StateCategory::InProgress | StateCategory::WaitingOnCustomer
            )
        })
        .map(|s| s.id)
        .collect();
    let filters = Filters {
        categories: vec![Category::Customer, Category::BackOffice],
        states: waiting.clone(),
        open: Some(true),
        ..Filters::default()
    };
    let (rows, total) = all_rows(&store, View::Mine, filters, Sort::LastActivity);
    let expected: Vec<&Ticket> = all
        .iter()
        .filter(|t| {
            t.assignee_teammate == Some(me)
                && t.category != Category::Tracker
                && waiting.contains(&t.state_id)
                && t.open
        })
        .collect();
    assert!(!expected.is_empty(), "the demo has such tickets");
    assert_eq!(total, expected.len() as i64);
    let mut ids: Vec<TicketId> = rows.iter().map(|r| r.id).collect();
    let mut want: Vec<TicketId> = expected.iter().map(|t| t.id).collect();
    ids.sort();
    want.sort();
    assert_eq!(ids, want);

    let closed = Filters {
        open: Some(false),
        ..Filters::default()
    };
    let (rows, _) = all_rows(&store, View::All, closed, Sort::LastActivity);
    assert_eq!(rows.len(), all.iter().filter(|t| !t.open).count());
    assert!(rows.iter().all(|r| !r.open));

    let brand = store.brands().unwrap()[0].id;
    let (rows, _) = all_rows(
        &store,
        View::Category {
            category: Category::Customer,
        },
        Filters {
            brands: vec![brand],
            ..Filters::default()
        },
        Sort::Created,
    );
    let expected = all
        .iter()
        .filter(|t| t.brand == brand && t.category == Category::Customer)
        .count();
    assert_eq!(rows.len(), expected);
}

#[test]
fn the_state_sort_follows_the_workflow_and_activity_within_a_state() {
    let (_dir, store) = demo();
    let (rows, total) = all_rows(&store, View::All, Filters::default(), Sort::State);
    assert_eq!(rows.len() as i64, total);
    let rank = |c: StateCategory| StateCategory::ALL.iter().position(|x| *x == c).unwrap();
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            rank(a.state_category) <= rank(b.state_category),
            "{} before {}",
            a.state_label,
            b.state_label
        );
        if a.state_id == b.state_id {
            assert!(a.last_activity_at >= b.last_activity_at);
        }
    }
    // With a view and filters: the same tickets as by activity, in workflow order.
    let open = Filters {
        open: Some(true),
        unread: true,
        ..Filters::default()
    };
    let (by_state, total) = all_rows(&store, View::Mine, open.clone(), Sort::State);
    let (by_activity, _) = all_rows(&store, View::Mine, open, Sort::LastActivity);
    assert_eq!(by_state.len() as i64, total);
    let mut a: Vec<TicketId> = by_state.iter().map(|r| r.id).collect();
    let mut b: Vec<TicketId> = by_activity.iter().map(|r| r.id).collect();
    assert!(by_state
        .windows(2)
        .all(|p| rank(p[0].state_category) <= rank(p[1].state_category)));
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn rows_are_marked_unread_and_the_unread_filter_matches_the_count() {
    let (_dir, mut store) = demo();
    let me = store.me().unwrap().id;
    let unread_mine = Filters {
        open: Some(true),
        unread: true,
        ..Filters::default()
    };
    let (rows, total) = all_rows(&store, View::Mine, unread_mine.clone(), Sort::LastActivity);
    assert!(total > 0, "a fresh demo has unread tickets");
    assert_eq!(total, store.view_counts().unwrap().unread);
    assert!(rows.iter().all(|r| r.unread));

    // Reading one takes it off the list and unmarks its row everywhere.
    let read = rows[0].id;
    let mut n = 0u128;
    store
        .apply(
            &Mutation::MarkRead { ticket: read },
            Author::Teammate(me),
            NOW + 86_400_000,
            &mut || {
                n += 1;
                n
            },
        )
        .unwrap();
    let (after, total_after) = all_rows(&store, View::Mine, unread_mine, Sort::LastActivity);
    assert_eq!(total_after, total - 1);
    assert!(after.iter().all(|r| r.id != read));
    let (everything, _) = all_rows(&store, View::All, Filters::default(), Sort::LastActivity);
    let row = everything.iter().find(|r| r.id == read).unwrap();
    assert!(!row.unread);
    assert_eq!(
        everything.iter().filter(|r| r.unread).count(),
        everything
            .iter()
            .filter(|r| store.is_unread(r.id).unwrap())
            .count(),
        "the row markers agree with is_unread"
    );
}

#[test]
fn profiles_list_their_tickets_and_the_directory_finds_people() {
    let (_dir, store) = demo();
    let all = tickets(&store);
    let contact = store.contacts().unwrap()[0].clone();
    let profile = store.contact_profile(contact.id).unwrap();
    let theirs: Vec<&Ticket> = all
        .iter()
        .filter(|t| t.contacts.contains(&contact.id))
        .collect();
    assert_eq!(profile.tickets.total, theirs.len() as i64);
    assert_eq!(
        profile.tickets.open,
        theirs.iter().filter(|t| t.open).count() as i64
    );
    let (rows, _) = all_rows(
        &store,
        View::Contact {
            contact_id: contact.id,
        },
        Filters::default(),
        Sort::LastActivity,
    );
    assert_eq!(rows.len(), theirs.len());

    let company = store.companies().unwrap()[0].clone();
    let profile = store.company_profile(company.id).unwrap();
    let people: Vec<ContactId> = profile.contacts.iter().map(|c| c.id).collect();
    assert!(profile
        .contacts
        .iter()
        .all(|c| c.company == Some(company.id)));
    let theirs = all
        .iter()
        .filter(|t| t.company == Some(company.id) || t.contacts.iter().any(|c| people.contains(c)))
        .count();
    assert!(theirs > 0, "the demo company has tickets");
    assert_eq!(profile.tickets.total, theirs as i64);
    let (rows, _) = all_rows(
        &store,
        View::Company {
            company_id: company.id,
        },
        Filters::default(),
        Sort::Created,
    );
    assert_eq!(rows.len(), theirs);

    // The directory: by name or email, companies first; LIKE's wildcards are taken literally.
    let found = store.directory(&company.name, 20).unwrap();
    assert!(
        matches!(&found[0], inbox_store::DirectoryEntry::Company { company: c, .. } if c.id == company.id)
    );
    let by_email = store.directory(&contact.email.to_uppercase(), 20).unwrap();
    assert!(by_email.iter().any(|e| matches!(e, inbox_store::DirectoryEntry::Contact { contact: c, .. } if c.id == contact.id)));
    assert!(store.directory("%", 20).unwrap().is_empty());
    // Any part of a name: three characters and more through the trigram index, fewer by
    // walking the names; quotes and the index's own syntax are only text.
    let has_contact = |found: &[inbox_store::DirectoryEntry]| {
        found.iter().any(|e| matches!(e, inbox_store::DirectoryEntry::Contact { contact: c, .. } if c.id == contact.id))
    };
    let middle: String = contact.name.chars().skip(1).take(4).collect();
    assert!(
        has_contact(&store.directory(&middle.to_lowercase(), 100).unwrap()),
        "{middle}"
    );
    let two: String = contact.name.chars().skip(1).take(2).collect();
    assert!(has_contact(&store.directory(&two, 500).unwrap()), "{two}");
    for odd in ["\"", "a\"b", "NEAR(x y)", "*", "o'brien"] {
        store.directory(odd, 20).unwrap();
    }
    assert_eq!(
        store.directory("", 5).unwrap().len(),
        10,
        "five of each with no text"
    );
}

#[test]
fn search_narrows_with_the_same_filters_as_the_list() {
    let (_dir, store) = demo();
    let search = |filters: Filters| {
        store
            .search(&inbox_store::SearchQuery {
                text: "order".into(),
                view: View::All,
                filters,
                limit: 500,
                offset: 0,
            })
            .unwrap()
    };
    let everything = search(Filters::default());
    assert!(
        everything.total > 0 && everything.total <= 500,
        "{}",
        everything.total
    );
    let closed = search(Filters {
        open: Some(false),
        ..Filters::default()
    });
    assert!(closed.total > 0);
    assert!(closed.hits.iter().all(|h| !h.row.open));
    assert_eq!(
        closed.total as usize,
        everything.hits.iter().filter(|h| !h.row.open).count()
    );
}

#[test]
fn a_views_total_follows_writes_from_this_and_other_connections() {
    let (dir, mut store) = demo();
    let me = store.me().unwrap().id;
    let closed = Filters {
        open: Some(false),
        ..Filters::default()
    };
    let total = |store: &Store| {
        store
            .list_tickets(&InboxQuery {
                view: View::All,
                filters: closed.clone(),
                sort: Sort::LastActivity,
                offset: 0,
                limit: 1,
            })
            .unwrap()
            .total
    };
    let before = total(&store);
    assert_eq!(total(&store), before, "asked again: the same");
    let open: Vec<TicketId> = tickets(&store)
        .into_iter()
        .filter(|t| t.open && t.category != Category::Tracker)
        .map(|t| t.id)
        .take(2)
        .collect();
    let mut n = 0u128;
    let mut random = || {
        n += 1;
        n
    };
    store
        .apply(
            &Mutation::Close {
                ticket: open[0],
                resolved: true,
            },
            Author::Teammate(me),
            NOW + 1,
            &mut random,
        )
        .unwrap();
    assert_eq!(total(&store), before + 1, "after a write here");
    let mut other = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    other
        .apply(
            &Mutation::Close {
                ticket: open[1],
                resolved: true,
            },
            Author::Teammate(me),
            NOW + 2,
            &mut random,
        )
        .unwrap();
    assert_eq!(
        total(&store),
        before + 2,
        "after a write by another connection"
    );
}
