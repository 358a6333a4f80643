//! The demo workspace: a seeded, deterministic generator of a realistic support workspace
//! (brands, teammates, teams, companies, contacts, ticket types of every category, states,
//! tickets with timelines, tracker links, conversations).
//!
//! The same seed, ticket count and `now` always give the same workspace, so `make run`, the tests
//! and the benchmarks share one fixture. 100,000 tickets load in seconds: everything goes in
//! one transaction through cached statements.

mod big_tracker;
mod rng;
mod words;

use inbox_core::{
    AttributeDef, Author, Brand, BrandId, Category, Company, CompanyId, Contact, ContactId,
    Conversation, ConversationId, CreateTicket, DataType, MessageChannel, Millis, NewTicket, Part, PartId,
    PartKind, Role, StateCategory, StateId, Team, TeamId, Teammate, TeammateId, Ticket, TicketId,
    TicketState, TicketType, TicketTypeId,
};
use serde_json::json;

use std::collections::HashMap;

use rng::Rng;
use words::*;

const MINUTE: Millis = 60_000;
const HOUR: Millis = 60 * MINUTE;
const DAY: Millis = 24 * HOUR;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub seed: u64,
    pub tickets: usize,
    /// The newest activity in the workspace happens shortly before this instant.
    pub now: Millis,
    /// Also a tracker with this many linked customer tickets (R13's worst case, for load
    /// tests and benchmarks); none when 0.
    pub big_tracker: usize,
}

impl DemoOptions {
    /// The default workspace size for `make run`.
    pub const DEFAULT_TICKETS: usize = 300;

    pub fn new(tickets: usize, now: Millis) -> DemoOptions {
        DemoOptions {
            seed: 0x7ea3_11b0,
            tickets,
            now,
            big_tracker: 0,
        }
    }

    /// With a tracker that `linked` customer tickets are linked to.
    pub fn with_big_tracker(self, linked: usize) -> DemoOptions {
        DemoOptions {
            big_tracker: linked,
            ..self
        }
    }
}

/// Where the generated workspace goes: the app's store, the server's database. Each record
/// comes once, everything it refers to before it; the caller owns the transaction.
pub trait Sink {
    type Error: From<inbox_core::CoreError>;
    fn insert_brand(&self, brand: &Brand) -> Result<(), Self::Error>;
    fn insert_teammate(&self, teammate: &Teammate) -> Result<(), Self::Error>;
    /// The teammate the app is signed in as (a server has no such thing).
    fn set_me(&self, teammate: TeammateId) -> Result<(), Self::Error>;
    fn insert_team(&self, team: &Team) -> Result<(), Self::Error>;
    fn insert_company(&self, company: &Company) -> Result<(), Self::Error>;
    fn insert_contact(&self, contact: &Contact) -> Result<(), Self::Error>;
    fn insert_state(&self, state: &TicketState) -> Result<(), Self::Error>;
    fn insert_ticket_type(&self, ticket_type: &TicketType) -> Result<(), Self::Error>;
    fn insert_ticket(&self, ticket: &Ticket) -> Result<(), Self::Error>;
    fn append_part(&self, part: &Part) -> Result<(), Self::Error>;
    fn insert_conversation(&self, conversation: &Conversation) -> Result<(), Self::Error>;
}

/// What the generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub tickets: usize,
    pub parts: usize,
    pub tracker_links: usize,
    pub conversations: usize,
    /// The tracker of [`DemoOptions::big_tracker`], when asked for.
    pub big_tracker: Option<TicketId>,
}

/// Writes the demo workspace into `sink` (an empty one).
pub fn generate<S: Sink>(sink: &S, opts: DemoOptions) -> Result<DemoSummary, S::Error> {
    Generator::new(sink, opts).run()
}

/// What the generator made first and the tickets refer to.
pub(crate) struct Workspace {
    teammates: Vec<Teammate>,
    company_names: HashMap<CompanyId, String>,
    teams: Vec<Team>,
    pub(crate) contacts: Vec<Contact>,
    pub(crate) states: Vec<TicketState>,
    pub(crate) types: Vec<TicketType>,
    pub(crate) default_brand: BrandId,
    brands: Vec<BrandId>,
}

