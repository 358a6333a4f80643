//! Setting a workspace up: the per-workspace email secret, the first admin, the demo data.

use inbox_core::{
    Brand, BrandId, Millis, Role, StateCategory, StateId, Teammate, TeammateId, TicketState,
};
use inbox_demo::{generate, DemoOptions, Sink};

use crate::auth::{self, Subject, TokenKind};
use crate::authority::random;
use crate::error::{Result, ServerError};
use crate::storage::{Kind, Storage, StorageExt};
use crate::workspace::Db;

/// The secret that signs reply-to addresses, made once per workspace.
pub fn email_secret(storage: &dyn Storage) -> Result<Vec<u8>> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        if let Some(secret) = db.get::<String>(Kind::Setting, "email_secret")? {
            return hex::decode(secret)
                .map_err(|e| ServerError::Storage(format!("the email secret is damaged: {e}")));
        }
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the OS random source works");
        db.put(Kind::Setting, "email_secret", &hex::encode(secret))?;
        Ok(secret.to_vec())
    })
}

/// The workspace's public id (Intercom's `workspace_id` and app `id_code`): derived from the
/// workspace's secret, so it is stable for the life of the workspace without being stored, and
/// says nothing about the secret.
pub fn workspace_id(secret: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(b"workspace id");
    hex::encode(&mac.finalize().into_bytes()[..5])
}

fn is_empty(db: &Db) -> Result<bool> {
    Ok(db.tx().list(Kind::Teammate, "", 1)?.is_empty())
}

/// A new API token for the teammate with `email`. On an empty workspace that teammate is
/// created as its first admin, with a default brand and one state of each category, so the
/// server is usable at once.
pub fn teammate_token(
    storage: &dyn Storage,
    email: &str,
    name: Option<String>,
    now: Millis,
) -> Result<String> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        let teammate = teammate_or_first_admin(&db, email, now)?;
        auth::issue(
            &db,
            Subject::Teammate(teammate.id),
            TokenKind::Api,
            name,
            now,
        )
    })
}

/// Sets the password the teammate with `email` signs in with (an empty workspace gets them as
/// its first admin, as with [`teammate_token`]).
pub fn teammate_password(
    storage: &dyn Storage,
    email: &str,
    password: &str,
    now: Millis,
) -> Result<Teammate> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        let teammate = teammate_or_first_admin(&db, email, now)?;
        auth::set_password(&db, teammate.id, password, now)?;
        Ok(teammate)
    })
}

/// The teammate with `email`, or `unknown_teammate`.
fn existing_teammate(db: &Db, email: &str) -> Result<Teammate> {
    find_teammate(db, email)?.ok_or_else(|| {
        ServerError::bad_request(
            "unknown_teammate",
            format!("No teammate has the email {}.", email.trim()),
        )
    })
}

/// Deactivates (or reactivates) the teammate with `email`, by the same rules as an admin in
/// the app: deactivating ends every session and API token of theirs, and the last active admin
/// stays. Whoever runs the command line holds the server's data, so they act as an admin.
pub fn set_active(
    storage: &dyn Storage,
    email: &str,
    active: bool,
    now: Millis,
) -> Result<Teammate> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        let teammate = existing_teammate(&db, email)?;
        let operator = Teammate {
            role: inbox_core::Role::Admin,
            active: true,
            ..teammate.clone()
        };
        let change = inbox_core::AdminChange::SaveTeammate(Teammate { active, ..teammate });
        let saved = crate::authority::save_settings(&db, &change, &operator, now)?;
        Ok(saved.teammates[0].clone())
    })
}

/// The tokens of the teammate with `email`, newest first.
pub fn teammate_tokens(storage: &dyn Storage, email: &str) -> Result<Vec<auth::TokenInfo>> {
    storage.reading(|tx| {
        let db = Db::new(tx);
        auth::tokens_of(&db, existing_teammate(&db, email)?.id)
    })
}

/// Revokes one token of the teammate with `email` by its listed id; false if none has it.
pub fn revoke_token(storage: &dyn Storage, email: &str, id: &str) -> Result<bool> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        auth::revoke_by_id(&db, existing_teammate(&db, email)?.id, id)
    })
}

/// The teammate with `email` (any case), creating the workspace around them when it is empty.
fn teammate_or_first_admin(db: &Db, email: &str, now: Millis) -> Result<Teammate> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') {
        return Err(ServerError::bad_request(
            "invalid_email",
            format!("\"{email}\" is not an email address."),
        ));
    }
    if is_empty(db)? {
        create_workspace(db, &email, now)?;
    }
    find_teammate(db, &email)?.ok_or_else(|| {
        ServerError::bad_request(
            "unknown_teammate",
            format!("No teammate has the email {email}; an admin can invite them."),
        )
    })
}

/// The teammate whose email is `email`, ignoring case.
pub fn find_teammate(db: &Db, email: &str) -> Result<Option<Teammate>> {
    let email = email.trim().to_lowercase();
    let teammates: Vec<Teammate> = db.all(Kind::Teammate)?;
    Ok(teammates
        .into_iter()
        .find(|t| t.email.to_lowercase() == email))
}

