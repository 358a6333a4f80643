//! Conversations: what a customer writes from the Messenger or by email, and how the team
//! answers, assigns, snoozes and closes it. The rules of every conversation mutation live here;
//! [`crate::mutation::apply`] dispatches to them.

use serde::{Deserialize, Serialize};

use crate::mutation::{check_assignee, non_empty, Change, Context, CustomerEvent, Effect, Outcome};
use crate::{
    limits, Author, ContactId, ConversationId, ConversationPart, CoreError, Millis, PartKind,
    TeamId, TeammateId, TicketId, Workspace,
};

/// Where a customer message came in, or where a reply goes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    #[default]
    Messenger,
    Email,
}

impl MessageChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Messenger => "messenger",
            MessageChannel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<MessageChannel> {
        [MessageChannel::Messenger, MessageChannel::Email]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// A chat with a contact; may be converted into a ticket, or linked to one (R11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: ConversationId,
    pub contact: ContactId,
    pub subject: String,
    /// The one ticket shared with the customer that this conversation is linked to (R11).
    pub linked_ticket: Option<TicketId>,
    /// Closed conversations leave the open views until the customer writes again.
    pub open: bool,
    /// An open conversation snoozed until this time is out of the open views until then, or
    /// until the customer writes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub snoozed_until: Option<Millis>,
    #[serde(default)]
    pub assignee_teammate: Option<TeammateId>,
    #[serde(default)]
    pub assignee_team: Option<TeamId>,
    /// Where the conversation started.
    #[serde(default)]
    pub channel: MessageChannel,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub created_at: Millis,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub last_activity_at: Millis,
}

impl Conversation {
    /// A new open, unassigned conversation.
    pub fn new(
        id: ConversationId,
        contact: ContactId,
        subject: String,
        channel: MessageChannel,
        now: Millis,
    ) -> Conversation {
        Conversation {
            id,
            contact,
            subject,
            linked_ticket: None,
            open: true,
            snoozed_until: None,
            assignee_teammate: None,
            assignee_team: None,
            channel,
            created_at: now,
            last_activity_at: now,
        }
    }

    /// Whether the conversation is waiting on the team at `now`: open and not snoozed.
    pub fn is_active(&self, now: Millis) -> bool {
        self.open && self.snoozed_until.is_none_or(|until| until <= now)
    }
}

/// The longest subject a conversation keeps; a longer first line is cut at a word.
pub const MAX_SUBJECT: usize = 120;

/// The subject of a conversation started without one: the first line of its first message.
pub fn subject_from(body: &str) -> String {
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    one_line(line)
}

/// A subject that can be stored from whatever an email's Subject held: control characters and
/// runs of spaces become one space, and a long one is cut at a word.
pub fn one_line(text: &str) -> String {
    let line = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let line = line.as_str();
    if line.chars().count() <= MAX_SUBJECT {
        return line.to_owned();
    }
    let cut: String = line.chars().take(MAX_SUBJECT - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > MAX_SUBJECT / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

/// Everything the customer wrote in the conversation, oldest first, one message per paragraph:
/// a ticket made from it starts with their own words.
pub fn transcript(conversation: &Conversation, parts: &[ConversationPart]) -> String {
    let messages: Vec<&str> = parts
        .iter()
        .filter(|p| p.author == Author::Contact(conversation.contact))
        .filter_map(|p| match &p.kind {
            PartKind::Reply { body } => Some(body.trim()),
            _ => None,
        })
        .filter(|b| !b.is_empty())
        .collect();
    let text = messages.join("\n\n");
    // A description holds at most a message's length; the conversation keeps the rest.
    match text.char_indices().nth(limits::MAX_BODY) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text,
    }
}

/// What starting a conversation needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartConversation {
    /// The new conversation's id (chosen by the caller, so an offline app can refer to it).
    pub id: ConversationId,
    pub contact: ContactId,
    /// Blank takes the first line of the body.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub subject: String,
    /// The first message: the customer's, or a teammate's outbound one.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 65536))]
    pub body: String,
    #[serde(default)]
    pub channel: MessageChannel,
}

