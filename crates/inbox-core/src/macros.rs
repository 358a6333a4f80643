//! Macros (saved replies): a reply's text with placeholders (`{{contact.first_name | there}}`)
//! and actions to take with it (set a state, assign, add a note, link to a tracker). A macro is
//! shared with the workspace (admins edit it) or personal (only its owner sees and edits it).
//! Saving one is a mutation like any other, so it works offline and syncs through the outbox.

use serde::{Deserialize, Serialize};

use crate::mutation::{check_assignee, Outcome};
use crate::{
    limits, Author, Category, Change, Context, CoreError, MacroId, Role, StateId, TeamId, Teammate,
    TeammateId, TicketId, Workspace,
};

/// A macro's name is a name (like a team's); its body a reply.
pub const MAX_MACRO_ACTIONS: usize = 10;
/// A placeholder's fallback (`{{contact.first_name | there}}`): a word or a few.
pub const MAX_FALLBACK: usize = 100;

/// What a placeholder may name, each filled from the ticket or conversation a reply goes to
/// and the teammate who sends it.
pub const PLACEHOLDERS: [&str; 9] = [
    "contact.first_name",
    "contact.name",
    "contact.email",
    "company.name",
    "ticket.number",
    "ticket.title",
    "teammate.first_name",
    "teammate.name",
    "brand.name",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Macro {
    pub id: MacroId,
    /// Not blank, at most 250 characters, one line.
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub name: String,
    /// The reply's text, with placeholders; at most 65,536 characters. Empty only when the
    /// macro has actions.
    #[cfg_attr(feature = "openapi", schema(max_length = 65536))]
    pub body: String,
    pub visibility: Visibility,
    /// Taken, in order, when the reply is sent; at most 10, each kind once.
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub actions: Vec<MacroAction>,
    /// Deleted macros stay as tombstones, so the deletion syncs like any change.
    pub deleted: bool,
}

/// Who sees a macro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Visibility {
    /// Every teammate uses it; admins edit it.
    Shared,
    /// Only its owner sees, uses and edits it.
    Personal { owner: TeammateId },
}

/// What a macro does besides its text, when the reply is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MacroAction {
    SetState {
        state: StateId,
    },
    Assign {
        teammate: Option<TeammateId>,
        team: Option<TeamId>,
    },
    /// An internal note, placeholders filled like the reply's.
    Note {
        #[cfg_attr(feature = "openapi", schema(max_length = 65536))]
        body: String,
    },
    LinkTracker {
        tracker: TicketId,
    },
}

impl MacroAction {
    fn kind(&self) -> &'static str {
        match self {
            MacroAction::SetState { .. } => "set a state",
            MacroAction::Assign { .. } => "assign",
            MacroAction::Note { .. } => "add a note",
            MacroAction::LinkTracker { .. } => "link to a tracker",
        }
    }
}

impl Macro {
    /// Whether `teammate` sees (and may use) this macro.
    pub fn visible_to(&self, teammate: TeammateId) -> bool {
        match self.visibility {
            Visibility::Shared => true,
            Visibility::Personal { owner } => owner == teammate,
        }
    }

    /// Checks everything a macro holds on its own: bounds, placeholders, actions.
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.name.trim().is_empty() {
            return Err(CoreError::NameEmpty { what: "macro" });
        }
        limits::line("macro's name", &self.name, limits::MAX_NAME)?;
        limits::text("macro's text", &self.body, limits::MAX_BODY)?;
        if self.body.trim().is_empty() && self.actions.is_empty() {
            return Err(CoreError::EmptyBody { what: "macro" });
        }
        placeholders(&self.body)?;
        limits::count("macro actions", self.actions.len(), MAX_MACRO_ACTIONS)?;
        for (i, action) in self.actions.iter().enumerate() {
            if self.actions[..i]
                .iter()
                .any(|a| std::mem::discriminant(a) == std::mem::discriminant(action))
            {
                return Err(CoreError::MacroActionRepeated {
                    action: action.kind(),
                });
            }
            if let MacroAction::Note { body } = action {
                crate::mutation::non_empty(body, "macro's note")?;
                placeholders(body)?;
            }
        }
        Ok(())
    }
}

/// Who may save `new` over `old` (None for a new macro): a shared macro only an admin, a
/// personal one only its owner. Someone else's personal macro does not exist for the actor.
/// A shared macro stays shared: the teammates' apps already hold it, and a personal macro
/// never reaches them, so making it personal would leave their copies behind.
pub fn check_editor(actor: &Teammate, old: Option<&Macro>, new: &Macro) -> Result<(), CoreError> {
    if let Some(old) = old {
        check_may_edit(actor, old)?;
        if old.visibility == Visibility::Shared && new.visibility != Visibility::Shared {
            return Err(CoreError::MacroStaysShared);
        }
    }
    check_may_edit(actor, new)
}