struct Generator<'a, S: Sink> {
    store: &'a S,
    rng: Rng,
    opts: DemoOptions,
    summary: DemoSummary,
}

impl<'a, S: Sink> Generator<'a, S> {
    fn new(store: &'a S, opts: DemoOptions) -> Self {
        Generator {
            store,
            rng: Rng::new(opts.seed),
            opts,
            summary: DemoSummary {
                tickets: 0,
                parts: 0,
                tracker_links: 0,
                conversations: 0,
                big_tracker: None,
            },
        }
    }

    fn run(mut self) -> Result<DemoSummary, S::Error> {
        let ws = self.workspace()?;
        let mut trackers: Vec<TicketId> = Vec::new();
        let mut customer_tickets: Vec<(TicketId, ContactId, Millis)> = Vec::new();
        // Oldest first, so numbers grow with creation time like a real workspace.
        let span = (self.opts.tickets as Millis * 2 * HOUR).clamp(DAY, 180 * DAY);
        let mut created: Vec<Millis> = (0..self.opts.tickets)
            .map(|_| self.opts.now - HOUR - self.rng.range(0, span))
            .collect();
        created.sort_unstable();
        for (index, created_at) in created.into_iter().enumerate() {
            // A few trackers early on, so customer tickets have something to link to.
            let category = if index % 31 == 2 {
                Category::Tracker
            } else if self.rng.chance(18) {
                Category::BackOffice
            } else {
                Category::Customer
            };
            let ticket = self.ticket(
                &ws,
                category,
                index as i64 + 1,
                created_at,
                &trackers,
                &customer_tickets,
            )?;
            match ticket.category {
                Category::Tracker => trackers.push(ticket.id),
                Category::Customer => {
                    customer_tickets.push((ticket.id, ticket.contacts[0], ticket.created_at))
                }
                Category::BackOffice => {}
            }
        }
        self.conversations(&ws, &customer_tickets)?;
        if self.opts.big_tracker > 0 {
            let first_number = self.opts.tickets as i64 + 1;
            self.summary.big_tracker = Some(big_tracker::add(
                self.store,
                &ws,
                self.opts.big_tracker,
                first_number,
                self.opts.now,
            )?);
        }
        Ok(self.summary)
    }

    fn id(&mut self, at: Millis) -> (u64, u128) {
        (at.max(0) as u64, self.rng.u128())
    }

