//! The demo read as a support inbox: conversations that start with the customer, tickets and
//! conversations that point at each other, trackers that collect reports of their own feature,
//! descriptions that fit their ticket type, no line said twice in a row.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use inbox_core::{
    Author, Brand, Category, Company, Contact, Conversation, ConversationId, ConversationPart,
    CoreError, Macro, MessageChannel, Part, PartKind, Team, Teammate, TeammateId, Ticket, TicketId,
    TicketState, TicketType,
};

use crate::topics::{Kind, TOPICS};
use crate::{generate, DemoOptions, DemoSummary, Sink};

const NOW: i64 = 1_790_000_000_000;

/// A sink that keeps what it is given, checking that everything a record refers to came
/// before it (a converted ticket's conversation aside, which comes right after it).
#[derive(Default)]
struct Memory {
    ids: RefCell<HashSet<String>>,
    tickets: RefCell<Vec<Ticket>>,
    parts: RefCell<Vec<Part>>,
    conversations: RefCell<Vec<Conversation>>,
    conversation_parts: RefCell<Vec<ConversationPart>>,
    types: RefCell<Vec<TicketType>>,
    macros: RefCell<Vec<Macro>>,
}

impl Sink for Memory {
    type Error = CoreError;
    fn insert_macro(&self, m: &Macro) -> Result<(), CoreError> {
        self.macros.borrow_mut().push(m.clone());
        Ok(())
    }
    fn insert_brand(&self, _: &Brand) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_teammate(&self, _: &Teammate) -> Result<(), CoreError> {
        Ok(())
    }
    fn set_me(&self, _: TeammateId) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_team(&self, _: &Team) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_company(&self, _: &Company) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_contact(&self, _: &Contact) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_state(&self, _: &TicketState) -> Result<(), CoreError> {
        Ok(())
    }
    fn insert_ticket_type(&self, ticket_type: &TicketType) -> Result<(), CoreError> {
        self.types.borrow_mut().push(ticket_type.clone());
        Ok(())
    }
    fn insert_ticket(&self, ticket: &Ticket) -> Result<(), CoreError> {
        self.ids.borrow_mut().insert(ticket.id.to_string());
        self.tickets.borrow_mut().push(ticket.clone());
        Ok(())
    }
    fn append_part(&self, part: &Part) -> Result<(), CoreError> {
        assert!(
            self.ids.borrow().contains(&part.ticket.to_string()),
            "a part comes after its ticket"
        );
        self.parts.borrow_mut().push(part.clone());
        Ok(())
    }
    fn insert_conversation(&self, conversation: &Conversation) -> Result<(), CoreError> {
        if let Some(ticket) = conversation.linked_ticket {
            assert!(
                self.ids.borrow().contains(&ticket.to_string()),
                "a conversation comes after its ticket"
            );
        }
        self.ids.borrow_mut().insert(conversation.id.to_string());
        self.conversations.borrow_mut().push(conversation.clone());
        Ok(())
    }
    fn append_conversation_part(&self, part: &ConversationPart) -> Result<(), CoreError> {
        assert!(
            self.ids.borrow().contains(&part.conversation.to_string()),
            "a part comes after its conversation"
        );
        self.conversation_parts.borrow_mut().push(part.clone());
        Ok(())
    }
}

struct Demo {
    summary: DemoSummary,
    tickets: HashMap<TicketId, Ticket>,
    timelines: HashMap<TicketId, Vec<Part>>,
    conversations: Vec<Conversation>,
    conversation_timelines: HashMap<ConversationId, Vec<ConversationPart>>,
    type_names: HashMap<inbox_core::TicketTypeId, String>,
}

fn demo(opts: DemoOptions) -> Demo {
    let memory = Memory::default();
    let summary = generate(&memory, opts).unwrap();
    let mut timelines: HashMap<TicketId, Vec<Part>> = HashMap::new();
    for part in memory.parts.into_inner() {
        timelines.entry(part.ticket).or_default().push(part);
    }
    let mut conversation_timelines: HashMap<ConversationId, Vec<ConversationPart>> = HashMap::new();
    for part in memory.conversation_parts.into_inner() {
        conversation_timelines
            .entry(part.conversation)
            .or_default()
            .push(part);
    }
    Demo {
        summary,
        tickets: memory
            .tickets
            .into_inner()
            .into_iter()
            .map(|t| (t.id, t))
            .collect(),
        timelines,
        conversations: memory.conversations.into_inner(),
        conversation_timelines,
        type_names: memory
            .types
            .into_inner()
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect(),
    }
}

