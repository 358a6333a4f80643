//! The demo workspace: a seeded, deterministic generator of a realistic support workspace
//! (brands, teammates, teams, companies, contacts, ticket types of every category, states,
//! tickets with timelines, tracker links, conversations).
//!
//! Every ticket and conversation tells one story (`topics`): the customer's message, the team's
//! answers and the customer's follow-ups in order, internal notes, each said once. Bug reports
//! link to the tracker of their own feature; some customer tickets were converted from a
//! conversation that names them back; back-office tickets describe the team's own work.
//!
//! The same seed, ticket count and `now` always give the same workspace, so `make run`, the tests
//! and the benchmarks share one fixture. 100,000 tickets load in seconds: everything goes in
//! one transaction through cached statements.

mod big_tracker;
mod macros;
mod rng;
pub mod screenshot;
mod topics;
mod words;

#[cfg(test)]
mod tests;

use inbox_core::{
    AttributeDef, Author, Brand, BrandId, Category, Company, CompanyId, Contact, ContactId,
    Conversation, ConversationId, ConversationPart, CreateTicket, DataType, MessageChannel, Millis,
    NewTicket, Part, PartId, PartKind, Role, StateCategory, StateId, Team, TeamId, Teammate,
    TeammateId, Ticket, TicketId, TicketState, TicketType, TicketTypeId,
};
use serde_json::json;

use std::collections::HashMap;

use rng::Rng;
use topics::{Kind, Topic, CONVERTED, TOPICS, TRACKER_NOTES};
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
/// comes once, everything it refers to before it, but for a ticket converted from a
/// conversation: the ticket comes first, naming the conversation that comes right after it
/// and names it back (a sink that checks references checks them at commit). The caller owns
/// the transaction.
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
    fn append_conversation_part(&self, part: &ConversationPart) -> Result<(), Self::Error>;
    fn insert_macro(&self, m: &inbox_core::Macro) -> Result<(), Self::Error>;
    /// `done` of the workspace's `total` tickets are made: for a progress display. Called
    /// every [`PROGRESS_EVERY`] tickets and once at the end.
    fn tickets_made(&self, _done: usize, _total: usize) {}
    /// Keeps a file a demo customer sends; None when this sink keeps no files (a workspace of
    /// the app's own), and the customer then sends none.
    fn store_file(
        &self,
        _file: DemoFile<'_>,
    ) -> Result<Option<inbox_core::AttachmentId>, Self::Error> {
        Ok(None)
    }
}

/// A file of the demo: a customer's screenshot.
pub struct DemoFile<'a> {
    pub id: inbox_core::AttachmentId,
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: Vec<u8>,
    pub uploader: Author,
    pub at: Millis,
}

/// What a demo customer writes with their screenshot.
pub const SCREENSHOT_MESSAGE: &str = "Here is the screenshot of what I see.";

/// What the generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub tickets: usize,
    pub parts: usize,
    pub tracker_links: usize,
    pub conversations: usize,
    pub conversation_parts: usize,
    /// The tracker of [`DemoOptions::big_tracker`], when asked for.
    pub big_tracker: Option<TicketId>,
}

/// Writes the demo workspace into `sink` (an empty one).
/// How often (in tickets made) the generator reports its progress.
pub const PROGRESS_EVERY: usize = 500;

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

impl Workspace {
    fn team(&self, name: &str) -> Option<TeamId> {
        self.teams.iter().find(|t| t.name == name).map(|t| t.id)
    }
}

/// The topics of each kind, as indexes into [`TOPICS`].
struct Catalogue(Vec<(Kind, Vec<usize>)>);

impl Catalogue {
    fn new() -> Catalogue {
        let mut kinds: Vec<(Kind, Vec<usize>)> = Vec::new();
        for (i, topic) in TOPICS.iter().enumerate() {
            match kinds.iter_mut().find(|(k, _)| *k == topic.kind) {
                Some((_, topics)) => topics.push(i),
                None => kinds.push((topic.kind, vec![i])),
            }
        }
        Catalogue(kinds)
    }

    fn of(&self, kind: Kind) -> &[usize] {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, topics)| &topics[..])
            .expect("every kind has topics")
    }
}