    fn workspace(&mut self) -> Result<Workspace, S::Error> {
        let store = self.store;
        let base = self.opts.now - 400 * DAY;
        let mut brands = Vec::new();
        for (i, (name, color)) in [("Northwind", "#2563eb"), ("Northwind Pay", "#16a34a")]
            .iter()
            .enumerate()
        {
            let (t, r) = self.id(base);
            let brand = Brand {
                id: BrandId::from_parts(t, r),
                name: (*name).to_owned(),
                logo_url: logo(name, color),
                is_default: i == 0,
            };
            store.insert_brand(&brand)?;
            brands.push(brand.id);
        }

        let people = [
            ("Alex Rivera", Role::Admin),
            ("Sam Okafor", Role::Teammate),
            ("Priya Natarajan", Role::Teammate),
            ("Jonas Weber", Role::Teammate),
            ("Mei Lin", Role::Admin),
            ("Carlos Mendes", Role::Teammate),
            ("Hannah Scott", Role::Teammate),
            ("Tomás Novak", Role::Teammate),
        ];
        let mut teammates = Vec::new();
        for (name, role) in people {
            let (t, r) = self.id(base);
            let first = name.split(' ').next().unwrap_or(name).to_lowercase();
            let teammate = Teammate {
                id: TeammateId::from_parts(t, r),
                name: name.to_owned(),
                email: format!("{}@northwind.example", first.replace('á', "a")),
                role,
                active: true,
            };
            store.insert_teammate(&teammate)?;
            teammates.push(teammate);
        }
        store.set_me(teammates[0].id)?;

        let mut teams = Vec::new();
        for (name, members) in [
            ("Support", &[0, 1, 2, 5][..]),
            ("Billing", &[3, 6][..]),
            ("Engineering", &[4, 7][..]),
        ] {
            let (t, r) = self.id(base);
            let team = Team {
                id: TeamId::from_parts(t, r),
                name: name.to_owned(),
                members: members.iter().map(|&i| teammates[i].id).collect(),
            };
            store.insert_team(&team)?;
            teams.push(team);
        }

        let company_count = (self.opts.tickets / 8).clamp(12, 2_000);
        let mut companies = Vec::new();
        for i in 0..company_count {
            let (t, r) = self.id(base);
            let mut name = format!(
                "{} {}",
                self.rng.pick(COMPANY_WORDS),
                self.rng.pick(COMPANY_SUFFIXES)
            );
            if i >= COMPANY_WORDS.len() * COMPANY_SUFFIXES.len() / 2 {
                name = format!("{name} {}", i);
            }
            let company = Company {
                id: CompanyId::from_parts(t, r),
                name,
            };
            store.insert_company(&company)?;
            companies.push(company);
        }

        let contact_count = (self.opts.tickets / 3).clamp(40, 30_000);
        let mut contacts = Vec::new();
        for i in 0..contact_count {
            let (t, r) = self.id(base);
            let first = *self.rng.pick(FIRST_NAMES);
            let last = *self.rng.pick(LAST_NAMES);
            let company = self
                .rng
                .chance(80)
                .then(|| self.rng.pick(&companies).clone());
            let domain = company
                .as_ref()
                .map(|c| c.name.split(' ').next().unwrap_or("mail").to_lowercase())
                .unwrap_or_else(|| "mail".to_owned());
            let contact = Contact {
                id: ContactId::from_parts(t, r),
                name: format!("{first} {last}"),
                email: format!(
                    "{}.{}{}@{domain}.example",
                    first.to_lowercase(),
                    last.to_lowercase(),
                    i
                ),
                company: company.map(|c| c.id),
                role: Default::default(),
                external_id: None,
            };
            store.insert_contact(&contact)?;
            contacts.push(contact);
        }

        let mut states: Vec<TicketState> = Vec::new();
        let mut state_specs: Vec<(String, String, StateCategory)> = StateCategory::ALL
            .iter()
            .map(|c| {
                (
                    c.internal_default_label().to_owned(),
                    c.customer_default_label().to_owned(),
                    *c,
                )
            })
            .collect();
        // Two internal states customers see as one: R6a's "no noise" case.
        state_specs.insert(
            2,
            (
                "Triage by engineering".into(),
                "In progress".into(),
                StateCategory::InProgress,
            ),
        );
        for (internal, customer, category) in state_specs {
            let (t, r) = self.id(base);
            let state = TicketState {
                id: StateId::from_parts(t, r),
                internal_label: internal,
                customer_label: customer,
                category,
                archived: false,
            };
            store.insert_state(&state)?;
            states.push(state);
        }
        let all_states: Vec<StateId> = states.iter().map(|s| s.id).collect();
        let without_triage: Vec<StateId> = states
            .iter()
            .filter(|s| s.internal_label != "Triage by engineering")
            .map(|s| s.id)
            .collect();

        let list = |options: &[&str]| DataType::List {
            options: options.iter().map(|s| s.to_string()).collect(),
        };
        let type_specs = vec![
            (
                "Bug report",
                "🐞",
                Category::Customer,
                vec![
                    AttributeDef::new(
                        "severity",
                        "Severity",
                        list(&["Low", "Medium", "High", "Critical"]),
                    )
                    .required(),
                    AttributeDef::new(
                        "browser",
                        "Browser",
                        list(&["Chrome", "Firefox", "Safari", "Edge"]),
                    ),
                    AttributeDef::new("steps", "Steps to reproduce", DataType::LongText),
                ],
                all_states.clone(),
            ),
            (
                "Refund request",
                "💸",
                Category::Customer,
                vec![
                    AttributeDef::new("order_id", "Order ID", DataType::Text).required(),
                    AttributeDef::new("amount", "Amount (EUR)", DataType::Decimal),
                    AttributeDef::new("express", "Express refund", DataType::Boolean),
                ],
                without_triage.clone(),
            ),
            (
                "Account access",
                "🔐",
                Category::Customer,
                vec![
                    AttributeDef::new("workspace_url", "Workspace URL", DataType::Text),
                    AttributeDef::new("seats", "Seats affected", DataType::Integer),
                ],
                without_triage.clone(),
            ),
            (
                "Billing investigation",
                "🧾",
                Category::BackOffice,
                vec![
                    AttributeDef::new("invoice", "Invoice number", DataType::Integer).required(),
                    AttributeDef::new("due", "Due date", DataType::Date),
                    AttributeDef::new("fraud_notes", "Fraud notes", DataType::LongText).internal(),
                ],
                without_triage.clone(),
            ),
            (
                "Security review",
                "🛡️",
                Category::BackOffice,
                vec![
                    AttributeDef::new("risk", "Risk", list(&["Low", "Medium", "High"])).internal(),
                ],
                without_triage,
            ),
            (
                "Bug tracker",
                "🎯",
                Category::Tracker,
                vec![
                    AttributeDef::new(
                        "component",
                        "Component",
                        list(&["Web app", "Mobile", "API", "Billing", "Auth"]),
                    )
                    .required(),
                    AttributeDef::new("issue_url", "Issue link", DataType::Text).internal(),
                ],
                all_states,
            ),
        ];
        let mut types = Vec::new();
        for (name, icon, category, attributes, offered) in type_specs {
            let (t, r) = self.id(base);
            let mut ticket_type = TicketType::new(
                TicketTypeId::from_parts(t, r),
                name,
                icon,
                category,
                attributes,
                offered,
            );
            ticket_type.description = format!("{name} tickets ({category}).");
            store.insert_ticket_type(&ticket_type)?;
            types.push(ticket_type);
        }

        Ok(Workspace {
            teammates,
            company_names: companies.into_iter().map(|c| (c.id, c.name)).collect(),
            teams,
            contacts,
            states,
            types,
            default_brand: brands[0],
            brands,
        })
    }