fn default_demo() -> Demo {
    demo(DemoOptions::new(DemoOptions::DEFAULT_TICKETS, NOW))
}

fn body(kind: &PartKind) -> Option<&str> {
    match kind {
        PartKind::Reply { body } | PartKind::Note { body } => Some(body),
        _ => None,
    }
}

/// Who wrote it, as "customer" or "team".
fn side(author: &Author) -> &'static str {
    match author {
        Author::Contact(_) => "customer",
        _ => "team",
    }
}

/// The bug features named in `text`.
fn features(text: &str) -> HashSet<&'static str> {
    let text = text.to_lowercase();
    TOPICS
        .iter()
        .filter(|t| t.kind == Kind::Bug && text.contains(&t.feature.to_lowercase()))
        .map(|t| t.feature)
        .collect()
}

#[test]
fn every_conversation_starts_with_the_customer_and_tells_a_story() {
    let d = default_demo();
    assert_eq!(d.summary.conversations, d.conversations.len());
    assert_eq!(
        d.summary.conversation_parts,
        d.conversation_timelines
            .values()
            .map(Vec::len)
            .sum::<usize>()
    );
    let (mut closed, mut snoozed, mut waiting_on_team, mut assigned, mut email) = (0, 0, 0, 0, 0);
    for c in &d.conversations {
        let parts = &d.conversation_timelines[&c.id];
        let first = &parts[0];
        assert_eq!(first.author, Author::Contact(c.contact), "{}", c.subject);
        assert!(
            matches!(first.kind, PartKind::Reply { .. }),
            "{}",
            c.subject
        );
        assert_eq!(
            first.channel,
            Some(c.channel),
            "the opener came in by its channel"
        );
        assert_eq!(c.created_at, first.created_at);
        assert_eq!(c.last_activity_at, parts.last().unwrap().created_at);
        assert!(parts.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        assert!(c.last_activity_at < NOW);
        for part in parts {
            let is_message = matches!(part.kind, PartKind::Reply { .. });
            assert_eq!(
                part.channel.is_some(),
                is_message,
                "only messages have a channel"
            );
            if let Author::Contact(contact) = part.author {
                assert_eq!(contact, c.contact);
                assert!(is_message, "customers only write messages");
            }
        }
        if !c.open {
            closed += 1;
            assert!(parts
                .iter()
                .any(|p| p.kind == PartKind::Closed { resolved: false }));
            assert!(c.snoozed_until.is_none());
        }
        if let Some(until) = c.snoozed_until {
            snoozed += 1;
            assert!(c.open && until > NOW, "snoozed into the future");
            assert_eq!(
                parts.last().unwrap().kind,
                PartKind::Snoozed { until },
                "the snooze is recorded"
            );
        }
        if c.assignee_teammate.is_some() || c.assignee_team.is_some() {
            assigned += 1;
            let recorded = parts.iter().rev().find_map(|p| match p.kind {
                PartKind::AssignmentChanged { teammate, team } => Some((teammate, team)),
                _ => None,
            });
            assert_eq!(recorded, Some((c.assignee_teammate, c.assignee_team)));
        }
        let last_message = parts
            .iter()
            .rev()
            .find(|p| matches!(p.kind, PartKind::Reply { .. }))
            .unwrap();
        if c.open && c.snoozed_until.is_none() && side(&last_message.author) == "customer" {
            waiting_on_team += 1;
        }
        if c.channel == MessageChannel::Email {
            email += 1;
        }
    }
    assert!(closed > 0 && snoozed > 0 && waiting_on_team > 0 && assigned > 0 && email > 0);
    assert!(
        d.conversations
            .iter()
            .any(|c| d.conversation_timelines[&c.id].len() >= 4),
        "some conversations are real exchanges"
    );
}

#[test]
fn a_conversations_subject_fits_its_opener() {
    let d = default_demo();
    for c in &d.conversations {
        let parts = &d.conversation_timelines[&c.id];
        let opener = parts[0].kind.text().unwrap();
        let topic = TOPICS
            .iter()
            .find(|t| {
                let head = t.opener.split('{').next().unwrap();
                opener.starts_with(head)
            })
            .unwrap_or_else(|| panic!("{opener:?} is a topic's opener"));
        assert_eq!(c.subject, topic.subject, "{opener}");
        if let Some(ticket) = c.linked_ticket {
            assert_eq!(
                d.tickets[&ticket].description, opener,
                "a converted ticket keeps the customer's words"
            );
        }
    }
}

#[test]
fn converted_tickets_and_their_conversations_point_at_each_other() {
    let d = default_demo();
    let mut linked = 0;
    for c in &d.conversations {
        let Some(ticket) = c.linked_ticket else {
            continue;
        };
        linked += 1;
        let t = &d.tickets[&ticket];
        assert_eq!(t.conversation, Some(c.id));
        assert!(t.shared && t.category == Category::Customer);
        assert_eq!(t.contacts, vec![c.contact]);
        let link = PartKind::LinkChanged {
            link: "conversation".into(),
            target: c.id.to_string(),
            label: c.subject.clone(),
            linked: true,
        };
        assert_eq!(d.timelines[&ticket][0].kind, link, "#{:?}", t.number);
        assert!(c.created_at < t.created_at, "the conversation came first");
    }
    assert!(linked >= 5, "{linked} converted tickets");
    for t in d.tickets.values() {
        if let Some(conversation) = t.conversation {
            let c = d
                .conversations
                .iter()
                .find(|c| c.id == conversation)
                .expect("the ticket's conversation exists");
            assert_eq!(c.linked_ticket, Some(t.id));
        }
    }
}

#[test]
fn a_tracker_collects_reports_of_its_own_feature() {
    const BIG: usize = 30;
    let d = demo(DemoOptions::new(DemoOptions::DEFAULT_TICKETS, NOW).with_big_tracker(BIG));
    let mut linked = 0;
    for t in d.tickets.values() {
        let Some(tracker) = t.tracker else {
            continue;
        };
        linked += 1;
        let tracker = &d.tickets[&tracker];
        assert_eq!(tracker.category, Category::Tracker);
        assert_eq!(t.category, Category::Customer);
        assert_eq!(d.type_names[&t.type_id], "Bug report", "{}", t.title);
        let feature = features(&tracker.title);
        assert_eq!(feature.len(), 1, "{:?} names one feature", tracker.title);
        assert_eq!(
            features(&t.title),
            feature,
            "{:?} is about the feature of {:?}",
            t.title,
            tracker.title
        );
    }
    assert!(linked > BIG + 10, "{linked} tracker links");
    assert_eq!(d.summary.tracker_links, linked - BIG);
}

#[test]
fn no_line_is_said_twice_in_a_row() {
    let d = demo(DemoOptions::new(1_000, NOW));
    let timelines = d
        .timelines
        .values()
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| Some((side(&p.author), body(&p.kind)?)))
                .collect::<Vec<_>>()
        })
        .chain(d.conversation_timelines.values().map(|parts| {
            parts
                .iter()
                .filter_map(|p| Some((side(&p.author), body(&p.kind)?)))
                .collect()
        }));
    for messages in timelines {
        for side in ["customer", "team"] {
            let said: Vec<&str> = messages
                .iter()
                .filter(|(s, _)| *s == side)
                .map(|(_, b)| *b)
                .collect();
            for pair in said.windows(2) {
                assert_ne!(pair[0], pair[1], "said twice in a row");
            }
            let unique: HashSet<&str> = said.iter().copied().collect();
            assert_eq!(unique.len(), said.len(), "{side} repeats itself: {said:#?}");
        }
    }
}

