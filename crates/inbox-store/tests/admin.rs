//! Settings changes on a workspace of the app's own, against a real database file: saved
//! whole, checked by inbox-core, and visible everywhere at once.

use inbox_core::*;
use inbox_demo::DemoOptions;
use inbox_store::{Store, DATABASE_FILE};

const NOW: i64 = 1_790_000_000_000;

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join(DATABASE_FILE)).unwrap();
    store.seed_demo(DemoOptions::new(40, NOW)).unwrap();
    (dir, store)
}

fn new_id(n: u128) -> ulid::Ulid {
    ulid::Ulid::from_parts(NOW as u64, n)
}

#[test]
fn an_admin_adds_a_ticket_type_whose_form_takes_tickets_at_once() {
    let (_dir, mut store) = demo();
    let states: Vec<StateId> = store.states().unwrap().iter().map(|s| s.id).collect();
    let mut kind = TicketType::new(
        TicketTypeId(new_id(1)),
        "Hardware return",
        "📦",
        Category::Customer,
        vec![AttributeDef::new("serial", "Serial number", DataType::Text)],
        states,
    );
    kind.attributes.last_mut().unwrap().required_to_create = true;
    store
        .apply_admin(&AdminChange::SaveTicketType(kind.clone()))
        .unwrap();
    assert!(store.ticket_types().unwrap().contains(&kind));

    let me = Author::Teammate(store.me().unwrap().id);
    let contact = store.contacts().unwrap()[0].id;
    let mut n = 1u128 << 90;
    let mut random = || {
        n += 1;
        n
    };
    let mut create = CreateTicket::new(
        TicketId(new_id(2)),
        kind.id,
        NewTicket {
            attributes: [("title".to_owned(), serde_json::json!("Broken router"))].into(),
        },
    );
    create.contacts = vec![contact];
    let refused = store
        .apply(
            &Mutation::CreateTicket(create.clone()),
            me,
            NOW,
            &mut random,
        )
        .unwrap_err();
    assert_eq!(
        refused.body().code,
        "attribute_required",
        "the new attribute is required"
    );
    create
        .fields
        .attributes
        .insert("serial".into(), serde_json::json!("SN-1"));
    store
        .apply(&Mutation::CreateTicket(create), me, NOW, &mut random)
        .unwrap();

    // Archived, it takes no more tickets; its attribute cannot be taken away.
    let mut removed = kind.clone();
    removed.attributes.retain(|a| a.key != "serial");
    let error = store
        .apply_admin(&AdminChange::SaveTicketType(removed))
        .unwrap_err();
    assert_eq!(error.body().code, "attribute_removed");
    store
        .apply_admin(&AdminChange::SaveTicketType(TicketType {
            archived: true,
            ..kind.clone()
        }))
        .unwrap();
    assert!(store.ticket_type(kind.id).unwrap().archived);
}

#[test]
fn states_brands_teams_and_teammates_are_saved_and_checked() {
    let (_dir, mut store) = demo();
    let mut state = store.states().unwrap()[0].clone();
    state.customer_label = "Received".into();
    store
        .apply_admin(&AdminChange::SaveState(state.clone()))
        .unwrap();
    assert!(store.states().unwrap().contains(&state));
    let added = TicketState {
        id: StateId(new_id(3)),
        internal_label: "Escalated".into(),
        customer_label: "In progress".into(),
        category: StateCategory::InProgress,
        archived: false,
    };
    store
        .apply_admin(&AdminChange::SaveState(added.clone()))
        .unwrap();
    assert!(store.states().unwrap().contains(&added));

    let brand = Brand {
        id: BrandId(new_id(4)),
        name: "Northwind Labs".into(),
        logo_url: String::new(),
        color: String::new(),
        is_default: true,
    };
    store
        .apply_admin(&AdminChange::SaveBrand(brand.clone()))
        .unwrap();
    let defaults: Vec<BrandId> = store
        .brands()
        .unwrap()
        .into_iter()
        .filter(|b| b.is_default)
        .map(|b| b.id)
        .collect();
    assert_eq!(defaults, vec![brand.id], "one default brand");

    let newcomer = Teammate {
        id: TeammateId(new_id(5)),
        name: "Noor".into(),
        email: "noor@northwind.example".into(),
        role: Role::Teammate,
        active: true,
    };
    store
        .apply_admin(&AdminChange::SaveTeammate(newcomer.clone()))
        .unwrap();
    let team = Team {
        id: TeamId(new_id(6)),
        name: "Hardware".into(),
        members: vec![newcomer.id],
    };
    store
        .apply_admin(&AdminChange::SaveTeam(team.clone()))
        .unwrap();
    assert!(store.teams().unwrap().contains(&team));
    assert!(store.view_counts().unwrap().by_team.contains_key(&team.id));

    // A teammate who is not an admin changes nothing.
    store.set_me(newcomer.id).unwrap();
    let error = store
        .apply_admin(&AdminChange::SaveTeam(Team {
            name: "Renamed".into(),
            ..team
        }))
        .unwrap_err();
    assert_eq!(error.body().code, "not_admin");
}

#[test]
fn a_deactivated_teammate_keeps_their_tickets_but_gets_no_new_ones() {
    let (_dir, mut store) = demo();
    let me = store.me().unwrap();
    let sam = store
        .teammates()
        .unwrap()
        .into_iter()
        .find(|t| t.id != me.id)
        .unwrap();
    let rows = |store: &Store| {
        let page = store
            .list_tickets(&inbox_store::InboxQuery {
                view: inbox_store::View::All,
                filters: Default::default(),
                sort: inbox_store::Sort::LastActivity,
                offset: 0,
                limit: 100,
            })
            .unwrap();
        assert!(page.total <= 100);
        page.rows
            .into_iter()
            .filter(|r| r.assignee_name.as_deref() == Some(sam.name.as_str()))
            .collect::<Vec<_>>()
    };
    assert!(rows(&store).iter().all(|r| r.assignee_active));
    store
        .apply_admin(&AdminChange::SaveTeammate(Teammate {
            active: false,
            ..sam.clone()
        }))
        .unwrap();
    assert!(
        !store.teammate(sam.id).unwrap().active,
        "kept across a read"
    );
    let held = rows(&store);
    assert!(!held.is_empty() && held.iter().all(|r| !r.assignee_active));

    let unassigned = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .map(|id| store.ticket(id).unwrap())
        .find(|t| t.assignee_teammate != Some(sam.id))
        .unwrap();
    let mut n = 1u128 << 91;
    let mut random = || {
        n += 1;
        n
    };
    let assign = Mutation::Assign {
        ticket: unassigned.id,
        teammate: Some(sam.id),
        team: None,
    };
    let error = store
        .apply(&assign, Author::Teammate(me.id), NOW, &mut random)
        .unwrap_err();
    assert_eq!(error.body().code, "teammate_inactive");
}
