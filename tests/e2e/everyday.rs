//! A teammate's everyday moves through the real window: views by team and brand, filters that
//! combine, the state sort and unread markers; the command palette, the shortcuts list and
//! the keyboard; the dark theme.

use inbox_store::{Filters, InboxQuery, Sort, Store, View, DATABASE_FILE};
use serde_json::json;

use crate::harness::{App, CTRL, ENTER, ESCAPE};

/// The count the list header shows, once the list has loaded.
async fn list_total(app: &App) -> i64 {
    app.until(
        "the list's total",
        "const t = document.querySelector('[data-testid=list-total]');
         return t && Number(t.textContent);",
        vec![],
    )
    .await
    .as_i64()
    .unwrap()
}

/// Waits for the list header to show `total`.
async fn until_total(app: &App, what: &str, total: i64) {
    app.until(
        what,
        "const t = document.querySelector('[data-testid=list-total]');
         return t && Number(t.textContent) === arguments[0];",
        vec![json!(total)],
    )
    .await;
}

fn count(store: &Store, view: View, filters: Filters) -> i64 {
    store
        .list_tickets(&InboxQuery {
            view,
            filters,
            sort: Sort::LastActivity,
            offset: 0,
            limit: 1,
        })
        .unwrap()
        .total
}

#[tokio::test]
async fn views_filters_and_sorts_narrow_the_list_as_the_database_says() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let team = store.teams().unwrap()[0].clone();

    // A team's view.
    app.click(&format!("[data-testid='view-team-{}']", team.id))
        .await;
    let team_view = View::Team { team_id: team.id };
    until_total(
        &app,
        "the team's tickets",
        count(&store, team_view.clone(), Filters::default()),
    )
    .await;

    // Closed only, then unread only on top: both filters hold at once.
    app.click("[data-testid=filter-closed]").await;
    let closed = Filters {
        open: Some(false),
        ..Filters::default()
    };
    until_total(
        &app,
        "closed tickets of the team",
        count(&store, team_view.clone(), closed.clone()),
    )
    .await;
    // Mine opens with both tickets and conversations: its tickets alone.
    app.click("[data-testid=view-mine]").await;
    app.click("[data-testid=kind-tickets]").await;
    app.click("[data-testid=filter-open]").await;
    app.click("[data-testid=filter-unread]").await;
    let unread = Filters {
        open: Some(true),
        unread: true,
        ..Filters::default()
    };
    let expected = count(&store, View::Mine, unread);
    assert!(expected > 0, "the demo has unread tickets of mine");
    until_total(&app, "my unread open tickets", expected).await;
    let marked = app
        .js(
            "const rows = [...document.querySelectorAll('[data-testid=ticket-row]')];
             return rows.length > 0 && rows.every(r => r.querySelector('[data-testid=row-unread]'));",
            vec![],
        )
        .await;
    assert_eq!(marked, json!(true), "every row is marked unread");
    app.screenshot("filters");
    let badge = app
        .text("[data-testid=view-mine] [data-testid=view-unread]")
        .await;
    assert_eq!(badge, store.view_counts().unwrap().unread.to_string());

    // Opening one reads it: the badge counts one less at once; the list keeps it (marked) while
    // I work in it, and lets it go when refreshed.
    app.click("[data-testid=ticket-row][data-index='0']").await;
    app.until(
        "the read ticket marked as out of the unread list",
        "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"]');
         return r && r.dataset.gone === 'true';",
        vec![],
    )
    .await;
    app.until(
        "the badge down by one",
        "const b = document.querySelector('[data-testid=view-mine] [data-testid=view-unread]');
         return (b ? Number(b.textContent) : 0) === arguments[0];",
        vec![json!(store.view_counts().unwrap().unread)],
    )
    .await;
    app.click("[data-testid=list-pending]").await;
    until_total(&app, "one unread ticket less", expected - 1).await;

    // Clearing shows the whole view again; the state sort lists submitted tickets first.
    app.click("[data-testid=filter-clear]").await;
    until_total(
        &app,
        "all of mine",
        count(&store, View::Mine, Filters::default()),
    )
    .await;
    app.click("[data-testid=view-all]").await;
    app.click("[data-testid=sort-state]").await;
    let first = app
        .until(
            "the first row's state",
            "const r = document.querySelector('[data-testid=ticket-row][data-index=\"0\"] [data-testid=row-state]');
             return r && r.textContent.trim();",
            vec![],
        )
        .await;
    let submitted = store
        .states()
        .unwrap()
        .into_iter()
        .find(|s| s.category == inbox_core::StateCategory::Submitted)
        .unwrap();
    assert_eq!(first, json!(submitted.internal_label));
    assert!(list_total(&app).await > 0);
    app.close().await;
}

