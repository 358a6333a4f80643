//! Desktop alerts for a teammate: what, among changes others made, concerns them — a ticket
//! assigned to them, a customer's reply on their ticket, a mention in a note of them or of a
//! team they are in (a conversation's notes mention with [`mentions_me`] too), a state change
//! of a tracker they follow (one assigned to them). Pure: the app decides how to show them, through
//! an [`Alerter`].

use serde::Serialize;

use crate::{Author, Part, PartKind, Team, Teammate, Ticket, TicketId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    AssignedToYou,
    CustomerReplied,
    Mentioned,
    TrackerChanged,
    /// A ticket of mine I snoozed is back at its time.
    SnoozeEnded,
}

/// One desktop notification; opening it opens `ticket`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub ticket: TicketId,
    pub kind: AlertKind,
    pub title: String,
    pub body: String,
}

/// Shows alerts (the app: OS notifications; tests: a list).
pub trait Alerter {
    fn alert(&self, alert: &Alert);
}

/// The alerts `me` gets for `tickets` as they are now and the `parts` just added, given each
/// ticket as it was before (`before`); `teams` are the workspace's (a team's mention reaches its
/// members). Changes `me` made never alert `me`.
pub fn alerts_for(
    me: &Teammate,
    teams: &[Team],
    tickets: &[Ticket],
    parts: &[Part],
    before: &dyn Fn(TicketId) -> Option<Ticket>,
) -> Vec<Alert> {
    let mine = |t: &Ticket| t.assignee_teammate == Some(me.id);
    let by_me = |p: &Part| p.author == Author::Teammate(me.id);
    let ticket = |id: TicketId| {
        tickets
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .or_else(|| before(id))
    };
    let heading = |t: &Ticket| match t.number {
        Some(n) => format!("#{n} {}", t.title),
        None => t.title.clone(),
    };
    let mut alerts = Vec::new();
    for t in tickets {
        let was_mine = before(t.id).is_some_and(|b| mine(&b));
        let assigned_by_me = parts.iter().any(|p| {
            p.ticket == t.id && by_me(p) && matches!(p.kind, PartKind::AssignmentChanged { .. })
        });
        if mine(t) && !was_mine && !assigned_by_me {
            alerts.push(Alert {
                ticket: t.id,
                kind: AlertKind::AssignedToYou,
                title: "Assigned to you".into(),
                body: heading(t),
            });
        }
    }
    for p in parts.iter().filter(|p| !by_me(p)) {
        let Some(t) = ticket(p.ticket) else { continue };
        let alert = |kind, title: String, body: String| Alert {
            ticket: t.id,
            kind,
            title,
            body,
        };
        match &p.kind {
            PartKind::Reply { body } if matches!(p.author, Author::Contact(_)) && mine(&t) => {
                alerts.push(alert(
                    AlertKind::CustomerReplied,
                    format!("New reply on {}", heading(&t)),
                    body.clone(),
                ))
            }
            PartKind::Note { body } | PartKind::CrossPost { body, .. }
                if mentions_me(body, me, teams) =>
            {
                alerts.push(alert(
                    AlertKind::Mentioned,
                    format!("You were mentioned on {}", heading(&t)),
                    body.clone(),
                ))
            }
            PartKind::SnoozeEnded if mine(&t) => alerts.push(alert(
                AlertKind::SnoozeEnded,
                "A snoozed ticket is back".into(),
                heading(&t),
            )),
            PartKind::StateChanged { .. } if t.category == crate::Category::Tracker && mine(&t) => {
                alerts.push(alert(
                    AlertKind::TrackerChanged,
                    "A tracker you follow changed".into(),
                    heading(&t),
                ))
            }
            _ => {}
        }
    }
    alerts
}

/// Whether `text` mentions the teammate: `@First` or `@First Last`, in any case. A ticket's
/// note and a conversation's note alike.
pub fn mentions(text: &str, me: &Teammate) -> bool {
    let first = me.name.split_whitespace().next().unwrap_or(&me.name);
    mentions_name(text, &me.name) || mentions_name(text, first)
}

/// Whether `text` mentions `me` ([`mentions`]) or one of the `teams` `me` is in, as
/// `@Team name`.
pub fn mentions_me(text: &str, me: &Teammate, teams: &[Team]) -> bool {
    mentions(text, me)
        || teams
            .iter()
            .any(|t| t.members.contains(&me.id) && mentions_name(text, &t.name))
}

