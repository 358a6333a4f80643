//! The workspace's settings, changed by an admin: ticket types and their attributes, ticket
//! states, brands, teams and teammates. The desktop app (on a workspace of its own) and the
//! server apply every change through [`apply_admin`], so both refuse the same things.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::{limits, Brand, CoreError, Role, Team, Teammate, TicketState, TicketType};

/// One settings change. Each is a whole entity, created or replaced by id: the settings
/// screens edit a copy and save it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AdminChange {
    /// A ticket type: name, icon, description, its attributes in display order (new ones
    /// added, none removed), the states it offers, archived or not.
    SaveTicketType(TicketType),
    SaveState(TicketState),
    /// A brand; saving one as the default makes it the only default.
    SaveBrand(Brand),
    SaveTeam(Team),
    /// A teammate joining, or their name, email or role changing.
    SaveTeammate(Teammate),
}

/// The settings as they are, for checking a change against them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub ticket_types: Vec<TicketType>,
    pub states: Vec<TicketState>,
    pub brands: Vec<Brand>,
    pub teams: Vec<Team>,
    pub teammates: Vec<Teammate>,
}

/// What a change writes, whole entities to save (a new default brand also saves the brand
/// that stops being the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Saved {
    pub ticket_types: Vec<TicketType>,
    pub states: Vec<TicketState>,
    pub brands: Vec<Brand>,
    pub teams: Vec<Team>,
    pub teammates: Vec<Teammate>,
}

/// Checks `change`, made by `actor`, against `settings`; returns what to save.
pub fn apply_admin(
    change: &AdminChange,
    actor: &Teammate,
    settings: &Settings,
) -> Result<Saved, CoreError> {
    if actor.role != Role::Admin {
        return Err(CoreError::NotAdmin);
    }
    let mut saved = Saved::default();
    match change {
        AdminChange::SaveTicketType(t) => {
            check_ticket_type(t, settings)?;
            saved.ticket_types.push(trimmed_type(t));
        }
        AdminChange::SaveState(state) => {
            if let Some(old) = settings.states.iter().find(|s| s.id == state.id) {
                if old.category != state.category {
                    return Err(CoreError::StateCategoryFixed);
                }
            }
            state.validate_among(&settings.states)?;
            saved.states.push(state.clone());
        }
        AdminChange::SaveBrand(brand) => saved.brands = save_brand(brand, &settings.brands)?,
        AdminChange::SaveTeam(team) => {
            named("team", &team.name)?;
            unique(
                "team",
                &team.name,
                settings
                    .teams
                    .iter()
                    .filter(|t| t.id != team.id)
                    .map(|t| &t.name),
            )?;
            limits::count("members", team.members.len(), limits::MAX_MEMBERS)?;
            let before = settings.teams.iter().find(|t| t.id == team.id);
            for member in &team.members {
                let Some(teammate) = settings.teammates.iter().find(|t| t.id == *member) else {
                    return Err(CoreError::NotFound {
                        kind: "teammate",
                        id: member.to_string(),
                    });
                };
                let joining = before.is_none_or(|t| !t.members.contains(member));
                if joining && !teammate.active {
                    return Err(CoreError::TeammateInactive {
                        name: teammate.name.clone(),
                    });
                }
            }
            let mut members = HashSet::new();
            let mut team = team.clone();
            team.members.retain(|m| members.insert(*m));
            team.name = team.name.trim().to_owned();
            saved.teams.push(team);
        }
        AdminChange::SaveTeammate(teammate) => saved
            .teammates
            .push(check_teammate(teammate, &settings.teammates)?),
    }
    Ok(saved)
}

fn named(what: &'static str, name: &str) -> Result<(), CoreError> {
    if name.trim().is_empty() {
        return Err(CoreError::NameEmpty { what });
    }
    limits::line(&format!("{what}'s name"), name, limits::MAX_NAME)
}

/// `name` must differ (ignoring case and spaces around it) from each of `others`.
fn unique<'a>(
    what: &'static str,
    name: &str,
    mut others: impl Iterator<Item = &'a String>,
) -> Result<(), CoreError> {
    let wanted = name.trim().to_lowercase();
    if others.any(|other| other.trim().to_lowercase() == wanted) {
        return Err(CoreError::NameTaken {
            what,
            name: name.trim().to_owned(),
        });
    }
    Ok(())
}