#[tokio::test]
async fn the_keyboard_reaches_every_action() {
    let app = App::launch(&["--demo"]).await;
    // j opens the first ticket; the palette then offers its actions.
    app.press(&['j']).await;
    app.wait_for("[data-testid=ticket-detail]").await;
    app.press(&[CTRL, 'k']).await;
    app.wait_for("[data-testid=palette-input]").await;
    let offered = app
        .js(
            "return [...document.querySelectorAll('[data-testid=palette-item]')].map(i => i.dataset.command);",
            vec![],
        )
        .await;
    for command in [
        "reply",
        "note",
        "assign",
        "state",
        "go-mine",
        "settings",
        "shortcuts",
    ] {
        assert!(
            offered.as_array().unwrap().iter().any(|c| c == command),
            "the palette offers {command}: {offered}"
        );
    }
    // Typing narrows it; Enter runs the best match.
    for key in "go mine".chars() {
        app.press(&[key]).await;
    }
    app.screenshot("palette");
    app.press(&[ENTER]).await;
    app.until(
        "the Mine view",
        "const v = document.querySelector('[data-testid=view-mine]');
         return v && v.getAttribute('aria-current') === 'page';",
        vec![],
    )
    .await;
    assert_eq!(
        app.js(
            "return !!document.querySelector('[data-testid=palette]');",
            vec![]
        )
        .await,
        json!(false)
    );

    // r focuses the reply box; Esc leaves it; ? lists the shortcuts.
    app.press(&['j']).await;
    app.wait_for("[data-testid=ticket-detail]").await;
    app.press(&['r']).await;
    app.until(
        "the reply box focused",
        "return document.activeElement?.dataset.testid === 'composer-input';",
        vec![],
    )
    .await;
    app.js("document.activeElement.blur();", vec![]).await;
    app.press(&['?']).await;
    let listed = app.text("[data-testid=shortcuts]").await;
    for what in ["Command palette", "Reply", "Search tickets", "New ticket"] {
        assert!(listed.contains(what), "{what} in: {listed}");
    }
    app.press(&[ESCAPE]).await;
    app.until(
        "the shortcuts closed",
        "return !document.querySelector('[data-testid=shortcuts]');",
        vec![],
    )
    .await;

    // The palette switches to the dark theme, and Settings remembers the choice.
    app.press(&[CTRL, 'k']).await;
    for key in "dark".chars() {
        app.press(&[key]).await;
    }
    app.press(&[ENTER]).await;
    app.until(
        "the dark theme",
        "return document.documentElement.dataset.theme === 'dark';",
        vec![],
    )
    .await;
    app.screenshot("dark");
    app.click("[data-testid=open-settings]").await;
    let chosen = app
        .until(
            "the theme setting",
            "const s = document.querySelector('[data-testid=theme]'); return s && s.value;",
            vec![],
        )
        .await;
    assert_eq!(chosen, json!("dark"));
    app.close().await;
}