fn check_may_edit(actor: &Teammate, m: &Macro) -> Result<(), CoreError> {
    match m.visibility {
        Visibility::Shared if actor.role != Role::Admin => Err(CoreError::SharedMacroAdminsOnly),
        Visibility::Personal { owner } if owner != actor.id => Err(CoreError::MacroNotYours),
        _ => Ok(()),
    }
}

/// What fills the placeholders; None where the ticket or conversation has no such value (no
/// company, no number yet…), and then the placeholder's fallback is used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacroContext {
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub company_name: Option<String>,
    pub ticket_number: Option<i64>,
    pub ticket_title: Option<String>,
    pub teammate_name: Option<String>,
    pub brand_name: Option<String>,
}

impl MacroContext {
    fn value(&self, key: &str) -> Option<String> {
        let first = |name: &Option<String>| {
            name.as_deref()
                .and_then(|n| n.split_whitespace().next())
                .map(str::to_owned)
        };
        let value = match key {
            "contact.first_name" => first(&self.contact_name),
            "contact.name" => self.contact_name.clone(),
            "contact.email" => self.contact_email.clone(),
            "company.name" => self.company_name.clone(),
            "ticket.number" => self.ticket_number.map(|n| format!("#{n}")),
            "ticket.title" => self.ticket_title.clone(),
            "teammate.first_name" => first(&self.teammate_name),
            "teammate.name" => self.teammate_name.clone(),
            "brand.name" => self.brand_name.clone(),
            _ => None,
        };
        value.filter(|v| !v.trim().is_empty())
    }
}

/// One `{{key | fallback}}` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Placeholder<'a> {
    /// Where it starts and ends (past the closing braces) in the text, in bytes.
    start: usize,
    end: usize,
    key: &'a str,
    fallback: Option<&'a str>,
}

/// The placeholders of `text`, or why they cannot be filled: an opening `{{` never closed, a
/// fallback too long or on several lines, or keys that are not placeholders (all of them named).
fn placeholders(text: &str) -> Result<Vec<Placeholder<'_>>, CoreError> {
    let mut found = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let inner_start = open + 2;
        let Some(close) = text[inner_start..].find("}}").map(|i| inner_start + i) else {
            return Err(malformed(&text[open..]));
        };
        let inner = &text[inner_start..close];
        if inner.contains("{{") || inner.contains('\n') {
            return Err(malformed(&text[open..close + 2]));
        }
        let (key, fallback) = match inner.split_once('|') {
            Some((k, f)) => (k.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        if let Some(fallback) = fallback {
            limits::line("placeholder's fallback", fallback, MAX_FALLBACK)?;
        }
        if !PLACEHOLDERS.contains(&key) {
            if !unknown.iter().any(|u| u == key) {
                unknown.push(key.chars().take(limits::MAX_NAME).collect());
            }
        } else {
            found.push(Placeholder {
                start: open,
                end: close + 2,
                key,
                fallback,
            });
        }
        from = close + 2;
    }
    if !unknown.is_empty() {
        return Err(CoreError::MacroPlaceholderUnknown {
            names: unknown.join(", "),
        });
    }
    Ok(found)
}

fn malformed(at: &str) -> CoreError {
    CoreError::MacroPlaceholderMalformed {
        at: at.chars().take(40).collect(),
    }
}

/// `text` with its placeholders filled from `context`: a missing value takes the
/// placeholder's fallback, or nothing.
pub fn render(text: &str, context: &MacroContext) -> Result<String, CoreError> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for p in placeholders(text)? {
        out.push_str(&text[at..p.start]);
        match context.value(p.key) {
            Some(value) => out.push_str(&value),
            None => out.push_str(p.fallback.unwrap_or("")),
        }
        at = p.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// A macro filled in for one ticket or conversation: the reply's text and the actions with
/// their notes filled in too.
pub fn render_macro(m: &Macro, context: &MacroContext) -> Result<Macro, CoreError> {
    let mut rendered = m.clone();
    rendered.body = render(&m.body, context)?;
    for action in &mut rendered.actions {
        if let MacroAction::Note { body } = action {
            *body = render(body, context)?;
        }
    }
    Ok(rendered)
}

/// Saves (creates or replaces) a macro: `SaveMacro`, and `DeleteMacro` as a tombstone.
pub(crate) fn save<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &Context,
    new: &Macro,
) -> Result<(), W::Error> {
    let Author::Teammate(actor) = ctx.actor else {
        return Err(CoreError::TeammatesOnly.into());
    };
    let actor = ws.teammate(actor)?;
    let old = match ws.saved_macro(new.id)? {
        Some(old) if old.visible_to(actor.id) => Some(old),
        // Someone else's personal macro: its id is taken, and nothing more is said.
        Some(_) => {
            return Err(CoreError::IdTaken {
                kind: "macro",
                id: new.id.to_string(),
            }
            .into())
        }
        None => None,
    };
    if new.deleted && old.as_ref().is_none_or(|o| o.deleted) {
        return Err(CoreError::NotFound {
            kind: "macro",
            id: new.id.to_string(),
        }
        .into());
    }
    let saved = match old {
        // A deletion keeps what was saved (checked then), whatever else it carries.
        Some(old) if new.deleted => {
            check_editor(&actor, Some(&old), &old)?;
            Macro {
                deleted: true,
                ..old
            }
        }
        old => {
            check_editor(&actor, old.as_ref(), new)?;
            let mut new = new.clone();
            new.name = new.name.trim().to_owned();
            new.validate()?;
            check_references(ws, &new)?;
            new
        }
    };
    out.changes.push(Change::PutMacro(saved));
    Ok(())
}