/// The tickets made so far that later ones link to.
#[derive(Default)]
struct Links {
    /// Every tracker with its topic, and the trackers of each topic.
    trackers: Vec<(TicketId, usize)>,
    by_topic: Vec<Vec<TicketId>>,
    /// Customer tickets back-office work starts from: refunds (for billing investigations)
    /// and account access (for security reviews).
    refunds: Vec<TicketId>,
    access: Vec<TicketId>,
}

/// What fills a story's placeholders.
struct Vars {
    /// The order or invoice number.
    number: i64,
    company: String,
    workspace: String,
}

impl Vars {
    fn fill(&self, text: &str) -> String {
        if !text.contains('{') {
            return text.to_owned();
        }
        text.replace("{n}", &self.number.to_string())
            .replace("{c}", &self.company)
            .replace("{w}", &self.workspace)
    }
}

/// One telling of a topic, on a ticket or a conversation (or a conversation and then the
/// ticket it became): each line of the story is told at most once and in order, so a
/// timeline never says the same thing twice.
struct Script {
    topic: &'static Topic,
    vars: Vars,
    notes: &'static [&'static str],
    /// Team replies given (all of them once resolved).
    replies: usize,
    /// Team replies the customer has answered.
    answered: usize,
    resolved: bool,
    thanked: bool,
    /// Which notes were written (bits).
    noted: u64,
}

impl Script {
    fn new(topic: &'static Topic, vars: Vars, notes: &'static [&'static str]) -> Script {
        Script {
            topic,
            vars,
            notes,
            replies: 0,
            answered: 0,
            resolved: false,
            thanked: false,
            noted: 0,
        }
    }

    fn subject(&self) -> String {
        self.vars.fill(self.topic.subject)
    }

    /// The customer's first message.
    fn opener(&self) -> String {
        self.vars.fill(self.topic.opener)
    }

    /// The team's next answer short of the resolution, if any is left and the customer
    /// answered the last one.
    fn reply(&mut self) -> Option<String> {
        let replies = self.topic.replies;
        if self.resolved || self.replies + 1 >= replies.len() || self.answered < self.replies {
            return None;
        }
        self.replies += 1;
        Some(self.vars.fill(replies[self.replies - 1]))
    }

    /// The team's answer that solves it, once (not while their question is unanswered).
    fn resolution(&mut self) -> Option<String> {
        if self.answered < self.replies {
            return None;
        }
        let last = self.topic.replies.last().filter(|_| !self.resolved)?;
        self.resolved = true;
        self.replies = self.topic.replies.len();
        Some(self.vars.fill(last))
    }

    /// The customer's answer to the team's latest reply, if they have not answered it yet:
    /// their thanks once it is solved.
    fn follow_up(&mut self) -> Option<String> {
        let follow_ups = self.topic.follow_ups;
        if self.answered >= self.replies || self.thanked {
            return None;
        }
        let line = if self.resolved {
            self.thanked = true;
            follow_ups.last()?
        } else {
            // The last follow-up is the thanks, kept for the resolution.
            let index = self.replies - 1;
            if index + 1 >= follow_ups.len() {
                return None;
            }
            &follow_ups[index]
        };
        self.answered = self.replies;
        Some(self.vars.fill(line))
    }

    /// An internal note not written yet, if any is left.
    fn note(&mut self, rng: &mut Rng) -> Option<String> {
        let left: Vec<usize> = (0..self.notes.len().min(64))
            .filter(|i| self.noted & (1 << i) == 0)
            .collect();
        if left.is_empty() {
            return None;
        }
        let i = *rng.pick(&left);
        self.noted |= 1 << i;
        Some(self.vars.fill(self.notes[i]))
    }
}

/// A conversation part before it gets its time.
struct Event {
    author: Author,
    kind: PartKind,
}

impl Event {
    fn new(author: Author, kind: PartKind) -> Event {
        Event { author, kind }
    }