#[tokio::test]
async fn a_second_launch_hands_over_and_the_window_keeps_its_size() {
    let app = App::launch(&["--demo"]).await;

    // Launched again on the same data folder: the second process hands over and exits, and
    // the first window is still there and answering.
    let mut second = app.launch_another(&["--demo"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the second instance exits"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");
    app.wait_for("[data-testid=ticket-row]").await;

    // Resized, closed and opened again: the same size.
    let window = app.xdotool(&["search", "--name", "^Teammate Inbox"]);
    let window = window.lines().next().unwrap().to_owned();
    app.xdotool(&["windowsize", &window, "1100", "700"]);
    let mut waited = 0;
    while app.window_size() != (1100, 700) {
        assert!(
            waited < 50,
            "the window took the new size: {:?}",
            app.window_size()
        );
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Saved shortly after the change (not only at exit), in the data folder.
    let saved = app.data_dir().join("window-state.json");
    let mut waited = 0;
    while !std::fs::read_to_string(&saved).is_ok_and(|s| s.contains("1100")) {
        assert!(waited < 50, "the window state is saved");
        waited += 1;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let app = app.relaunch(&["--demo"], "[data-testid=ticket-row]").await;
    assert_eq!(app.window_size(), (1100, 700));
    app.close().await;
}

#[tokio::test]
async fn profiles_list_a_contacts_and_a_companys_tickets() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // A ticket near the top of the list whose contact belongs to a company.
    let top = store
        .list_tickets(&InboxQuery {
            view: View::All,
            filters: Filters::default(),
            sort: Sort::LastActivity,
            offset: 0,
            limit: 8,
        })
        .unwrap();
    let ticket = top
        .rows
        .iter()
        .map(|row| store.ticket(row.id).unwrap())
        .find(|t| {
            t.contacts
                .first()
                .is_some_and(|c| store.contact(*c).unwrap().company.is_some())
        })
        .expect("a ticket from a company's contact");
    let contact = store.contact(ticket.contacts[0]).unwrap();
    let company = contact.company.unwrap();

    app.click(&format!(
        "[data-testid=ticket-row][data-ticket-id='{}']",
        ticket.id
    ))
    .await;
    app.click("[data-testid=open-contact]").await;
    let name = app.text("[data-testid=profile-name]").await;
    assert_eq!(name, contact.name);
    let theirs = count(
        &store,
        View::Contact {
            contact_id: contact.id,
        },
        Filters::default(),
    );
    until_total(&app, "the contact's tickets", theirs).await;
    let summary = app.text("[data-testid=profile-summary]").await;
    assert!(summary.contains(&format!("{theirs} ticket")), "{summary}");

    // Their company: its tickets and its people.
    app.click("[data-testid=profile-company]").await;
    app.until(
        "the company's profile",
        "const p = document.querySelector('[data-testid=profile]');
         return p && p.dataset.kind === 'company';",
        vec![],
    )
    .await;
    let company_tickets = count(
        &store,
        View::Company {
            company_id: company,
        },
        Filters::default(),
    );
    until_total(&app, "the company's tickets", company_tickets).await;
    app.screenshot("profile");
    app.click("[data-testid=profile-tab-people]").await;
    let people = app
        .until(
            "the company's people",
            "const n = document.querySelectorAll('[data-testid=profile-person]').length;
             return n > 0 && n;",
            vec![],
        )
        .await;
    assert_eq!(
        people,
        json!(store.company_profile(company).unwrap().contacts.len())
    );

    app.click("[data-testid=profile-tab-tickets]").await;
    // The profile's tickets can be searched like the inbox.
    let first_title = app
        .text("[data-testid=profile] [data-testid=ticket-row] [data-testid=row-title]")
        .await;
    let word = first_title
        .split_whitespace()
        .find(|w| w.len() > 3 && w.chars().all(char::is_alphanumeric))
        .unwrap_or(&first_title)
        .to_owned();
    app.type_into("[data-testid=profile] [data-testid=search-input]", &word)
        .await;
    app.until(
        "the profile's search hits",
        "const hits = [...document.querySelectorAll('[data-testid=profile] [data-testid=search-hit]')];
         return hits.length > 0 && hits.length <= arguments[0];",
        vec![json!(company_tickets)],
    )
    .await;
    app.js(
        "const i = document.querySelector('[data-testid=profile] [data-testid=search-input]');
         i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![],
    )
    .await;

    // A ticket picked on the profile opens in the inbox.
    app.click("[data-testid=profile] [data-testid=ticket-row]")
        .await;
    app.wait_for("[data-testid=ticket-detail]").await;

    // The directory finds people as you type.
    app.click("[data-testid=view-people]").await;
    app.type_into("[data-testid=people-search]", &contact.email)
        .await;
    app.until(
        "only that contact",
        "const rows = [...document.querySelectorAll('[data-testid=people-row]')];
         return rows.length === 1 && rows[0].dataset.id === arguments[0];",
        vec![json!(contact.id.to_string())],
    )
    .await;
    app.close().await;
}

#[tokio::test]
async fn a_new_ticket_gets_its_type_form_contacts_company_and_brand() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    let contact = store.contacts().unwrap()[3].clone();
    let company = store.companies().unwrap()[1].clone();
    let brand = store
        .brands()
        .unwrap()
        .into_iter()
        .find(|b| !b.is_default)
        .expect("the demo has a second brand");
    // A customer type whose only required attribute is the title.
    let ticket_type = store
        .ticket_types()
        .unwrap()
        .into_iter()
        .find(|t| {
            t.category == inbox_core::Category::Customer
                && !t.archived
                && t.attributes
                    .iter()
                    .all(|a| a.key == "title" || !a.required_to_create)
        })
        .expect("a customer type needing only a title");

    app.press(&['c']).await;
    app.wait_for("[data-testid=create-ticket-form]").await;
    app.js(
        "const s = document.querySelector('[data-testid=create-ticket-type]');
         s.value = arguments[0];
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(ticket_type.id.to_string())],
    )
    .await;
    app.type_into("label[data-field=title] input", "Invoice address is wrong")
        .await;
    app.type_into("[data-testid=create-ticket-contacts-input]", &contact.email)
        .await;
    app.click("[data-testid=create-ticket-contacts-option]")
        .await;
    app.type_into("[data-testid=create-ticket-company-input]", &company.name)
        .await;
    app.click("[data-testid=create-ticket-company-option]")
        .await;
    app.js(
        "const s = document.querySelector('[data-testid=create-ticket-brand]');
         s.value = arguments[0];
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(brand.id.to_string())],
    )
    .await;
    app.screenshot("new-ticket");
    app.click("[data-testid=create-ticket-submit]").await;
    // A ticket that reaches its customer is created on Confirm, after its preview.
    app.until(
        "Confirm ready",
        "const b = document.querySelector('[data-testid=preview-confirm]'); return !!b && !b.disabled;",
        vec![],
    )
    .await;
    app.click("[data-testid=preview-confirm]").await;
    let title = app.text("[data-testid=detail-title]").await;
    assert_eq!(title, "Invoice address is wrong");

    let id = app
        .js(
            "return document.querySelector('[data-testid=ticket-detail]').dataset.ticketId;",
            vec![],
        )
        .await;
    let ticket = store.ticket(id.as_str().unwrap().parse().unwrap()).unwrap();
    assert_eq!(ticket.type_id, ticket_type.id);
    assert_eq!(ticket.contacts, vec![contact.id]);
    assert_eq!(ticket.company, Some(company.id));
    assert_eq!(ticket.brand, brand.id);
    assert!(ticket.shared, "a customer ticket is shared (R1)");
    app.close().await;
}

