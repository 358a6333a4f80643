//! Ticket search filters, rendered to SQL with bound parameters for either backend. Column
//! names come from a fixed list; values are always parameters, never spliced into the text.

/// A searchable ticket field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Number,
    TypeId,
    Category,
    StateId,
    Open,
    AssigneeTeammate,
    AssigneeTeam,
    Contact,
    Company,
    Brand,
    Shared,
    Tracker,
    CreatedAt,
    UpdatedAt,
    Title,
}

impl Field {
    fn column(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Number => "number",
            Field::TypeId => "type_id",
            Field::Category => "category",
            Field::StateId => "state_id",
            Field::Open => "open",
            Field::AssigneeTeammate => "assignee_teammate",
            Field::AssigneeTeam => "assignee_team",
            Field::Contact => "contact_id",
            Field::Company => "company_id",
            Field::Brand => "brand_id",
            Field::Shared => "shared",
            Field::Tracker => "tracker_id",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
            Field::Title => "title",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    /// Case-insensitive substring (text fields).
    Contains,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(String),
    Int(i64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every ticket.
    True,
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Cmp {
        field: Field,
        op: Op,
        value: SqlValue,
    },
}

impl Filter {
    /// The WHERE clause and its parameters; `placeholder(n)` spells the n-th (1-based).
    pub fn to_sql(&self, placeholder: &dyn Fn(usize) -> String) -> (String, Vec<SqlValue>) {
        let mut params = Vec::new();
        let sql = self.render(placeholder, &mut params);
        (sql, params)
    }

    fn render(&self, ph: &dyn Fn(usize) -> String, params: &mut Vec<SqlValue>) -> String {
        match self {
            Filter::True => "1 = 1".to_owned(),
            Filter::And(parts) | Filter::Or(parts) if parts.is_empty() => {
                if matches!(self, Filter::And(_)) {
                    "1 = 1"
                } else {
                    "1 = 0"
                }
                .to_owned()
            }
            Filter::And(parts) => join(parts, " AND ", ph, params),
            Filter::Or(parts) => join(parts, " OR ", ph, params),
            Filter::Cmp { field, op, value } => {
                let column = field.column();
                if *value == SqlValue::Null {
                    let not = if *op == Op::Ne { "NOT " } else { "" };
                    return if *field == Field::Contact {
                        format!(
                            "{not}NOT EXISTS (SELECT 1 FROM ticket_contacts c WHERE c.ticket_id = tickets.id)"
                        )
                    } else {
                        format!("{column} IS {not}NULL")
                    };
                }
                let (value, op_sql) = match op {
                    Op::Eq => (value.clone(), "="),
                    Op::Ne => (value.clone(), "<>"),
                    Op::Lt => (value.clone(), "<"),
                    Op::Gt => (value.clone(), ">"),
                    Op::Contains => (
                        match value {
                            SqlValue::Text(t) => SqlValue::Text(format!("%{}%", escape_like(t))),
                            other => other.clone(),
                        },
                        "LIKE",
                    ),
                };
                params.push(value);
                let p = ph(params.len());
                if *field == Field::Contact {
                    let not = if *op == Op::Ne { "NOT " } else { "" };
                    return format!(
                        "{not}EXISTS (SELECT 1 FROM ticket_contacts c WHERE c.ticket_id = tickets.id AND c.contact_id = {p})"
                    );
                }
                if *op == Op::Contains {
                    format!("LOWER({column}) LIKE LOWER({p}) ESCAPE '\\'")
                } else {
                    format!("{column} {op_sql} {p}")
                }
            }
        }
    }
}

fn join(
    parts: &[Filter],
    sep: &str,
    ph: &dyn Fn(usize) -> String,
    params: &mut Vec<SqlValue>,
) -> String {
    let rendered: Vec<String> = parts
        .iter()
        .map(|p| format!("({})", p.render(ph, params)))
        .collect();
    rendered.join(sep)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_parameters_never_text() {
        let filter = Filter::And(vec![
            Filter::Cmp {
                field: Field::Title,
                op: Op::Contains,
                value: SqlValue::Text("50%'; DROP TABLE tickets; --".into()),
            },
            Filter::Or(vec![
                Filter::Cmp {
                    field: Field::Open,
                    op: Op::Eq,
                    value: SqlValue::Bool(true),
                },
                Filter::Cmp {
                    field: Field::AssigneeTeammate,
                    op: Op::Eq,
                    value: SqlValue::Null,
                },
            ]),
        ]);
        let (sql, params) = filter.to_sql(&|n| format!("${n}"));
        assert_eq!(
            sql,
            "(LOWER(title) LIKE LOWER($1) ESCAPE '\\') AND ((open = $2) OR (assignee_teammate IS NULL))"
        );
        assert_eq!(
            params,
            vec![
                SqlValue::Text("%50\\%'; DROP TABLE tickets; --%".into()),
                SqlValue::Bool(true)
            ]
        );
    }
}