#[test]
fn back_office_descriptions_fit_their_type() {
    let d = default_demo();
    let customer_words: HashSet<&str> = d
        .tickets
        .values()
        .filter(|t| t.category == Category::Customer)
        .map(|t| t.description.as_str())
        .chain(
            d.conversation_timelines
                .values()
                .filter_map(|parts| parts[0].kind.text()),
        )
        .collect();
    let mut back_office = 0;
    for t in d.tickets.values() {
        if t.category != Category::BackOffice {
            continue;
        }
        back_office += 1;
        let first_line = t.description.lines().next().unwrap();
        assert!(
            !customer_words.iter().any(|w| w.contains(first_line)),
            "{:?}: {:?} is a customer's message",
            t.title,
            t.description
        );
        for greeting in ["Hi", "Hello", "Hey", "Good "] {
            assert!(!t.description.starts_with(greeting), "{:?}", t.description);
        }
        // The invoice or the company the title names is what the description is about.
        let named = match t.title.split_once("invoice ") {
            Some((_, rest)) => rest.split(' ').next().unwrap(),
            None => [" on ", " for ", " from "]
                .iter()
                .find_map(|by| t.title.split_once(by))
                .map(|(_, company)| company)
                .unwrap(),
        };
        assert!(
            t.description.contains(named),
            "{:?} is about {named:?}: {:?}",
            t.title,
            t.description
        );
        let type_name = &d.type_names[&t.type_id];
        let kind = Kind::of_type(type_name);
        assert!(
            matches!(kind, Kind::Billing | Kind::Security),
            "{type_name}"
        );
    }
    assert!(back_office > 10);
}