pub(crate) fn start<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    req: &StartConversation,
) -> Result<(), W::Error> {
    if ws.conversation_exists(req.id)? {
        return Err(CoreError::IdTaken {
            kind: "conversation",
            id: req.id.to_string(),
        }
        .into());
    }
    let contact = ws.contact(req.contact)?;
    if let Author::Contact(author) = ctx.actor {
        if author != contact.id {
            return Err(CoreError::NotYourConversation.into());
        }
    }
    let body = non_empty(&req.body, "message")?;
    limits::line("subject", &req.subject, limits::MAX_LINE)?;
    let subject = match req.subject.trim() {
        "" => subject_from(&body),
        s => s.to_owned(),
    };
    let conversation = Conversation::new(req.id, contact.id, subject, req.channel, ctx.now);
    out.changes
        .push(Change::PutConversation(Box::new(conversation.clone())));
    message(out, ctx, conversation, body, req.channel, Vec::new());
    Ok(())
}

/// Gives the first message of a conversation `outcome` starts these files: a customer's email
/// to the support address starts one with what it carries ([`StartConversation`] itself names
/// none). The same bounds hold as for any message.
pub fn attach_to_first_message(
    outcome: &mut Outcome,
    files: &[crate::AttachmentId],
) -> Result<(), CoreError> {
    crate::attachment::check_part_attachments(files)?;
    let first = outcome.changes.iter_mut().find_map(|c| match c {
        Change::AppendConversationPart(p) => Some(p),
        _ => None,
    });
    if let Some(part) = first {
        part.attachments = files.to_vec();
    }
    Ok(())
}

/// A message in the conversation: the customer's, or a teammate's reply the customer sees.
pub(crate) fn reply<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
    body: &str,
    channel: MessageChannel,
    attachments: &[crate::AttachmentId],
) -> Result<(), W::Error> {
    let conversation = ws.conversation(id)?;
    if let Author::Contact(author) = ctx.actor {
        if author != conversation.contact {
            return Err(CoreError::NotYourConversation.into());
        }
    }
    let body = non_empty(body, "reply")?;
    crate::attachment::check_part_attachments(attachments)?;
    message(out, ctx, conversation, body, channel, attachments.to_vec());
    Ok(())
}

/// Appends a message. The customer writing brings a closed or snoozed conversation back to the
/// team; a teammate's message is news for the customer.
fn message(
    out: &mut Outcome,
    ctx: &mut Context,
    mut conversation: Conversation,
    body: String,
    channel: MessageChannel,
    attachments: Vec<crate::AttachmentId>,
) {
    let part = ctx.conversation_part(conversation.id, PartKind::Reply { body });
    let part = ConversationPart {
        channel: Some(channel),
        attachments,
        ..part
    };
    match ctx.actor {
        Author::Contact(_) => {
            if !conversation.open {
                conversation.open = true;
                let reopened = ctx.conversation_part(conversation.id, PartKind::Reopened);
                out.changes.push(Change::AppendConversationPart(reopened));
            }
            conversation.snoozed_until = None;
        }
        Author::Teammate(_) => out.effects.push(Effect::Customer(
            CustomerEvent::TeammateRepliedInConversation {
                conversation: conversation.id,
                part: part.id,
            },
        )),
        Author::System => {}
    }
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
}

pub(crate) fn note<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
    body: &str,
    attachments: &[crate::AttachmentId],
) -> Result<(), W::Error> {
    let conversation = teammates_only(ws, ctx, id)?;
    let body = non_empty(body, "note")?;
    crate::attachment::check_part_attachments(attachments)?;
    let part = ConversationPart {
        attachments: attachments.to_vec(),
        ..ctx.conversation_part(id, PartKind::Note { body })
    };
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
    Ok(())
}

pub(crate) fn assign<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
    teammate: Option<TeammateId>,
    team: Option<TeamId>,
) -> Result<(), W::Error> {
    let mut conversation = teammates_only(ws, ctx, id)?;
    // Leaving a deactivated teammate in place (changing only the team) is fine.
    let new_teammate = teammate.filter(|t| Some(*t) != conversation.assignee_teammate);
    check_assignee(ws, new_teammate, team)?;
    if (conversation.assignee_teammate, conversation.assignee_team) == (teammate, team) {
        return Ok(());
    }
    conversation.assignee_teammate = teammate;
    conversation.assignee_team = team;
    let part = ctx.conversation_part(id, PartKind::AssignmentChanged { teammate, team });
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
    Ok(())
}

pub(crate) fn close<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
) -> Result<(), W::Error> {
    let mut conversation = teammates_only(ws, ctx, id)?;
    if !conversation.open {
        return Ok(());
    }
    conversation.open = false;
    conversation.snoozed_until = None;
    let part = ctx.conversation_part(id, PartKind::Closed { resolved: false });
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
    Ok(())
}