    fn message(author: Author, body: String) -> Event {
        Event::new(author, PartKind::Reply { body })
    }
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
                conversation_parts: 0,
                big_tracker: None,
            },
        }
    }

    fn run(mut self) -> Result<DemoSummary, S::Error> {
        let ws = self.workspace()?;
        let catalogue = Catalogue::new();
        let mut links = Links {
            by_topic: vec![Vec::new(); TOPICS.len()],
            ..Links::default()
        };
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
            self.ticket(
                &ws,
                &catalogue,
                &mut links,
                category,
                index as i64 + 1,
                created_at,
            )?;
            if (index + 1) % PROGRESS_EVERY == 0 {
                self.store.tickets_made(index + 1, self.opts.tickets);
            }
        }
        self.store
            .tickets_made(self.opts.tickets, self.opts.tickets);
        self.conversations(&ws, &catalogue)?;
        macros::add(self.store, &ws, self.opts.now - 400 * DAY)?;
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
                color: (*color).to_owned(),
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

    /// The topic a new ticket of `category` and `ticket_type` is about and, for a bug report,
    /// the tracker of the same problem it is linked to.
    fn topic(
        &mut self,
        catalogue: &Catalogue,
        links: &Links,
        category: Category,
        ticket_type: &TicketType,
    ) -> (usize, Option<TicketId>) {
        let kind = Kind::of_type(&ticket_type.name);
        match category {
            // A tracker for a problem that has none yet, while some have none.
            Category::Tracker => {
                let bugs = catalogue.of(Kind::Bug);
                let from = self.rng.below(bugs.len());
                let topic = (0..bugs.len())
                    .map(|i| bugs[(from + i) % bugs.len()])
                    .find(|&t| links.by_topic[t].is_empty())
                    .unwrap_or(bugs[from]);
                (topic, None)
            }
            // Many bug reports are about a problem engineering already tracks (R13).
            Category::Customer if kind == Kind::Bug => {
                if !links.trackers.is_empty() && self.rng.chance(45) {
                    let (tracker, topic) = *self.rng.pick(&links.trackers);
                    return (topic, Some(tracker));
                }
                let topic = *self.rng.pick(catalogue.of(Kind::Bug));
                let trackers = &links.by_topic[topic];
                let tracker =
                    (!trackers.is_empty() && self.rng.chance(50)).then(|| *self.rng.pick(trackers));
                (topic, tracker)
            }
            _ => (*self.rng.pick(catalogue.of(kind)), None),
        }
    }

    fn ticket(
        &mut self,
        ws: &Workspace,
        catalogue: &Catalogue,
        links: &mut Links,
        category: Category,
        number: i64,
        created_at: Millis,
    ) -> Result<(), S::Error> {
        let candidates: Vec<&TicketType> =
            ws.types.iter().filter(|t| t.category == category).collect();
        let ticket_type = *self.rng.pick(&candidates);
        let contact = self.rng.pick(&ws.contacts).clone();
        let vars = self.vars(ws, &contact);
        let (topic_index, tracker) = self.topic(catalogue, links, category, ticket_type);
        let topic = &TOPICS[topic_index];
        let fields = self.fields(ticket_type, topic, &vars);
        let (t, r) = self.id(created_at);
        let teammate = self.rng.pick(&ws.teammates).id;
        let team = ws.team(if category == Category::Tracker {
            "Engineering"
        } else {
            topic.team
        });
        let (assignee_teammate, assignee_team) = match self.rng.below(10) {
            0 | 1 => (None, None),
            2 => (None, team),
            _ => (Some(teammate), team.filter(|_| self.rng.chance(50))),
        };
        // Back-office work comes from the customer tickets it is about.
        let origins = match topic.kind {
            Kind::Billing => &links.refunds[..],
            Kind::Security => &links.access[..],
            _ => &[],
        };
        let origin_ticket =
            (category == Category::BackOffice && !origins.is_empty() && self.rng.chance(60))
                .then(|| *self.rng.pick(origins));
        // Some customer tickets started as a conversation, converted into the ticket (R11).
        let converted = (category == Category::Customer && self.rng.chance(8)).then(|| {
            let start = (created_at - self.rng.range(20 * MINUTE, 8 * HOUR)).max(0);
            let (t, r) = self.id(start);
            (ConversationId::from_parts(t, r), start)
        });
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
            conversation: converted.map(|(id, _)| id),
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
        if tracker.is_some() {
            ticket.tracker = tracker;
            self.summary.tracker_links += 1;
        }
        let notes = if category == Category::Tracker {
            TRACKER_NOTES
        } else {
            topic.notes
        };
        let mut script = Script::new(topic, vars, notes);
        let mut parts = Vec::new();
        let mut conversation = None;
        if let Some((id, start)) = converted {
            let (c, c_parts) = self.converted(&ticket, id, start, teammate, &mut script);
            let kind = PartKind::LinkChanged {
                link: "conversation".into(),
                target: id.to_string(),
                label: c.subject.clone(),
                linked: true,
            };
            parts.push(self.part(ticket.id, created_at, Author::Teammate(teammate), kind));
            conversation = Some((c, c_parts));
        }
        self.history(
            ws,
            ticket_type,
            &mut ticket,
            teammate,
            &mut script,
            &mut parts,
        );
        self.screenshot(&mut ticket, &mut parts)?;
        // The ticket refers to its conversation and the conversation to its ticket: a sink
        // that checks references checks them when its transaction ends.
        self.store.insert_ticket(&ticket)?;
        if let Some((c, c_parts)) = conversation {
            self.write_conversation(&c, &c_parts)?;
        }
        for part in &parts {
            self.store.append_part(part)?;
        }
        self.summary.tickets += 1;
        self.summary.parts += parts.len();
        match (category, topic.kind) {
            (Category::Tracker, _) => {
                links.trackers.push((ticket.id, topic_index));
                links.by_topic[topic_index].push(ticket.id);
            }
            (Category::Customer, Kind::Refund) => links.refunds.push(ticket.id),
            (Category::Customer, Kind::Access) => links.access.push(ticket.id),
            _ => {}
        }
        Ok(())
    }

    /// What fills a story's placeholders for `contact`: an order or invoice number, their
    /// company and workspace.
    fn vars(&mut self, ws: &Workspace, contact: &Contact) -> Vars {
        let company = contact
            .company
            .and_then(|c| ws.company_names.get(&c).cloned())
            .unwrap_or_else(|| contact.name.clone());
        let mut words = company.split(' ');
        let slug = match contact.company {
            Some(_) => words.next(),
            None => words.next_back(),
        }
        .unwrap_or("acme")
        .to_lowercase();
        Vars {
            number: self.rng.range(10_000, 99_999),
            workspace: format!("{slug}.northwind.app"),
            company,
        }
    }

    fn fields(&mut self, ticket_type: &TicketType, topic: &Topic, vars: &Vars) -> NewTicket {
        let (title, description) = match ticket_type.category {
            Category::Tracker => (
                topic.tracker.to_owned(),
                format!(
                    "Customers report: \"{}\".\nAffected: {}.\n\nSteps to reproduce:\n{}",
                    topic.title, topic.feature, topic.steps
                ),
            ),
            Category::BackOffice => (vars.fill(topic.title), vars.fill(topic.description)),
            Category::Customer => (vars.fill(topic.title), vars.fill(topic.opener)),
        };
        let n = vars.number;
        let mut fields = NewTicket::default();
        fields.attributes.insert("title".into(), json!(title));
        fields
            .attributes
            .insert("description".into(), json!(description));
        for def in ticket_type.attributes.iter().filter(|a| !a.built_in) {
            if !def.required_to_create && self.rng.chance(30) {
                continue;
            }
            let value = match (def.key.as_str(), &def.data_type) {
                ("order_id", _) => json!(format!("ORD-{n}")),
                ("invoice", _) => json!(n),
                ("issue_url", _) => json!(format!("https://issues.northwind.example/{n}")),
                ("workspace_url", _) => json!(vars.workspace),
                ("steps", _) if !topic.steps.is_empty() => json!(topic.steps),
                ("seats", _) => json!(self.rng.range(1, 20)),
                ("component", DataType::List { options })
                    if options.iter().any(|o| o == topic.component) =>
                {
                    json!(topic.component)
                }
                (_, DataType::Text) => json!(vars.workspace),
                // Free-form internal text that would have to fit the story: left empty.
                (_, DataType::LongText) => continue,
                (_, DataType::Integer) => json!(self.rng.range(1, 5_000)),
                (_, DataType::Decimal) => json!(self.rng.range(500, 50_000) as f64 / 100.0),
                (_, DataType::Boolean) => json!(self.rng.chance(30)),
                (_, DataType::List { options }) => json!(self.rng.pick(options)),
                (_, DataType::Date) => json!(format!(
                    "2026-{:02}-{:02}",
                    self.rng.range(1, 13),
                    self.rng.range(1, 29)
                )),
            };
            fields.attributes.insert(def.key.clone(), value);
        }
        fields
    }

    /// A plausible timeline after `parts`, which also moves the ticket to its final state.
    fn history(
        &mut self,
        ws: &Workspace,
        ticket_type: &TicketType,
        ticket: &mut Ticket,
        teammate: TeammateId,
        script: &mut Script,
        parts: &mut Vec<Part>,
    ) {
        let mut at = ticket.created_at;
        let latest = self.opts.now - MINUTE;
        let contact = ticket.contacts.first().copied().map(Author::Contact);
        let customer = contact.filter(|_| ticket.shared);
        let me = Author::Teammate(teammate);
        // A customer ticket's description is the customer's message; a back-office ticket
        // shared with them starts from what they wrote in.
        if let (Some(customer), Category::BackOffice) = (customer, ticket.category) {
            let kind = PartKind::Reply {
                body: script.opener(),
            };
            parts.push(self.part(ticket.id, at, customer, kind));
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
            let category = match (step, path_len) {
                (s, n) if s + 1 == n && self.rng.chance(60) => StateCategory::Resolved,
                (0, _) => StateCategory::InProgress,
                _ => *self
                    .rng
                    .pick(&[StateCategory::InProgress, StateCategory::WaitingOnCustomer]),
            };
            let resolving = category == StateCategory::Resolved;
            if customer.is_some() && (resolving || self.rng.chance(70)) {
                let body = if resolving {
                    script.resolution()
                } else {
                    script.reply()
                };
                if let Some(body) = body {
                    parts.push(self.part(ticket.id, at, me, PartKind::Reply { body }));
                    at = (at + self.rng.range(MINUTE, HOUR)).min(latest);
                }
            }
            if self.rng.chance(35) {
                if let Some(body) = script.note(&mut self.rng) {
                    parts.push(self.part(ticket.id, at, me, PartKind::Note { body }));
                }
            }
            if let Some(customer) = customer.filter(|_| self.rng.chance(50)) {
                if let Some(body) = script.follow_up() {
                    at = (at + self.rng.range(MINUTE, 6 * HOUR)).min(latest);
                    parts.push(self.part(ticket.id, at, customer, PartKind::Reply { body }));
                }
            }
            let choices: Vec<&&TicketState> =
                offered.iter().filter(|s| s.category == category).collect();
            let next = self.rng.pick(&choices).id;
            if next != ticket.state_id {
                let kind = PartKind::StateChanged {
                    from: ticket.state_id,
                    to: next,
                };
                parts.push(self.part(ticket.id, at, me, kind));
                ticket.state_id = next;
                if resolving {
                    let kind = PartKind::Closed { resolved: true };
                    parts.push(self.part(ticket.id, at, me, kind));
                    ticket.open = false;
                }
            }
        }
        if let Some(last) = parts.last() {
            ticket.last_activity_at = last.created_at;
            ticket.updated_at = last.created_at;
        }
    }

    /// Every fifth open customer ticket's customer sends a screenshot of what they see, when the
    /// sink keeps files. Its ids come from the ticket's, not from the generator's randomness,
    /// so the rest of the workspace is the same with files or without.
    fn screenshot(&mut self, ticket: &mut Ticket, parts: &mut Vec<Part>) -> Result<(), S::Error> {
        let number = ticket.number.unwrap_or(0);
        let Some(&contact) = ticket.contacts.first() else {
            return Ok(());
        };
        if ticket.category != Category::Customer || !ticket.open || number % 5 != 2 {
            return Ok(());
        }
        let last = parts.last().map_or(ticket.created_at, |p| p.created_at);
        let at = (last + 5 * MINUTE).min(self.opts.now - MINUTE).max(last);
        let customer = Author::Contact(contact);
        let seed = ticket.id.0.random();
        let file = DemoFile {
            id: inbox_core::AttachmentId::from_parts(at.max(0) as u64, seed ^ 0x5c),
            name: "screenshot.png",
            content_type: "image/png",
            // Four pictures in turn: stored by content, the demo keeps four files, not hundreds.
            bytes: screenshot::screenshot_png(360, 225, (number % 4) as u64),
            uploader: customer,
            at,
        };
        let Some(id) = self.store.store_file(file)? else {
            return Ok(());
        };
        parts.push(Part {
            attachments: vec![id],
            id: PartId::from_parts(at.max(0) as u64, seed ^ 0xa5),
            ticket: ticket.id,
            author: customer,
            kind: PartKind::Reply {
                body: SCREENSHOT_MESSAGE.into(),
            },
            created_at: at,
        });
        ticket.last_activity_at = ticket.last_activity_at.max(at);
        ticket.updated_at = ticket.updated_at.max(at);
        ticket.customer_activity_at = Some(at);
        Ok(())
    }

    fn part(&mut self, ticket: TicketId, at: Millis, author: Author, kind: PartKind) -> Part {
        let (t, r) = self.id(at);
        Part {
            attachments: Vec::new(),
            id: PartId::from_parts(t, r),
            ticket,
            author,
            kind,
            created_at: at,
        }
    }

    /// The conversation `ticket` was converted from: the customer's question, the team's
    /// first answer and the customer's, then the teammate turning it into the ticket
    /// (at the ticket's creation); `script` goes on on the ticket.
    fn converted(
        &mut self,
        ticket: &Ticket,
        id: ConversationId,
        start: Millis,
        teammate: TeammateId,
        script: &mut Script,
    ) -> (Conversation, Vec<ConversationPart>) {
        let channel = self.channel();
        let customer = Author::Contact(ticket.contacts[0]);
        let me = Author::Teammate(teammate);
        let mut conversation =
            Conversation::new(id, ticket.contacts[0], script.subject(), channel, start);
        conversation.linked_ticket = Some(ticket.id);
        let mut events = vec![Event::message(customer, script.opener())];
        if self.rng.chance(70) {
            let team = ticket.assignee_team.filter(|_| self.rng.chance(50));
            events.push(self.assign(&mut conversation, teammate, team));
        }
        for (author, body) in [(me, script.reply()), (customer, script.follow_up())] {
            events.extend(body.map(|body| Event::message(author, body)));
        }
        let mut times = self.spread(start, ticket.created_at - MINUTE, events.len());
        events.push(Event::message(me, self.rng.pick(CONVERTED).to_string()));
        times.push(ticket.created_at);
        // The ticket carries the story on; the chat is often closed once it is converted.
        if self.rng.chance(50) {
            conversation.open = false;
            events.push(Event::new(me, PartKind::Closed { resolved: false }));
            times.push(ticket.created_at + self.rng.range(MINUTE, 10 * MINUTE));
        }
        let parts = self.conversation_parts(&mut conversation, events, times);
        (conversation, parts)
    }

    fn channel(&mut self) -> MessageChannel {
        if self.rng.chance(30) {
            MessageChannel::Email
        } else {
            MessageChannel::Messenger
        }
    }

    /// Assigns the conversation to `teammate` (with `team`, or to the team alone now and
    /// then) and records it.
    fn assign(
        &mut self,
        conversation: &mut Conversation,
        teammate: TeammateId,
        team: Option<TeamId>,
    ) -> Event {
        let assignee = (team.is_none() || self.rng.chance(80)).then_some(teammate);
        conversation.assignee_teammate = assignee;
        conversation.assignee_team = team;
        Event::new(
            Author::Teammate(teammate),
            PartKind::AssignmentChanged {
                teammate: assignee,
                team,
            },
        )
    }

    /// `n` increasing times from `start`, none after `end`.
    fn spread(&mut self, start: Millis, end: Millis, n: usize) -> Vec<Millis> {
        let gap = ((end - start) / n.max(1) as Millis).max(2);
        let mut at = start;
        let mut times = Vec::with_capacity(n + 2);
        for i in 0..n {
            if i > 0 {
                at += self.rng.range(gap / 2, gap);
            }
            times.push(at);
        }
        times
    }

    /// The parts of `events` at `times`; the conversation's activity is its last part's.
    fn conversation_parts(
        &mut self,
        conversation: &mut Conversation,
        events: Vec<Event>,
        times: Vec<Millis>,
    ) -> Vec<ConversationPart> {
        let mut parts = Vec::with_capacity(events.len());
        for (event, at) in events.into_iter().zip(times) {
            let (t, r) = self.id(at);
            let channel =
                matches!(event.kind, PartKind::Reply { .. }).then_some(conversation.channel);
            parts.push(ConversationPart {
                attachments: Vec::new(),
                id: PartId::from_parts(t, r),
                conversation: conversation.id,
                author: event.author,
                kind: event.kind,
                created_at: at,
                channel,
            });
        }
        if let Some(first) = parts.first() {
            conversation.created_at = first.created_at;
        }
        if let Some(last) = parts.last() {
            conversation.last_activity_at = last.created_at;
        }
        parts
    }

    fn write_conversation(
        &mut self,
        conversation: &Conversation,
        parts: &[ConversationPart],
    ) -> Result<(), S::Error> {
        self.store.insert_conversation(conversation)?;
        for part in parts {
            self.store.append_conversation_part(part)?;
        }
        self.summary.conversations += 1;
        self.summary.conversation_parts += parts.len();
        Ok(())
    }

    /// Conversations that never became a ticket: questions answered in the chat, problems
    /// solved there, some still waiting on the team or on the customer, a few snoozed.
    fn conversations(&mut self, ws: &Workspace, catalogue: &Catalogue) -> Result<(), S::Error> {
        let count = (self.opts.tickets / 20).max(3);
        let latest = self.opts.now - MINUTE;
        for i in 0..count {
            let kind = if self.rng.chance(40) {
                Kind::Question
            } else {
                *self.rng.pick(&[Kind::Bug, Kind::Refund, Kind::Access])
            };
            let topic = &TOPICS[*self.rng.pick(catalogue.of(kind))];
            let contact = self.rng.pick(&ws.contacts).clone();
            let vars = self.vars(ws, &contact);
            let mut script = Script::new(topic, vars, topic.notes);
            let start = self.opts.now - self.rng.range(HOUR, 30 * DAY);
            let end = (start + self.rng.range(30 * MINUTE, 4 * DAY)).min(latest);
            let channel = self.channel();
            let (t, r) = self.id(start);
            let mut conversation = Conversation::new(
                ConversationId::from_parts(t, r),
                contact.id,
                script.subject(),
                channel,
                start,
            );
            // The signed-in teammate (the first) has a share of them, so their queue holds both.
            let teammate = if i % 4 == 0 {
                ws.teammates[0].id
            } else {
                self.rng.pick(&ws.teammates).id
            };
            let customer = Author::Contact(contact.id);
            let me = Author::Teammate(teammate);
            // Any 20 conversations in a row have every outcome, in the same shares.
            let outcome = (i * 7 % 20) * 5 + self.rng.below(5);
            let mut events = vec![Event::message(customer, script.opener())];
            if self.rng.chance(if outcome < 15 { 40 } else { 70 }) {
                let team = ws.team(topic.team).filter(|_| self.rng.chance(50));
                events.push(self.assign(&mut conversation, teammate, team));
            }
            let say = |events: &mut Vec<Event>, author: Author, body: Option<String>| {
                if let Some(body) = body {
                    events.push(Event::message(author, body));
                }
            };
            match outcome {
                // Just in: waiting on the team.
                0..15 => {}
                // The customer answered the team's question: waiting on the team again.
                15..30 => {
                    say(&mut events, me, script.reply());
                    if self.rng.chance(30) {
                        if let Some(body) = script.note(&mut self.rng) {
                            events.push(Event::new(me, PartKind::Note { body }));
                        }
                    }
                    say(&mut events, customer, script.follow_up());
                }
                // The team answered: waiting on the customer.
                30..45 => {
                    say(&mut events, me, script.reply());
                    if self.rng.chance(50) {
                        say(&mut events, customer, script.follow_up());
                        say(&mut events, me, script.reply());
                    }
                }
                // Snoozed until the fix is expected.
                45..55 => {
                    say(&mut events, me, script.reply());
                    say(&mut events, customer, script.follow_up());
                    if let Some(body) = script.note(&mut self.rng) {
                        events.push(Event::new(me, PartKind::Note { body }));
                    }
                    say(&mut events, me, script.reply());
                    let until = self.opts.now + self.rng.range(2 * HOUR, 4 * DAY);
                    conversation.snoozed_until = Some(until);
                    events.push(Event::new(me, PartKind::Snoozed { until }));
                }
                // Solved and closed.
                _ => {
                    say(&mut events, me, script.reply());
                    say(&mut events, customer, script.follow_up());
                    if self.rng.chance(50) {
                        say(&mut events, me, script.reply());
                        say(&mut events, customer, script.follow_up());
                    }
                    say(&mut events, me, script.resolution());
                    if self.rng.chance(60) {
                        say(&mut events, customer, script.follow_up());
                    }
                    conversation.open = false;
                    events.push(Event::new(me, PartKind::Closed { resolved: false }));
                }
            }
            let times = self.spread(start, end, events.len());
            let parts = self.conversation_parts(&mut conversation, events, times);
            self.write_conversation(&conversation, &parts)?;
        }
        Ok(())
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