#[test]
fn times_stay_in_order_and_in_the_past() {
    let d = default_demo();
    for (id, parts) in &d.timelines {
        let t = &d.tickets[id];
        assert!(parts.windows(2).all(|w| w[0].created_at <= w[1].created_at));
        assert!(parts
            .iter()
            .all(|p| p.created_at >= t.created_at && p.created_at < NOW));
        assert_eq!(t.last_activity_at, parts.last().unwrap().created_at);
    }
}

#[test]
fn the_same_seed_gives_the_same_demo() {
    let fingerprint = |d: &Demo| {
        let mut tickets: Vec<String> = d
            .tickets
            .values()
            .map(|t| format!("{t:?} {:?}", d.timelines.get(&t.id)))
            .collect();
        tickets.sort();
        let conversations: Vec<String> = d
            .conversations
            .iter()
            .map(|c| format!("{c:?} {:?}", d.conversation_timelines[&c.id]))
            .collect();
        (tickets, conversations)
    };
    let a = demo(DemoOptions::new(200, NOW));
    let b = demo(DemoOptions::new(200, NOW));
    assert_eq!(a.summary, b.summary);
    assert_eq!(fingerprint(&a), fingerprint(&b));
}

#[test]
fn every_topic_tells_a_whole_story() {
    for topic in TOPICS {
        assert!(
            topic.replies.len() >= 3 && topic.follow_ups.len() >= 3,
            "{}",
            topic.title
        );
        assert!(
            !topic.notes.is_empty() && !topic.opener.is_empty(),
            "{}",
            topic.title
        );
        let back_office = matches!(topic.kind, Kind::Billing | Kind::Security);
        assert_eq!(topic.subject.is_empty(), back_office, "{}", topic.title);
        let lines: Vec<&str> = topic
            .replies
            .iter()
            .chain(topic.follow_ups)
            .chain(topic.notes)
            .copied()
            .collect();
        let unique: HashSet<&str> = lines.iter().copied().collect();
        assert_eq!(unique.len(), lines.len(), "{}", topic.title);
        match topic.kind {
            Kind::Bug => {
                let named = HashSet::from([topic.feature]);
                assert_eq!(features(topic.title), named, "{}", topic.title);
                assert_eq!(features(topic.tracker), named, "{}", topic.tracker);
                assert!(!topic.steps.is_empty() && !topic.component.is_empty());
            }
            Kind::Billing | Kind::Security => assert!(!topic.description.is_empty()),
            _ => assert!(topic.description.is_empty()),
        }
    }
}

#[test]
fn the_demo_has_shared_macros_and_personal_ones_of_two_teammates() {
    let memory = Memory::default();
    generate(&memory, DemoOptions::new(40, NOW)).unwrap();
    let macros = memory.macros.into_inner();
    let shared = macros
        .iter()
        .filter(|m| m.visibility == inbox_core::Visibility::Shared)
        .count();
    let owners: HashSet<TeammateId> = macros
        .iter()
        .filter_map(|m| match m.visibility {
            inbox_core::Visibility::Personal { owner } => Some(owner),
            inbox_core::Visibility::Shared => None,
        })
        .collect();
    assert!(shared >= 4, "{shared} shared macros");
    assert_eq!(owners.len(), 2);
    for m in &macros {
        m.validate().unwrap();
        let text = inbox_core::macros::render(&m.body, &Default::default()).unwrap();
        assert!(!text.contains("{{"), "{text}");
    }
    assert!(macros.iter().any(|m| !m.actions.is_empty()));
}