/// Opens a closed conversation, or wakes a snoozed one.
pub(crate) fn reopen<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
) -> Result<(), W::Error> {
    let mut conversation = teammates_only(ws, ctx, id)?;
    if conversation.open && conversation.snoozed_until.is_none() {
        return Ok(());
    }
    conversation.open = true;
    conversation.snoozed_until = None;
    let part = ctx.conversation_part(id, PartKind::Reopened);
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
    Ok(())
}

pub(crate) fn snooze<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
    until: Millis,
) -> Result<(), W::Error> {
    let mut conversation = teammates_only(ws, ctx, id)?;
    crate::snooze::check_until(ctx.now, until)?;
    if conversation.open && conversation.snoozed_until == Some(until) {
        return Ok(());
    }
    conversation.open = true;
    conversation.snoozed_until = Some(until);
    let part = ctx.conversation_part(id, PartKind::Snoozed { until });
    out.changes.push(Change::AppendConversationPart(part));
    touch(out, conversation, ctx.now);
    Ok(())
}

/// The snooze ran out by `ctx.now`: the conversation wakes, once.
pub(crate) fn wake<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
) -> Result<(), W::Error> {
    let mut conversation = teammates_only(ws, ctx, id)?;
    match conversation.snoozed_until {
        Some(until) if until <= ctx.now && conversation.open => {
            conversation.snoozed_until = None;
            let part = ctx.conversation_part(id, PartKind::SnoozeEnded);
            out.changes.push(Change::AppendConversationPart(part));
            touch(out, conversation, ctx.now);
        }
        _ => {}
    }
    Ok(())
}

/// The acting teammate has read the conversation, and so its linked ticket (R11).
pub(crate) fn mark_read<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &mut Context,
    id: ConversationId,
) -> Result<(), W::Error> {
    let conversation = ws.conversation(id)?;
    let Author::Teammate(teammate) = ctx.actor else {
        return Ok(());
    };
    out.changes.push(Change::MarkConversationRead {
        conversation: id,
        teammate,
        at: ctx.now,
    });
    if let Some(ticket) = conversation.linked_ticket {
        ws.ticket(ticket)?;
        out.changes.push(Change::MarkRead {
            ticket,
            teammate,
            at: ctx.now,
        });
    }
    Ok(())
}

/// Notes, assignment and state are the team's business: a customer can only write.
fn teammates_only<W: Workspace>(
    ws: &W,
    ctx: &Context,
    id: ConversationId,
) -> Result<Conversation, W::Error> {
    let conversation = ws.conversation(id)?;
    if matches!(ctx.actor, Author::Contact(_)) {
        return Err(CoreError::TeammatesOnly.into());
    }
    Ok(conversation)
}

fn touch(out: &mut Outcome, mut conversation: Conversation, now: Millis) {
    conversation.last_activity_at = conversation.last_activity_at.max(now);
    // A conversation written twice in one outcome (started, then its first message) is
    // written once, where it was first, as it ends up: before its parts.
    let earlier = out.changes.iter_mut().find_map(|c| match c {
        Change::PutConversation(existing) if existing.id == conversation.id => Some(existing),
        _ => None,
    });
    match earlier {
        Some(existing) => **existing = conversation,
        None => out
            .changes
            .push(Change::PutConversation(Box::new(conversation))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_the_first_line_cut_at_a_word() {
        assert_eq!(subject_from("\n  Hello there \nsecond"), "Hello there");
        let long = "word ".repeat(60);
        let subject = subject_from(&long);
        assert!(subject.chars().count() <= MAX_SUBJECT, "{subject}");
        assert!(subject.ends_with("word…"), "{subject}");
    }

    #[test]
    fn an_emails_subject_becomes_one_storable_line() {
        assert_eq!(one_line("Re:\t my\r\n  invoice\0"), "Re: my invoice");
        assert!(limits::line("subject", &one_line(&"x ".repeat(5_000)), limits::MAX_LINE).is_ok());
    }

    #[test]
    fn a_snoozed_conversation_comes_back_when_its_time_comes() {
        let mut c = Conversation::new(
            ConversationId::from_parts(1, 1),
            ContactId::from_parts(1, 2),
            "Hi".into(),
            MessageChannel::Email,
            0,
        );
        assert!(c.is_active(0));
        c.snoozed_until = Some(100);
        assert!(!c.is_active(99));
        assert!(c.is_active(100));
        c.open = false;
        assert!(!c.is_active(200));
    }
}