    fn ticket(
        &mut self,
        ws: &Workspace,
        category: Category,
        number: i64,
        created_at: Millis,
        trackers: &[TicketId],
        customer_tickets: &[(TicketId, ContactId, Millis)],
    ) -> Result<Ticket, S::Error> {
        let candidates: Vec<&TicketType> =
            ws.types.iter().filter(|t| t.category == category).collect();
        let ticket_type = *self.rng.pick(&candidates);
        let contact = self.rng.pick(&ws.contacts).clone();
        let company_name = contact
            .company
            .and_then(|c| ws.company_names.get(&c).cloned())
            .unwrap_or_else(|| contact.name.clone());
        let fields = self.fields(ticket_type, &company_name);
        let (t, r) = self.id(created_at);
        let teammate = self.rng.pick(&ws.teammates).id;
        let (assignee_teammate, assignee_team) = match self.rng.below(10) {
            0 | 1 => (None, None),
            2 => (None, Some(self.rng.pick(&ws.teams).id)),
            _ => (
                Some(teammate),
                self.rng.chance(50).then(|| self.rng.pick(&ws.teams).id),
            ),
        };
        let origin_ticket = (category == Category::BackOffice
            && !customer_tickets.is_empty()
            && self.rng.chance(60))
        .then(|| self.rng.pick(customer_tickets).0);
        let req = CreateTicket {
            id: TicketId::from_parts(t, r),
            type_id: ticket_type.id,
            fields,
            state_id: None,
            contacts: if category == Category::Tracker {
                vec![]
            } else {
                vec![contact.id]
            },
            company: if category == Category::Tracker {
                None
            } else {
                contact.company
            },
            brand: self.rng.chance(15).then(|| *self.rng.pick(&ws.brands)),
            assignee_teammate,
            assignee_team,
            shared: (category == Category::BackOffice).then(|| self.rng.chance(25)),
            conversation: None,
            origin_ticket,
            created_at: None,
        };
        let mut ticket = Ticket::create(
            req,
            ticket_type,
            &ws.states,
            ws.default_brand,
            Some(number),
            created_at,
        )?;
        if category == Category::Customer && !trackers.is_empty() && self.rng.chance(20) {
            ticket.tracker = Some(*self.rng.pick(trackers));
            self.summary.tracker_links += 1;
        }
        let parts = self.history(ws, ticket_type, &mut ticket, contact.id, teammate);
        self.store.insert_ticket(&ticket)?;
        for part in &parts {
            self.store.append_part(part)?;
        }
        self.summary.tickets += 1;
        self.summary.parts += parts.len();
        Ok(ticket)
    }