/// A deleted macro: the one saved, marked deleted.
pub(crate) fn delete<W: Workspace>(
    ws: &W,
    out: &mut Outcome,
    ctx: &Context,
    id: MacroId,
) -> Result<(), W::Error> {
    let mut m = ws
        .saved_macro(id)?
        .filter(|m| !m.deleted && matches!(ctx.actor, Author::Teammate(t) if m.visible_to(t)))
        .ok_or_else(|| CoreError::NotFound {
            kind: "macro",
            id: id.to_string(),
        })?;
    m.deleted = true;
    save(ws, out, ctx, &m)
}

/// Every state, assignee and tracker an action names must exist (and a tracker be one).
fn check_references<W: Workspace>(ws: &W, m: &Macro) -> Result<(), W::Error> {
    for action in &m.actions {
        match action {
            MacroAction::SetState { state } => {
                if !ws.states()?.iter().any(|s| s.id == *state) {
                    return Err(CoreError::NotFound {
                        kind: "ticket state",
                        id: state.to_string(),
                    }
                    .into());
                }
            }
            MacroAction::Assign { teammate, team } => check_assignee(ws, *teammate, *team)?,
            MacroAction::Note { .. } => {}
            MacroAction::LinkTracker { tracker } => {
                let t = ws.ticket(*tracker)?;
                if t.category != Category::Tracker {
                    return Err(CoreError::NotATracker {
                        number: t.number.map(|n| format!("#{n}")).unwrap_or(t.title),
                    }
                    .into());
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> MacroContext {
        MacroContext {
            contact_name: Some("Ava Lindqvist".into()),
            contact_email: Some("ava@acme.example".into()),
            company_name: None,
            ticket_number: Some(42),
            ticket_title: Some("Refund".into()),
            teammate_name: Some("Sam Rivera".into()),
            brand_name: Some("Northwind".into()),
        }
    }

    fn teammate(n: u128, role: Role) -> Teammate {
        Teammate {
            id: TeammateId::from_parts(1, n),
            name: format!("T{n}"),
            email: format!("t{n}@example.com"),
            role,
            active: true,
        }
    }

    fn a_macro(visibility: Visibility) -> Macro {
        Macro {
            id: MacroId::from_parts(1, 1),
            name: "Thanks".into(),
            body: "Hi {{contact.first_name | there}}, thanks!".into(),
            visibility,
            actions: vec![],
            deleted: false,
        }
    }

    #[test]
    fn placeholders_are_filled_and_missing_values_take_their_fallback() {
        let text = "Hi {{contact.first_name | there}}, about {{ ticket.number }} ({{ticket.title}}): \
                    {{company.name | your team}} {{company.name}}. {{teammate.first_name}} at {{brand.name}}";
        assert_eq!(
            render(text, &context()).unwrap(),
            "Hi Ava, about #42 (Refund): your team . Sam at Northwind"
        );
        let nobody = MacroContext::default();
        assert_eq!(
            render("Hi {{contact.first_name | there}}!", &nobody).unwrap(),
            "Hi there!"
        );
        let blank = MacroContext {
            contact_name: Some("   ".into()),
            ..MacroContext::default()
        };
        assert_eq!(
            render("Hi {{contact.first_name|there}}!", &blank).unwrap(),
            "Hi there!"
        );
        assert_eq!(
            render("No braces { here } }} at all", &nobody).unwrap(),
            "No braces { here } }} at all"
        );
    }

    #[test]
    fn unknown_and_malformed_placeholders_are_refused_by_name() {
        let err = render(
            "Hi {{contact.nickname}} {{order.id | x}} {{contact.nickname}}",
            &context(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "macro_placeholder_unknown");
        assert!(
            err.to_string().contains("contact.nickname, order.id"),
            "{err}"
        );
        let err = render("Hi {{contact.first_name", &context()).unwrap_err();
        assert_eq!(err.code(), "macro_placeholder_malformed");
        let err = render("Hi {{contact.first_name\n}}", &context()).unwrap_err();
        assert_eq!(err.code(), "macro_placeholder_malformed");
        let long = format!("{{{{contact.name | {}}}}}", "x".repeat(MAX_FALLBACK + 1));
        assert_eq!(
            render(&long, &context()).unwrap_err().code(),
            "text_too_long"
        );
    }

    #[test]
    fn a_macro_is_validated_within_bounds() {
        let owner = TeammateId::from_parts(1, 9);
        let ok = a_macro(Visibility::Personal { owner });
        assert!(ok.validate().is_ok());
        let code = |m: Macro| m.validate().unwrap_err().code();
        assert_eq!(
            code(Macro {
                name: "  ".into(),
                ..ok.clone()
            }),
            "name_empty"
        );
        assert_eq!(
            code(Macro {
                name: "a\nb".into(),
                ..ok.clone()
            }),
            "text_has_control_characters"
        );
        assert_eq!(
            code(Macro {
                name: "x".repeat(251),
                ..ok.clone()
            }),
            "text_too_long"
        );
        assert_eq!(
            code(Macro {
                body: "x".repeat(limits::MAX_BODY + 1),
                ..ok.clone()
            }),
            "text_too_long"
        );
        assert_eq!(
            code(Macro {
                body: " ".into(),
                ..ok.clone()
            }),
            "empty_body"
        );
        let state = MacroAction::SetState {
            state: StateId::from_parts(1, 3),
        };
        assert!(Macro {
            body: String::new(),
            actions: vec![state.clone()],
            ..ok.clone()
        }
        .validate()
        .is_ok());
        assert_eq!(
            code(Macro {
                actions: vec![state.clone(), state],
                ..ok.clone()
            }),
            "macro_action_repeated"
        );
        let notes: Vec<MacroAction> = (0..11)
            .map(|i| MacroAction::Note {
                body: format!("n{i}"),
            })
            .collect();
        assert_eq!(
            code(Macro {
                actions: notes,
                ..ok.clone()
            }),
            "too_many"
        );
        assert_eq!(
            code(Macro {
                actions: vec![MacroAction::Note {
                    body: "{{nope}}".into()
                }],
                ..ok.clone()
            }),
            "macro_placeholder_unknown"
        );
        assert_eq!(
            code(Macro {
                body: "{{ticket.id}}".into(),
                ..ok
            }),
            "macro_placeholder_unknown"
        );
    }

    #[test]
    fn shared_macros_are_for_admins_and_personal_ones_for_their_owner() {
        let admin = teammate(1, Role::Admin);
        let sam = teammate(2, Role::Teammate);
        let shared = a_macro(Visibility::Shared);
        let sams = a_macro(Visibility::Personal { owner: sam.id });
        assert!(check_editor(&admin, None, &shared).is_ok());
        assert_eq!(
            check_editor(&sam, None, &shared).unwrap_err().code(),
            "shared_macro_admins_only"
        );
        assert!(check_editor(&sam, None, &sams).is_ok());
        assert_eq!(
            check_editor(&admin, None, &sams).unwrap_err().code(),
            "macro_not_yours"
        );
        // Sam cannot make a shared macro personal, nor an admin take Sam's; a shared macro
        // stays shared, a personal one may become shared by an admin who owns it.
        assert_eq!(
            check_editor(&sam, Some(&shared), &sams).unwrap_err().code(),
            "shared_macro_admins_only"
        );
        let admins = a_macro(Visibility::Personal { owner: admin.id });
        assert_eq!(
            check_editor(&admin, Some(&shared), &admins)
                .unwrap_err()
                .code(),
            "macro_stays_shared"
        );
        assert!(check_editor(&admin, Some(&admins), &shared).is_ok());
        assert_eq!(
            check_editor(&admin, Some(&sams), &admins)
                .unwrap_err()
                .code(),
            "macro_not_yours"
        );
        assert!(sams.visible_to(sam.id) && !sams.visible_to(admin.id));
        assert!(shared.visible_to(sam.id) && shared.visible_to(admin.id));
    }

    #[test]
    fn a_rendered_macro_fills_its_notes_too() {
        let mut m = a_macro(Visibility::Shared);
        m.actions = vec![MacroAction::Note {
            body: "Told {{contact.name}} about {{ticket.number | the ticket}}".into(),
        }];
        let r = render_macro(&m, &context()).unwrap();
        assert_eq!(r.body, "Hi Ava, thanks!");
        assert_eq!(
            r.actions,
            vec![MacroAction::Note {
                body: "Told Ava Lindqvist about #42".into()
            }]
        );
    }
}