/// A ticket type keeps its category and every attribute it had, each with its data type:
/// tickets hold values of them. Everything else (names, order, new attributes, options of a
/// list, archiving) may change.
fn check_ticket_type(t: &TicketType, settings: &Settings) -> Result<(), CoreError> {
    // An empty name is `validate`'s to refuse; it clashes with no other.
    unique(
        "ticket type",
        &t.name,
        settings
            .ticket_types
            .iter()
            .filter(|o| o.id != t.id && !o.archived)
            .map(|o| &o.name),
    )?;
    if let Some(old) = settings.ticket_types.iter().find(|o| o.id == t.id) {
        if old.category != t.category {
            return Err(CoreError::TypeCategoryFixed);
        }
        for before in &old.attributes {
            match t.attribute(&before.key) {
                None => {
                    return Err(CoreError::AttributeRemoved {
                        name: before.name.clone(),
                    })
                }
                // A list may gain or lose options; it stays a list.
                Some(now)
                    if std::mem::discriminant(&now.data_type)
                        != std::mem::discriminant(&before.data_type)
                        || now.built_in != before.built_in =>
                {
                    return Err(CoreError::AttributeTypeFixed {
                        name: before.name.clone(),
                    })
                }
                Some(_) => {}
            }
        }
    } else {
        for built_in in crate::AttributeDef::built_ins() {
            if t.attribute(&built_in.key).is_none_or(|a| !a.built_in) {
                return Err(CoreError::AttributeRemoved {
                    name: built_in.name,
                });
            }
        }
    }
    for attribute in &t.attributes {
        named("attribute", &attribute.name)?;
    }
    t.validate(&settings.states)
}

fn trimmed_type(t: &TicketType) -> TicketType {
    let mut t = t.clone();
    t.name = t.name.trim().to_owned();
    for attribute in &mut t.attributes {
        attribute.name = attribute.name.trim().to_owned();
    }
    t
}

/// A brand's colour is `#rrggbb` or empty (the default).
fn check_color(color: &str) -> Result<(), CoreError> {
    let hex = color.strip_prefix('#').unwrap_or("");
    if color.is_empty() || (hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit())) {
        Ok(())
    } else {
        Err(CoreError::InvalidColor {
            value: color.to_owned(),
        })
    }
}

fn save_brand(brand: &Brand, brands: &[Brand]) -> Result<Vec<Brand>, CoreError> {
    named("brand", &brand.name)?;
    limits::line("brand's logo", &brand.logo_url, limits::MAX_LOGO)?;
    check_color(&brand.color)?;
    unique(
        "brand",
        &brand.name,
        brands.iter().filter(|b| b.id != brand.id).map(|b| &b.name),
    )?;
    let was_default = brands.iter().any(|b| b.id == brand.id && b.is_default);
    if was_default && !brand.is_default {
        return Err(CoreError::DefaultBrandRequired);
    }
    let mut brand = brand.clone();
    brand.name = brand.name.trim().to_owned();
    // The first brand of a workspace is its default.
    if brands.iter().all(|b| b.id == brand.id) {
        brand.is_default = true;
    }
    // The old default first: a database may allow one default brand at a time.
    let mut saved: Vec<Brand> = if brand.is_default {
        brands
            .iter()
            .filter(|b| b.id != brand.id && b.is_default)
            .map(|b| Brand {
                is_default: false,
                ..b.clone()
            })
            .collect()
    } else {
        Vec::new()
    };
    saved.push(brand);
    Ok(saved)
}