    fn fields(&mut self, ticket_type: &TicketType, company: &str) -> NewTicket {
        let feature = *self.rng.pick(FEATURES);
        let n = self.rng.range(10_000, 99_999).to_string();
        let templates = match ticket_type.name.as_str() {
            "Bug report" => BUG_TITLES,
            "Refund request" => REFUND_TITLES,
            "Account access" => ACCESS_TITLES,
            "Billing investigation" => BILLING_TITLES,
            "Security review" => SECURITY_TITLES,
            _ => TRACKER_TITLES,
        };
        let title = self
            .rng
            .pick(templates)
            .replace("{f}", feature)
            .replace("{n}", &n)
            .replace("{c}", company);
        let title = capitalise(&title);
        let mut fields = NewTicket::default();
        fields.attributes.insert("title".into(), json!(title));
        fields.attributes.insert(
            "description".into(),
            json!(format!(
                "{}\n\nReported by {company}. Feature: {feature}.",
                self.rng.pick(CUSTOMER_OPENERS)
            )),
        );
        for def in ticket_type.attributes.iter().filter(|a| !a.built_in) {
            if !def.required_to_create && self.rng.chance(30) {
                continue;
            }
            let value = match &def.data_type {
                DataType::Text if def.key == "order_id" => json!(format!("ORD-{n}")),
                DataType::Text if def.key == "issue_url" => {
                    json!(format!("https://issues.northwind.example/{n}"))
                }
                DataType::Text => json!(format!(
                    "{}.northwind.app",
                    company.split(' ').next().unwrap_or("acme").to_lowercase()
                )),
                DataType::LongText => json!(format!(
                    "1. Open the {feature}\n2. Click save\n3. See the error"
                )),
                DataType::Integer => json!(self.rng.range(1, 5_000)),
                DataType::Decimal => json!(self.rng.range(500, 50_000) as f64 / 100.0),
                DataType::Boolean => json!(self.rng.chance(30)),
                DataType::List { options } => json!(self.rng.pick(options)),
                DataType::Date => json!(format!(
                    "2026-{:02}-{:02}",
                    self.rng.range(1, 13),
                    self.rng.range(1, 29)
                )),
            };
            fields.attributes.insert(def.key.clone(), value);
        }
        fields
    }

