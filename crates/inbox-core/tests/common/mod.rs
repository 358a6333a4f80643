//! A workspace held in plain values, for driving `apply` and the planner.
#![allow(dead_code)]

use std::collections::BTreeMap;

use inbox_core::*;
use serde_json::json;

pub struct Memory {
    pub tickets: BTreeMap<TicketId, Ticket>,
    pub types: Vec<TicketType>,
    pub states: Vec<TicketState>,
    pub brands: Vec<BrandId>,
    pub conversations: BTreeMap<ConversationId, Conversation>,
    pub conversation_parts: Vec<ConversationPart>,
    pub macros: BTreeMap<MacroId, Macro>,
}

impl Workspace for Memory {
    type Error = CoreError;
    fn ticket(&self, id: TicketId) -> Result<Ticket, CoreError> {
        self.tickets.get(&id).cloned().ok_or(CoreError::NotFound {
            kind: "ticket",
            id: id.to_string(),
        })
    }
    fn ticket_type(&self, id: TicketTypeId) -> Result<TicketType, CoreError> {
        self.types
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .ok_or(CoreError::NotFound {
                kind: "ticket type",
                id: id.to_string(),
            })
    }
    fn states(&self) -> Result<Vec<TicketState>, CoreError> {
        Ok(self.states.clone())
    }
    fn linked_to_tracker(&self, tracker: TicketId) -> Result<Vec<Ticket>, CoreError> {
        Ok(self
            .tickets
            .values()
            .filter(|t| t.tracker == Some(tracker))
            .cloned()
            .collect())
    }
    fn brand(&self, brand: BrandId) -> Result<Option<Brand>, CoreError> {
        Ok(self.brands.contains(&brand).then(|| Brand {
            id: brand,
            name: "Brand".to_owned(),
            logo_url: String::new(),
            color: String::new(),
            is_default: brand == self.brands[0],
        }))
    }
    fn contact(&self, contact: ContactId) -> Result<Contact, CoreError> {
        Ok(Contact {
            id: contact,
            name: "Ava Chen".into(),
            email: "ava@acme.example".into(),
            company: None,
            role: Default::default(),
            external_id: None,
        })
    }
    fn default_brand(&self) -> Result<BrandId, CoreError> {
        Ok(self.brands[0])
    }
    fn next_ticket_number(&self) -> Result<i64, CoreError> {
        Ok(self
            .tickets
            .values()
            .filter_map(|t| t.number)
            .max()
            .unwrap_or(0)
            + 1)
    }
    fn ticket_exists(&self, id: TicketId) -> Result<bool, CoreError> {
        Ok(self.tickets.contains_key(&id))
    }
    fn teammate(&self, id: TeammateId) -> Result<Teammate, CoreError> {
        Ok(Teammate {
            id,
            name: "Sam".into(),
            email: "sam@northwind.example".into(),
            role: if id == TeammateId::from_parts(1, ADMIN) {
                Role::Admin
            } else {
                Role::Teammate
            },
            active: true,
        })
    }
    fn team(&self, id: TeamId) -> Result<Team, CoreError> {
        Ok(Team {
            id,
            name: "Billing".into(),
            members: Vec::new(),
        })
    }
    fn company(&self, id: CompanyId) -> Result<Company, CoreError> {
        Ok(Company {
            id,
            name: "Acme".into(),
        })
    }
    fn conversation(&self, id: ConversationId) -> Result<Conversation, CoreError> {
        self.conversations
            .get(&id)
            .cloned()
            .ok_or(CoreError::NotFound {
                kind: "conversation",
                id: id.to_string(),
            })
    }
    fn conversation_exists(&self, id: ConversationId) -> Result<bool, CoreError> {
        Ok(self.conversations.contains_key(&id))
    }
    fn conversation_parts(&self, id: ConversationId) -> Result<Vec<ConversationPart>, CoreError> {
        Ok(self
            .conversation_parts
            .iter()
            .filter(|p| p.conversation == id)
            .cloned()
            .collect())
    }
    fn shared_tickets_of(&self, contact: ContactId) -> Result<Vec<Ticket>, CoreError> {
        Ok(self
            .tickets
            .values()
            .filter(|t| t.shared && t.contacts.contains(&contact))
            .cloned()
            .collect())
    }
    fn saved_macro(&self, id: MacroId) -> Result<Option<Macro>, CoreError> {
        Ok(self.macros.get(&id).cloned())
    }
}

pub const ME: u128 = 1;
/// The one teammate with the admin role.
pub const ADMIN: u128 = 2;
pub const CUSTOMER: u128 = 100;
pub const BACK_OFFICE: u128 = 200;
pub const TRACKER: u128 = 300;

pub fn state(n: usize) -> StateId {
    StateId::from_parts(1, n as u128)
}