fn check_teammate(teammate: &Teammate, teammates: &[Teammate]) -> Result<Teammate, CoreError> {
    named("teammate", &teammate.name)?;
    let email = teammate.email.trim().to_lowercase();
    limits::email_address(&email)?;
    let others = teammates.iter().filter(|t| t.id != teammate.id);
    if others.clone().any(|t| t.email.to_lowercase() == email) {
        return Err(CoreError::NameTaken {
            what: "teammate's email",
            name: email,
        });
    }
    let stays_admin = teammate.role == Role::Admin && teammate.active;
    if !stays_admin && !others.clone().any(|t| t.role == Role::Admin && t.active) {
        return Err(CoreError::LastAdmin);
    }
    Ok(Teammate {
        name: teammate.name.trim().to_owned(),
        email,
        ..teammate.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        AttributeDef, BrandId, Category, DataType, StateCategory, StateId, TeamId, TeammateId,
        TicketTypeId,
    };

    fn id(n: u128) -> ulid::Ulid {
        ulid::Ulid::from_parts(1, n)
    }

    fn settings() -> Settings {
        let states: Vec<TicketState> = StateCategory::ALL
            .into_iter()
            .enumerate()
            .map(|(i, c)| TicketState::default_for(StateId(id(10 + i as u128)), c))
            .collect();
        let bug = TicketType::new(
            TicketTypeId(id(20)),
            "Bug",
            "🐞",
            Category::Customer,
            vec![AttributeDef::new(
                "severity",
                "Severity",
                DataType::List {
                    options: vec!["Low".into(), "High".into()],
                },
            )],
            states.iter().map(|s| s.id).collect(),
        );
        let admin = Teammate {
            id: TeammateId(id(1)),
            name: "Alex".into(),
            email: "alex@example.com".into(),
            role: Role::Admin,
            active: true,
        };
        let sam = Teammate {
            id: TeammateId(id(2)),
            name: "Sam".into(),
            email: "sam@example.com".into(),
            role: Role::Teammate,
            active: true,
        };
        Settings {
            ticket_types: vec![bug],
            states,
            brands: vec![Brand {
                id: BrandId(id(30)),
                name: "Northwind".into(),
                logo_url: String::new(),
                color: String::new(),
                is_default: true,
            }],
            teams: vec![Team {
                id: TeamId(id(40)),
                name: "Billing".into(),
                members: vec![TeammateId(id(2))],
            }],
            teammates: vec![admin, sam],
        }
    }

    fn admin(s: &Settings) -> Teammate {
        s.teammates[0].clone()
    }

    fn code(r: Result<Saved, CoreError>) -> &'static str {
        r.unwrap_err().code()
    }

    #[test]
    fn only_admins_change_settings() {
        let s = settings();
        let change = AdminChange::SaveBrand(Brand {
            name: "Renamed".into(),
            ..s.brands[0].clone()
        });
        assert_eq!(code(apply_admin(&change, &s.teammates[1], &s)), "not_admin");
        assert_eq!(
            apply_admin(&change, &admin(&s), &s).unwrap().brands[0].name,
            "Renamed"
        );
    }

    #[test]
    fn a_ticket_type_keeps_its_category_and_attributes_but_may_grow_and_reorder() {
        let s = settings();
        let bug = s.ticket_types[0].clone();
        let save = |t: TicketType| apply_admin(&AdminChange::SaveTicketType(t), &admin(&s), &s);

        let mut grown = bug.clone();
        grown.attributes.reverse();
        grown
            .attributes
            .push(AttributeDef::new("browser", "Browser", DataType::Text));
        grown.name = "  Bug report ".into();
        let saved = save(grown).unwrap();
        assert_eq!(saved.ticket_types[0].name, "Bug report");
        assert_eq!(
            saved.ticket_types[0].attributes.len(),
            bug.attributes.len() + 1
        );

        let mut moved = bug.clone();
        moved.category = Category::Tracker;
        assert_eq!(code(save(moved)), "ticket_type_category_fixed");
        let mut removed = bug.clone();
        removed.attributes.retain(|a| a.key != "severity");
        assert_eq!(code(save(removed)), "attribute_removed");
        let mut retyped = bug.clone();
        retyped.attributes.last_mut().unwrap().data_type = DataType::Integer;
        assert_eq!(code(save(retyped)), "attribute_type_fixed");
        let mut unnamed = bug.clone();
        unnamed.name = " ".into();
        assert_eq!(code(save(unnamed)), "ticket_type_name_empty");

        let mut twin = bug.clone();
        twin.id = TicketTypeId(id(21));
        twin.name = "bug".into();
        assert_eq!(code(save(twin.clone())), "name_taken");
        twin.name = "Question".into();
        twin.attributes.retain(|a| !a.built_in);
        assert_eq!(
            code(save(twin)),
            "attribute_removed",
            "a new type has title and description"
        );
    }

    #[test]
    fn states_brands_teams_and_teammates_are_checked() {
        let s = settings();
        let save = |c: AdminChange| apply_admin(&c, &admin(&s), &s);

        let mut state = s.states[0].clone();
        state.category = StateCategory::Resolved;
        assert_eq!(
            code(save(AdminChange::SaveState(state))),
            "state_category_fixed"
        );
        let new_state = TicketState {
            id: StateId(id(19)),
            internal_label: "submitted".into(),
            ..s.states[0].clone()
        };
        assert_eq!(
            code(save(AdminChange::SaveState(new_state))),
            "state_label_taken"
        );

        // A new default brand takes the default from the old one, which cannot just drop it.
        let pay = Brand {
            id: BrandId(id(31)),
            name: "Northwind Pay".into(),
            logo_url: String::new(),
            color: String::new(),
            is_default: true,
        };
        let saved = save(AdminChange::SaveBrand(pay)).unwrap();
        assert_eq!(saved.brands.len(), 2);
        assert!(!saved.brands[0].is_default && saved.brands[1].is_default);
        let undefault = Brand {
            is_default: false,
            ..s.brands[0].clone()
        };
        assert_eq!(
            code(save(AdminChange::SaveBrand(undefault))),
            "default_brand_required"
        );

        let stranger = Team {
            id: TeamId(id(41)),
            name: "Support".into(),
            members: vec![TeammateId(id(99))],
        };
        assert_eq!(code(save(AdminChange::SaveTeam(stranger))), "not_found");
        let twin = Team {
            id: TeamId(id(41)),
            name: "billing".into(),
            members: vec![],
        };
        assert_eq!(code(save(AdminChange::SaveTeam(twin))), "name_taken");

        let mut demoted = admin(&s);
        demoted.role = Role::Teammate;
        assert_eq!(code(save(AdminChange::SaveTeammate(demoted))), "last_admin");
        let newcomer = Teammate {
            id: TeammateId(id(3)),
            name: "Mei".into(),
            email: " MEI@example.com ".into(),
            role: Role::Teammate,
            active: true,
        };
        let saved = save(AdminChange::SaveTeammate(newcomer.clone())).unwrap();
        assert_eq!(saved.teammates[0].email, "mei@example.com");
        let taken = Teammate {
            email: "Sam@example.com".into(),
            ..newcomer.clone()
        };
        assert_eq!(code(save(AdminChange::SaveTeammate(taken))), "name_taken");
        let bad = Teammate {
            email: "mei".into(),
            ..newcomer
        };
        assert_eq!(code(save(AdminChange::SaveTeammate(bad))), "invalid_email");
    }
}
