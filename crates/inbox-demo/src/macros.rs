//! The demo's macros (saved replies): a few shared ones a support team writes first, and a
//! personal one each for the first two teammates. Their ids do not come from the generator's
//! random numbers, so the rest of the demo stays as it was.

use inbox_core::{Macro, MacroAction, MacroId, Millis, StateCategory, Visibility};

use crate::{Sink, Workspace};

pub(crate) fn add<S: Sink>(store: &S, ws: &Workspace, now: Millis) -> Result<(), S::Error> {
    let state = |category: StateCategory| {
        ws.states
            .iter()
            .find(|s| s.category == category)
            .map(|s| s.id)
            .expect("the demo has a state of each category")
    };
    let shared = Visibility::Shared;
    let macros = [
        (
            "Refund approved",
            "Hi {{contact.first_name | there}},\n\nGood news: your refund for {{ticket.number | your order}} is approved. The money is back on your card within 5 business days.\n\nBest,\n{{teammate.first_name}} at {{brand.name | Northwind}}",
            shared,
            vec![
                MacroAction::SetState {
                    state: state(StateCategory::Resolved),
                },
                MacroAction::Note {
                    body: "Refund approved and {{contact.name | the customer}} told.".into(),
                },
            ],
        ),
        (
            "Ask for a screenshot",
            "Hi {{contact.first_name | there}},\n\nThanks for reporting \"{{ticket.title | this}}\". Could you send us a screenshot of what you see, and the steps that led to it? That helps us find the cause quickly.\n\n{{teammate.first_name}}",
            shared,
            vec![MacroAction::SetState {
                state: state(StateCategory::WaitingOnCustomer),
            }],
        ),
        (
            "Escalate to engineering",
            "Hi {{contact.first_name | there}},\n\nI have passed this on to our engineers, who are looking into it now. We will write again as soon as we know more.\n\n{{teammate.first_name}}",
            shared,
            vec![
                MacroAction::Assign {
                    teammate: None,
                    team: ws.team("Engineering"),
                },
                MacroAction::SetState {
                    state: state(StateCategory::InProgress),
                },
            ],
        ),
        (
            "Password reset steps",
            "Hi {{contact.first_name | there}},\n\nTo reset your password, open the sign-in page, choose \"Forgot password\" and follow the link we email to {{contact.email | your address}}. The link works for one hour.\n\n{{teammate.first_name}}",
            shared,
            vec![],
        ),
        (
            "Thanks, closing",
            "Hi {{contact.first_name | there}},\n\nGlad we could help! I am closing this ticket; just reply if anything comes up again.\n\n{{teammate.first_name}}",
            shared,
            vec![MacroAction::SetState {
                state: state(StateCategory::Resolved),
            }],
        ),
        (
            "My sign-off",
            "Cheers,\n{{teammate.name}}\nNorthwind Support",
            Visibility::Personal {
                owner: ws.teammates[0].id,
            },
            vec![],
        ),
        (
            "Sam's quick thanks",
            "Thanks a lot, {{contact.first_name | there}}! Sam",
            Visibility::Personal {
                owner: ws.teammates[1].id,
            },
            vec![],
        ),
    ];
    for (i, (name, body, visibility, actions)) in macros.into_iter().enumerate() {
        let m = Macro {
            id: MacroId::from_parts(now.max(0) as u64, 0xDE30_0000 + i as u128),
            name: name.to_owned(),
            body: body.to_owned(),
            visibility,
            actions,
            deleted: false,
        };
        m.validate()?;
        store.insert_macro(&m)?;
    }
    Ok(())
}