impl Memory {
    /// Default states 0..4 plus "Triage" (in progress, 4); a customer, a back-office and a
    /// tracker type; one ticket of each, and `linked` more customer tickets on the tracker.
    pub fn new(linked: usize) -> Memory {
        let mut states: Vec<TicketState> = StateCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| TicketState::default_for(state(i), *c))
            .collect();
        states.push(TicketState {
            id: state(4),
            internal_label: "Triage".into(),
            customer_label: "In progress".into(),
            category: StateCategory::InProgress,
            archived: false,
        });
        let all: Vec<StateId> = states.iter().map(|s| s.id).collect();
        let types: Vec<TicketType> = Category::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // Only the tracker offers "Triage": propagation must map it for the others.
                let offered = if *c == Category::Tracker {
                    all.clone()
                } else {
                    all[..4].to_vec()
                };
                TicketType::new(
                    TicketTypeId::from_parts(1, i as u128),
                    &format!("{c}"),
                    "",
                    *c,
                    vec![],
                    offered,
                )
            })
            .collect();
        let brand = BrandId::from_parts(1, 1);
        let mut ws = Memory {
            tickets: BTreeMap::new(),
            types,
            states,
            brands: vec![brand, BrandId::from_parts(1, 2)],
            conversations: BTreeMap::new(),
            conversation_parts: Vec::new(),
            macros: BTreeMap::new(),
        };
        ws.add(CUSTOMER, 0, None);
        ws.add(BACK_OFFICE, 1, Some(TicketId::from_parts(1, CUSTOMER)));
        ws.add(TRACKER, 2, None);
        for i in 0..linked {
            let id = ws.add(1_000 + i as u128, 0, None);
            ws.tickets.get_mut(&id).unwrap().tracker = Some(TicketId::from_parts(1, TRACKER));
        }
        ws
    }

    pub fn new_conversation(&mut self, n: u128) -> ConversationId {
        let id = ConversationId::from_parts(1, n);
        let c = Conversation::new(
            id,
            ContactId::from_parts(1, 9),
            "Help".into(),
            MessageChannel::Messenger,
            0,
        );
        self.conversations.insert(id, c);
        id
    }

    pub fn request(&self, n: u128, type_index: usize) -> CreateTicket {
        let ticket_type = &self.types[type_index];
        let mut fields = NewTicket::default();
        fields
            .attributes
            .insert("title".into(), json!(format!("Ticket {n}")));
        CreateTicket {
            contacts: customer_of(ticket_type),
            ..CreateTicket::new(TicketId::from_parts(1, n), ticket_type.id, fields)
        }
    }

    pub fn add(&mut self, n: u128, type_index: usize, origin: Option<TicketId>) -> TicketId {
        let ticket_type = &self.types[type_index];
        let mut fields = NewTicket::default();
        fields
            .attributes
            .insert("title".into(), json!(format!("Ticket {n}")));
        let req = CreateTicket {
            origin_ticket: origin,
            contacts: customer_of(ticket_type),
            ..CreateTicket::new(TicketId::from_parts(1, n), ticket_type.id, fields)
        };
        let t = Ticket::create(
            req,
            ticket_type,
            &self.states,
            self.brands[0],
            Some(n as i64),
            0,
        )
        .unwrap();
        self.tickets.insert(t.id, t);
        TicketId::from_parts(1, n)
    }

    pub fn run_as(&mut self, actor: Author, m: Mutation) -> Result<Outcome, CoreError> {
        self.run_at(actor, m, 1_000)
    }

    pub fn run_at(
        &mut self,
        actor: Author,
        m: Mutation,
        now: Millis,
    ) -> Result<Outcome, CoreError> {
        let mut next = 0u128;
        let mut random = || {
            next += 1;
            next
        };
        let mut ctx = Context {
            actor,
            now,
            random: &mut random,
        };
        let out = apply(self, &m, &mut ctx)?;
        for t in out.updated_tickets() {
            self.tickets.insert(t.id, t.clone());
        }
        for change in &out.changes {
            match change {
                Change::LinkConversation {
                    conversation,
                    ticket,
                } => {
                    self.conversations
                        .get_mut(conversation)
                        .unwrap()
                        .linked_ticket = Some(*ticket)
                }
                Change::PutConversation(c) => {
                    self.conversations.insert(c.id, (**c).clone());
                }
                Change::AppendConversationPart(p) => self.conversation_parts.push(p.clone()),
                Change::PutMacro(m) => {
                    self.macros.insert(m.id, m.clone());
                }
                _ => {}
            }
        }
        Ok(out)
    }

    pub fn run(&mut self, m: Mutation) -> Result<Outcome, CoreError> {
        self.run_as(Author::Teammate(TeammateId::from_parts(1, ME)), m)
    }

    pub fn get(&self, n: u128) -> &Ticket {
        &self.tickets[&TicketId::from_parts(1, n)]
    }
}

pub fn id(n: u128) -> TicketId {
    TicketId::from_parts(1, n)
}

pub fn code(r: Result<Outcome, CoreError>) -> Option<&'static str> {
    r.err().map(|e| e.code())
}

/// The contact every demo ticket of a customer-facing type is about.
pub const CONTACT: u128 = 9;

pub fn contact() -> ContactId {
    ContactId::from_parts(1, CONTACT)
}

fn customer_of(ticket_type: &TicketType) -> Vec<ContactId> {
    if ticket_type.category == Category::Tracker {
        vec![]
    } else {
        vec![contact()]
    }
}