/// Whether `text` holds `@name`, in any case, not followed by a letter or digit (`@Sam` is not
/// in `@Samira`). The composer's @ list inserts names in this form.
pub fn mentions_name(text: &str, name: &str) -> bool {
    let text = text.to_lowercase();
    let name = name.trim().to_lowercase();
    if name.is_empty() {
        return false;
    }
    text.match_indices('@').any(|(i, _)| {
        let rest = &text[i + 1..];
        rest.starts_with(&name)
            && rest[name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BrandId, Category, ContactId, PartId, Role, StateId, TeammateId, TicketTypeId};
    use std::collections::BTreeMap;

    fn teammate(n: u128, name: &str) -> Teammate {
        Teammate {
            id: TeammateId::from_parts(1, n),
            name: name.into(),
            email: format!("{n}@x.example"),
            role: Role::Teammate,
            active: true,
        }
    }

    fn ticket(n: u128, category: Category, assignee: Option<&Teammate>) -> Ticket {
        Ticket {
            id: TicketId::from_parts(1, n),
            number: Some(n as i64),
            type_id: TicketTypeId::from_parts(1, 1),
            category,
            title: format!("Ticket {n}"),
            description: String::new(),
            attributes: BTreeMap::new(),
            state_id: StateId::from_parts(1, 1),
            open: true,
            snoozed_until: None,
            assignee_teammate: assignee.map(|t| t.id),
            assignee_team: None,
            contacts: vec![ContactId::from_parts(1, 9)],
            company: None,
            brand: BrandId::from_parts(1, 1),
            shared: category != Category::Tracker,
            tracker: None,
            conversation: None,
            origin_ticket: None,
            created_at: 0,
            updated_at: 0,
            last_activity_at: 0,
            customer_activity_at: None,
        }
    }

    fn part(ticket: &Ticket, author: Author, kind: PartKind) -> Part {
        Part {
            attachments: Vec::new(),
            id: PartId::from_parts(2, ticket.id.0.random()),
            ticket: ticket.id,
            author,
            kind,
            created_at: 1,
        }
    }

    #[test]
    fn what_others_do_that_concerns_me() {
        let me = teammate(1, "Alex Rivera");
        let sam = teammate(2, "Sam Okafor");
        let mut assigned = ticket(10, Category::Customer, Some(&me));
        let before_assigned = ticket(10, Category::Customer, Some(&sam));
        let tracker = ticket(20, Category::Tracker, Some(&me));
        let theirs = ticket(30, Category::Customer, Some(&sam));
        let customer = Author::Contact(ContactId::from_parts(1, 9));
        let parts = vec![
            part(
                &assigned,
                Author::Teammate(sam.id),
                PartKind::AssignmentChanged {
                    teammate: Some(me.id),
                    team: None,
                },
            ),
            part(
                &assigned,
                customer,
                PartKind::Reply {
                    body: "It works now".into(),
                },
            ),
            part(
                &theirs,
                customer,
                PartKind::Reply {
                    body: "Not mine".into(),
                },
            ),
            part(
                &theirs,
                Author::Teammate(sam.id),
                PartKind::Note {
                    body: "@alex can you check?".into(),
                },
            ),
            part(
                &theirs,
                Author::Teammate(sam.id),
                PartKind::Note {
                    body: "@alexandra is someone else".into(),
                },
            ),
            part(
                &tracker,
                Author::System,
                PartKind::StateChanged {
                    from: StateId::from_parts(1, 1),
                    to: StateId::from_parts(1, 2),
                },
            ),
            part(&assigned, Author::System, PartKind::SnoozeEnded),
            part(&theirs, Author::System, PartKind::SnoozeEnded),
        ];
        assigned.updated_at = 5;
        let before = |id: TicketId| {
            [&before_assigned, &tracker, &theirs]
                .into_iter()
                .find(|t| t.id == id)
                .cloned()
        };
        let kinds: Vec<AlertKind> = alerts_for(
            &me,
            &[],
            &[assigned.clone(), tracker.clone(), theirs.clone()],
            &parts,
            &before,
        )
        .into_iter()
        .map(|a| a.kind)
        .collect();
        assert_eq!(
            kinds,
            [
                AlertKind::AssignedToYou,
                AlertKind::CustomerReplied,
                AlertKind::Mentioned,
                AlertKind::TrackerChanged,
                AlertKind::SnoozeEnded
            ]
        );
    }

    #[test]
    fn my_own_changes_never_alert_me() {
        let me = teammate(1, "Alex Rivera");
        let t = ticket(10, Category::Customer, Some(&me));
        let parts = vec![
            part(
                &t,
                Author::Teammate(me.id),
                PartKind::AssignmentChanged {
                    teammate: Some(me.id),
                    team: None,
                },
            ),
            part(
                &t,
                Author::Teammate(me.id),
                PartKind::Note {
                    body: "note to self @Alex Rivera".into(),
                },
            ),
        ];
        let before = |_| Some(ticket(10, Category::Customer, None));
        assert!(alerts_for(&me, &[], std::slice::from_ref(&t), &parts, &before).is_empty());
    }

    #[test]
    fn a_teams_mention_alerts_its_members_only() {
        let me = teammate(1, "Alex Rivera");
        let sam = teammate(2, "Sam Okafor");
        let team = |n: u128, name: &str, members: &[&Teammate]| Team {
            id: crate::TeamId::from_parts(3, n),
            name: name.into(),
            members: members.iter().map(|t| t.id).collect(),
        };
        let teams = [team(1, "Billing Ops", &[&me]), team(2, "Support", &[&sam])];
        assert!(mentions_me("@billing ops, have a look", &me, &teams));
        assert!(!mentions_me("@Billing Operations", &me, &teams));
        assert!(!mentions_me("@Support please", &me, &teams));
        assert!(mentions_me("@Support please", &sam, &teams));

        let t = ticket(10, Category::Customer, Some(&sam));
        let note = part(
            &t,
            Author::Teammate(sam.id),
            PartKind::Note {
                body: "@Billing Ops can you refund this?".into(),
            },
        );
        let before = |_| Some(ticket(10, Category::Customer, Some(&sam)));
        let alerts = alerts_for(&me, &teams, std::slice::from_ref(&t), &[note], &before);
        assert_eq!(
            alerts.iter().map(|a| a.kind).collect::<Vec<_>>(),
            [AlertKind::Mentioned]
        );
    }

    #[test]
    fn the_mention_form_the_composer_inserts_is_recognised() {
        let mei = teammate(4, "Mei Lin");
        let tomas = teammate(7, "Tomás Novak");
        assert!(mentions("Could you check? @Mei Lin ", &mei));
        assert!(mentions("@mei, thoughts?", &mei));
        assert!(!mentions("@meilin", &mei));
        assert!(mentions("cc @Tomás Novak.", &tomas));
        assert!(!mentions("mei lin without the at", &mei));
    }
}