fn create_workspace(db: &Db, email: &str, now: Millis) -> Result<()> {
    let id = |r: u128| ulid::Ulid::from_parts(now as u64, r);
    let name = email.split('@').next().unwrap_or(email).to_owned();
    let admin = Teammate {
        id: TeammateId(id(random())),
        name,
        email: email.to_owned(),
        role: Role::Admin,
        active: true,
    };
    db.put(Kind::Teammate, &admin.id.to_string(), &admin)?;
    let domain = email.split('@').nth(1).unwrap_or("support");
    let brand = Brand {
        id: BrandId(id(random())),
        name: domain.split('.').next().unwrap_or(domain).to_owned(),
        logo_url: String::new(),
        color: String::new(),
        is_default: true,
    };
    db.put(Kind::Brand, &brand.id.to_string(), &brand)?;
    for category in StateCategory::ALL {
        let state = TicketState::default_for(StateId(id(random())), category);
        db.put(Kind::TicketState, &state.id.to_string(), &state)?;
    }
    Ok(())
}

/// Fills an empty workspace with the demo data of the desktop app (`inbox-demo`), plus, when
/// `tracker_links` > 0, a tracker with that many linked customer tickets (R13's worst case).
pub fn seed_demo(
    storage: &dyn Storage,
    tickets: usize,
    tracker_links: usize,
    now: Millis,
) -> Result<Seeded> {
    seed_demo_with_files(storage, None, tickets, tracker_links, now)
}

/// Like [`seed_demo`]; with an attachments folder, some demo customers also send a screenshot
/// (a generated PNG) of what they see.
pub fn seed_demo_with_files(
    storage: &dyn Storage,
    blobs: Option<&crate::blobs::BlobStore>,
    tickets: usize,
    tracker_links: usize,
    now: Millis,
) -> Result<Seeded> {
    storage.writing(|tx| {
        let db = Db::new(tx);
        if !is_empty(&db)? {
            return Err(ServerError::Conflict {
                code: "workspace_not_empty",
                message: "The workspace already has data; seed an empty data folder.".into(),
            });
        }
        let options = DemoOptions::new(tickets, now).with_big_tracker(tracker_links);
        let summary = generate(&Seeding { db: &db, blobs }, options)?;
        Ok(Seeded {
            tickets: summary.tickets + tracker_links + usize::from(tracker_links > 0),
            big_tracker: summary.big_tracker,
        })
    })
}

/// What `seed_demo` made.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub tickets: usize,
    pub big_tracker: Option<inbox_core::TicketId>,
}

/// The demo going into the server's database, and its customers' files into the attachments
/// folder when there is one.
struct Seeding<'a, 'b> {
    db: &'a Db<'b>,
    blobs: Option<&'a crate::blobs::BlobStore>,
}

/// The demo goes straight into the server's database, as the app's store takes it.
impl Sink for Seeding<'_, '_> {
    type Error = ServerError;

    fn insert_macro(&self, m: &inbox_core::Macro) -> Result<()> {
        self.db.put(Kind::Macro, &m.id.to_string(), m)
    }
    fn insert_brand(&self, brand: &Brand) -> Result<()> {
        self.db.put(Kind::Brand, &brand.id.to_string(), brand)
    }
    fn insert_teammate(&self, teammate: &Teammate) -> Result<()> {
        self.db
            .put(Kind::Teammate, &teammate.id.to_string(), teammate)
    }
    fn set_me(&self, _: TeammateId) -> Result<()> {
        Ok(())
    }
    fn insert_team(&self, team: &inbox_core::Team) -> Result<()> {
        self.db.put(Kind::Team, &team.id.to_string(), team)
    }
    fn insert_company(&self, company: &inbox_core::Company) -> Result<()> {
        self.db.put(Kind::Company, &company.id.to_string(), company)
    }
    fn insert_contact(&self, contact: &inbox_core::Contact) -> Result<()> {
        self.db.put(Kind::Contact, &contact.id.to_string(), contact)
    }
    fn insert_state(&self, state: &TicketState) -> Result<()> {
        self.db.put(Kind::TicketState, &state.id.to_string(), state)
    }
    fn insert_ticket_type(&self, ticket_type: &inbox_core::TicketType) -> Result<()> {
        self.db
            .put(Kind::TicketType, &ticket_type.id.to_string(), ticket_type)
    }
    fn insert_ticket(&self, ticket: &inbox_core::Ticket) -> Result<()> {
        self.db.put_ticket(ticket)
    }
    fn append_part(&self, part: &inbox_core::Part) -> Result<()> {
        Db::append_part(self.db, part)
    }
    fn insert_conversation(&self, conversation: &inbox_core::Conversation) -> Result<()> {
        self.db.put(
            Kind::Conversation,
            &conversation.id.to_string(),
            conversation,
        )
    }
    fn append_conversation_part(&self, part: &inbox_core::ConversationPart) -> Result<()> {
        // Stored as `write_changes` stores a conversation's parts: owned by the conversation.
        self.db
            .tx()
            .append_parts(&[crate::workspace::conversation_part_row(part)])
    }
    fn store_file(
        &self,
        file: inbox_demo::DemoFile<'_>,
    ) -> Result<Option<inbox_core::AttachmentId>> {
        let Some(blobs) = self.blobs else {
            return Ok(None);
        };
        let attachment = inbox_core::Attachment {
            id: file.id,
            sha256: blobs.put(&file.bytes)?,
            name: file.name.to_owned(),
            content_type: file.content_type.to_owned(),
            size: file.bytes.len() as u64,
            uploader: file.uploader,
            created_at: file.at,
        };
        self.db
            .put(Kind::Attachment, &file.id.to_string(), &attachment)?;
        Ok(Some(file.id))
    }
}