#[tokio::test]
async fn search_finds_notes_and_numbers_as_you_type() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    // A note of the demo, and a few of its words.
    let (ticket, note) = store
        .ticket_ids()
        .unwrap()
        .into_iter()
        .find_map(|id| {
            store
                .timeline(id)
                .unwrap()
                .into_iter()
                .find_map(|p| match p.kind {
                    inbox_core::PartKind::Note { body } if body.split_whitespace().count() >= 4 => {
                        Some((id, body))
                    }
                    _ => None,
                })
        })
        .expect("the demo has notes");
    let words: Vec<&str> = note
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 3)
        .take(3)
        .collect();
    let typed = words.join(" ");

    app.press(&['/']).await;
    app.until(
        "the search box focused",
        "return document.activeElement?.dataset.testid === 'search-input';",
        vec![],
    )
    .await;
    for key in typed.chars() {
        app.press(&[key]).await;
    }
    app.until(
        "the note's ticket among the hits, its words marked",
        "return [...document.querySelectorAll('[data-testid=search-hit]')].some(h =>
           h.dataset.ticketId === arguments[0] && h.querySelector('mark'));",
        vec![json!(ticket.to_string())],
    )
    .await;
    app.screenshot("search");

    // A number finds its ticket first; the arrow keys open the hits.
    let number = store.ticket(ticket).unwrap().number.unwrap();
    app.js(
        "const i = document.querySelector('[data-testid=search-input]'); i.select();",
        vec![],
    )
    .await;
    for key in format!("#{number}").chars() {
        app.press(&[key]).await;
    }
    app.until(
        "the numbered ticket first",
        "const h = document.querySelector('[data-testid=search-hit]');
         return h && h.dataset.ticketId === arguments[0] && h.dataset.field === 'number';",
        vec![json!(ticket.to_string())],
    )
    .await;
    app.press(&['\u{E015}']).await; // ArrowDown
    app.until(
        "the hit open",
        "const d = document.querySelector('[data-testid=ticket-detail]');
         return d && d.dataset.ticketId === arguments[0];",
        vec![json!(ticket.to_string())],
    )
    .await;

    // Esc in the search box goes back to the whole list.
    app.click("[data-testid=search-input]").await;
    app.press(&[ESCAPE]).await;
    app.wait_for("[data-testid=ticket-list]").await;
    app.close().await;
}