    /// A plausible timeline, which also moves the ticket to its final state.
    fn history(
        &mut self,
        ws: &Workspace,
        ticket_type: &TicketType,
        ticket: &mut Ticket,
        contact: ContactId,
        teammate: TeammateId,
    ) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut at = ticket.created_at;
        let latest = self.opts.now - MINUTE;
        let customer_side = ticket.category != Category::Tracker;
        if customer_side && ticket.shared {
            let kind = PartKind::Reply {
                body: self.rng.pick(CUSTOMER_OPENERS).to_string(),
            };
            parts.push(self.part(ticket.id, at, Author::Contact(contact), kind));
        }
        let offered: Vec<&TicketState> = ws
            .states
            .iter()
            .filter(|s| ticket_type.offers(s.id))
            .collect();
        let path_len = self.rng.below(4);
        for step in 0..path_len {
            at += self.rng.range(10 * MINUTE, 20 * HOUR);
            if at > latest {
                break; // The rest of this ticket's story has not happened yet.
            }
            if ticket.shared && self.rng.chance(70) {
                let kind = PartKind::Reply {
                    body: self.rng.pick(TEAMMATE_REPLIES).to_string(),
                };
                parts.push(self.part(ticket.id, at, Author::Teammate(teammate), kind));
                at = (at + self.rng.range(MINUTE, HOUR)).min(latest);
            }
            if self.rng.chance(35) {
                let kind = PartKind::Note {
                    body: self.rng.pick(NOTES).to_string(),
                };
                parts.push(self.part(ticket.id, at, Author::Teammate(teammate), kind));
            }
            if ticket.shared && self.rng.chance(40) {
                at = (at + self.rng.range(MINUTE, 6 * HOUR)).min(latest);
                let kind = PartKind::Reply {
                    body: self.rng.pick(CUSTOMER_FOLLOW_UPS).to_string(),
                };
                parts.push(self.part(ticket.id, at, Author::Contact(contact), kind));
            }
            let category = match (step, path_len) {
                (s, n) if s + 1 == n && self.rng.chance(60) => StateCategory::Resolved,
                (0, _) => StateCategory::InProgress,
                _ => *self
                    .rng
                    .pick(&[StateCategory::InProgress, StateCategory::WaitingOnCustomer]),
            };
            let choices: Vec<&&TicketState> =
                offered.iter().filter(|s| s.category == category).collect();
            let next = self.rng.pick(&choices).id;
            if next != ticket.state_id {
                let kind = PartKind::StateChanged {
                    from: ticket.state_id,
                    to: next,
                };
                parts.push(self.part(ticket.id, at, Author::Teammate(teammate), kind));
                ticket.state_id = next;
                if category == StateCategory::Resolved {
                    let kind = PartKind::Closed { resolved: true };
                    parts.push(self.part(ticket.id, at, Author::Teammate(teammate), kind));
                    ticket.open = false;
                }
            }
        }
        if let Some(last) = parts.last() {
            ticket.last_activity_at = last.created_at;
            ticket.updated_at = last.created_at;
        }
        parts
    }

    fn part(&mut self, ticket: TicketId, at: Millis, author: Author, kind: PartKind) -> Part {
        let (t, r) = self.id(at);
        Part {
            id: PartId::from_parts(t, r),
            ticket,
            author,
            kind,
            created_at: at,
        }
    }

    fn conversations(
        &mut self,
        ws: &Workspace,
        customer_tickets: &[(TicketId, ContactId, Millis)],
    ) -> Result<(), S::Error> {
        let count = (self.opts.tickets / 10).max(3);
        for i in 0..count {
            let linked = customer_tickets.get(i * 7).filter(|_| self.rng.chance(60));
            let (contact, created_at) = match linked {
                Some((_, contact, at)) => (*contact, *at - 5 * MINUTE),
                None => (
                    self.rng.pick(&ws.contacts).id,
                    self.opts.now - self.rng.range(HOUR, 30 * DAY),
                ),
            };
            let (t, r) = self.id(created_at);
            let subject = format!("Question about the {}", self.rng.pick(FEATURES));
            let mut conversation = Conversation::new(
                ConversationId::from_parts(t, r),
                contact,
                subject,
                MessageChannel::Messenger,
                created_at,
            );
            conversation.linked_ticket = linked.map(|(id, _, _)| *id);
            conversation.open = self.rng.chance(70);
            conversation.last_activity_at = created_at + self.rng.range(MINUTE, HOUR);
            self.store.insert_conversation(&conversation)?;
            self.summary.conversations += 1;
        }
        Ok(())
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A small SVG logo with the brand's initial, as a data URL.
fn logo(name: &str, color: &str) -> String {
    let initial = name.chars().next().unwrap_or('?');
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><rect width='64' height='64' rx='14' fill='{color}'/><text x='32' y='43' font-family='sans-serif' font-size='32' font-weight='700' fill='white' text-anchor='middle'>{initial}</text></svg>"
    );
    format!("data:image/svg+xml;utf8,{}", svg.replace('#', "%23"))
}