#[tokio::test]
async fn an_admin_adds_a_ticket_type_and_renames_a_state_in_settings() {
    let app = App::launch(&["--demo"]).await;
    let store = Store::open(&app.data_dir().join(DATABASE_FILE)).unwrap();
    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-workspace]").await;
    app.click("[data-testid=new-type-customer]").await;
    app.type_into("[data-testid=type-name]", "Hardware return")
        .await;
    app.type_into("[data-testid=new-attribute-name]", "Serial number")
        .await;
    app.click("[data-testid=add-attribute]").await;
    app.wait_for("[data-testid=type-attribute][data-key=serial_number]")
        .await;
    app.screenshot("settings-types");
    app.click("[data-testid=save-type]").await;
    app.wait_for("[data-testid=admin-saved]").await;
    let kind = store
        .ticket_types()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Hardware return")
        .expect("the type is saved");
    assert_eq!(kind.category, inbox_core::Category::Customer);
    assert!(kind.attribute("serial_number").is_some());

    // A state's customer label.
    app.click("[data-testid=admin-tab-states]").await;
    let state = store.states().unwrap()[0].clone();
    let row = format!("[data-testid=state-row][data-id='{}']", state.id);
    app.js(
        "const i = document.querySelector(arguments[0] + ' input[aria-label=\"Customer label\"]');
         i.value = 'Received by the team';
         i.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(row)],
    )
    .await;
    app.click(&format!("{row} [data-testid=save-state]")).await;
    app.until(
        "the state saved",
        "const s = document.querySelector('[data-testid=admin-saved]');
         return s && s.textContent.includes(arguments[0]);",
        vec![json!(state.internal_label)],
    )
    .await;
    let saved = store
        .states()
        .unwrap()
        .into_iter()
        .find(|s| s.id == state.id)
        .unwrap();
    assert_eq!(saved.customer_label, "Received by the team");

    // The new type is offered at once by the new-ticket form, with its attribute.
    app.press(&[ESCAPE]).await;
    app.press(&['c']).await;
    app.js(
        "const s = document.querySelector('[data-testid=create-ticket-type]');
         s.value = arguments[0];
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(kind.id.to_string())],
    )
    .await;
    app.wait_for("label[data-field=serial_number] input").await;
    app.click("[data-testid=create-ticket-form] button[aria-label=Cancel]")
        .await;

    a_teammate_who_left_is_deactivated_and_reactivated(&app, &store).await;
    app.close().await;
}

/// Deactivates a teammate who holds one of the tickets on screen: Settings asks first and lists
/// them last, the assignee menu stops offering them, their ticket still names them; then
/// reactivates them.
async fn a_teammate_who_left_is_deactivated_and_reactivated(app: &App, store: &Store) {
    let me = store.me().unwrap().id;
    let rows = store
        .list_tickets(&InboxQuery {
            view: View::All,
            filters: Filters::default(),
            sort: Sort::LastActivity,
            offset: 0,
            limit: 8,
        })
        .unwrap()
        .rows;
    let tickets: Vec<_> = rows.iter().map(|r| store.ticket(r.id).unwrap()).collect();
    let theirs = tickets
        .iter()
        .find(|t| t.assignee_teammate.is_some_and(|a| a != me))
        .expect("a ticket on screen held by someone else");
    let leaver = store.teammate(theirs.assignee_teammate.unwrap()).unwrap();
    let other = tickets
        .iter()
        .find(|t| t.assignee_teammate != Some(leaver.id))
        .expect("a ticket on screen not held by them");
    let row = format!("[data-testid=teammate-row][data-id='{}']", leaver.id);

    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-workspace]").await;
    app.click("[data-testid=admin-tab-team]").await;
    app.click(&format!("{row} [data-testid=deactivate-teammate]"))
        .await;
    let warning = app
        .text(&format!("{row} [data-testid=deactivate-confirm] p"))
        .await;
    assert!(
        warning.starts_with(&format!("{} will be signed out everywhere", leaver.name)),
        "{warning}"
    );
    app.screenshot("settings-deactivate");
    app.click(&format!("{row} [data-testid=confirm-deactivate]"))
        .await;
    app.wait_for(&format!(
        "{row}[data-active=false] [data-testid=teammate-deactivated]"
    ))
    .await;
    assert!(!store.teammate(leaver.id).unwrap().active);
    let last = app
        .js(
            "const rows = document.querySelectorAll('[data-testid=teammate-row]');
             return rows[rows.length - 1].dataset.id;",
            vec![],
        )
        .await;
    assert_eq!(
        last,
        json!(leaver.id.to_string()),
        "those who left come last"
    );
    app.screenshot("settings-teammates");
    app.press(&[ESCAPE]).await;

    // Not offered for a ticket of someone else's...
    let open = |id: inbox_core::TicketId| async move {
        app.click(&format!("[data-testid=ticket-row][data-ticket-id='{id}']"))
            .await;
        app.wait_for(&format!(
            "[data-testid=ticket-detail][data-ticket-id='{id}']"
        ))
        .await;
        app.click("[data-testid=assignee-menu]").await;
        app.wait_for("[data-testid=assignee-none]").await;
    };
    let option = format!("[data-testid=assignee-option-{}]", leaver.id);
    open(other.id).await;
    let offered = app
        .js(
            "return !!document.querySelector(arguments[0]);",
            vec![json!(option)],
        )
        .await;
    assert_eq!(
        offered,
        json!(false),
        "a deactivated teammate is not offered"
    );
    app.press(&[ESCAPE]).await;

    // ... while the ticket they hold still names them.
    open(theirs.id).await;
    let label = app.text("[data-testid=assignee-menu]").await;
    assert!(
        label.contains(&format!("{} (deactivated)", leaver.name)),
        "{label}"
    );
    app.until(
        "them checked as the ticket's assignee",
        "const o = document.querySelector(arguments[0]);
         return o && o.getAttribute('aria-checked') === 'true' && o.textContent.includes('Deactivated');",
        vec![json!(option)],
    )
    .await;
    app.screenshot("assignee-deactivated");
    app.press(&[ESCAPE]).await;

    app.click("[data-testid=open-settings]").await;
    app.click("[data-testid=settings-workspace]").await;
    app.click("[data-testid=admin-tab-team]").await;
    app.click(&format!("{row} [data-testid=reactivate-teammate]"))
        .await;
    app.wait_for(&format!(
        "{row}[data-active=true] [data-testid=deactivate-teammate]"
    ))
    .await;
    assert!(store.teammate(leaver.id).unwrap().active);
    app.press(&[ESCAPE]).await;
    open(other.id).await;
    app.wait_for(&option).await;
    app.press(&[ESCAPE]).await;
}
