//! Ticket search filters, rendered to SQL with bound parameters for either backend. Column
//! names and JSON paths come from fixed lists; values (attribute keys included) are always
//! parameters, never spliced into the text.

/// A searchable ticket field.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Description,
    /// Full text: title, description, attribute values, replies and notes, compared word by
    /// word ([`super::full_text`]); with `Contains` or `NotContains` only.
    Words,
    /// When the ticket's snooze ends (ms), null when it is not snoozed.
    SnoozedUntil,
    /// A teammate who wrote on the ticket or changed it (its timeline has a part by them).
    Participant,
    /// One of the ticket type's own attributes, by key, holding values of `kind`.
    Attribute {
        key: String,
        kind: JsonKind,
    },
}

/// What JSON values an attribute holds, so that comparisons read them as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Text,
    Number,
    Boolean,
}

/// The SQL spelling of the two backends where they differ: placeholders and JSON access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The n-th placeholder (1-based). PostgreSQL's carry the value's type, so a parameter
    /// compared with a JSON expression still binds as what it is.
    fn placeholder(self, n: usize, value: &SqlValue) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => {
                let ty = match value {
                    SqlValue::Text(_) | SqlValue::Null => "text",
                    SqlValue::Int(_) => "bigint",
                    SqlValue::Float(_) => "float8",
                    SqlValue::Bool(_) => "boolean",
                };
                format!("${n}::{ty}")
            }
        }
    }

    /// The text at a fixed top-level key of a JSON `column`.
    fn json_text(self, column: &str, key: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Dialect::Postgres => format!("({column}::jsonb ->> '{key}')"),
        }
    }

    /// Whether the ticket has, for each of `words` (folded, letters and digits only), a word
    /// beginning with it: one lookup in the full-text index.
    fn words_match(self, words: &[String], params: &mut Vec<SqlValue>) -> String {
        match self {
            Dialect::Sqlite => {
                let query: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
                let p = push(self, params, SqlValue::Text(query.join(" ")));
                format!(
                    "id IN (SELECT owner_id FROM search_owners WHERE k IN \
                     (SELECT rowid FROM search_fts WHERE search_fts MATCH {p}))"
                )
            }
            Dialect::Postgres => {
                let query: Vec<String> = words.iter().map(|w| format!("'{w}':*")).collect();
                let p = push(self, params, SqlValue::Text(query.join(" & ")));
                // An array, found once: PostgreSQL's estimate of how many documents match a
                // prefix is rough, and with `IN` it would rather walk every ticket in update
                // order than look the few matches up.
                format!(
                    "id = ANY(ARRAY(SELECT owner_id FROM search_owners WHERE words @@ {p}::tsquery))"
                )
            }
        }
    }

    /// A ticket attribute's value, read as `kind` (null where it holds another kind), with
    /// the attribute key as a parameter.
    fn attribute(self, key: &str, kind: JsonKind, params: &mut Vec<SqlValue>) -> String {
        match self {
            Dialect::Sqlite => {
                // SQLite's json_extract already yields numbers, text and 0/1 as such.
                let path = push(
                    self,
                    params,
                    SqlValue::Text(format!("$.attributes.\"{key}\"")),
                );
                format!("json_extract(doc, {path})")
            }
            Dialect::Postgres => {
                let k = push(self, params, SqlValue::Text(key.to_owned()));
                let value = format!("(doc::jsonb -> 'attributes' -> {k})");
                let text = format!("(doc::jsonb -> 'attributes' ->> {k})");
                match kind {
                    JsonKind::Text => text,
                    JsonKind::Number => format!(
                        "(CASE WHEN jsonb_typeof({value}) = 'number' THEN {text}::float8 END)"
                    ),
                    JsonKind::Boolean => format!(
                        "(CASE WHEN jsonb_typeof({value}) = 'boolean' THEN {text}::boolean END)"
                    ),
                }
            }
        }
    }
}

/// Adds a parameter and returns its placeholder.
fn push(dialect: Dialect, params: &mut Vec<SqlValue>, value: SqlValue) -> String {
    params.push(value);
    dialect.placeholder(params.len(), &params[params.len() - 1])
}

impl Field {
    /// The SQL expression for this field of the `tickets` row, pushing any parameter it needs.
    fn expr(&self, d: Dialect, params: &mut Vec<SqlValue>) -> String {
        let column = match self {
            Field::Id => "id",
            Field::Number => "number",
            Field::TypeId => "type_id",
            Field::Category => "category",
            Field::StateId => "state_id",
            Field::Open => "open",
            Field::AssigneeTeammate => "assignee_teammate",
            Field::AssigneeTeam => "assignee_team",
            Field::Company => "company_id",
            Field::Brand => "brand_id",
            Field::Shared => "shared",
            Field::Tracker => "tracker_id",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
            Field::Title => "title",
            Field::SnoozedUntil => {
                return match d {
                    Dialect::Sqlite => "json_extract(doc, '$.snoozed_until')".to_owned(),
                    Dialect::Postgres => "((doc::jsonb ->> 'snoozed_until')::bigint)".to_owned(),
                }
            }
            Field::Description => return d.json_text("doc", "description"),
            Field::Attribute { key, kind } => return d.attribute(key, *kind, params),
            Field::Contact | Field::Participant => {
                unreachable!("related rows are compared through EXISTS")
            }
            Field::Words => unreachable!("full text is compared through the index"),
        };
        column.to_owned()
    }

    /// For fields held in another table: that table's rows of the ticket, and the expression
    /// compared there.
    fn related(&self, d: Dialect) -> Option<(&'static str, String)> {
        match self {
            Field::Contact => Some((
                "SELECT 1 FROM ticket_contacts r WHERE r.ticket_id = tickets.id",
                "r.contact_id".to_owned(),
            )),
            Field::Participant => Some((
                "SELECT 1 FROM parts r WHERE r.owner_id = tickets.id",
                match d {
                    Dialect::Sqlite => "json_extract(r.doc, '$.author.id')".to_owned(),
                    Dialect::Postgres => "(r.doc::jsonb -> 'author' ->> 'id')".to_owned(),
                },
            )),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    /// Case-insensitive substring (text fields), and its negation.
    Contains,
    NotContains,
    /// Case-insensitive prefix and suffix.
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Text(String),
    Int(i64),
    Float(f64),
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

/// The two statements of a ticket search: the count of all matches, and one page of them
/// (its last two parameters are the page's limit and offset, pushed by the backend).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSql {
    pub count: String,
    pub page: String,
    pub params: Vec<SqlValue>,
}

impl Filter {
    /// The statements of a search for `self`, newest update first.
    pub fn search_sql(&self, dialect: Dialect) -> SearchSql {
        let (clause, params) = self.to_sql(dialect);
        // No clause at all for every ticket: a count then reads the smallest index.
        let filter = if *self == Filter::True {
            String::new()
        } else {
            format!(" WHERE {clause}")
        };
        let n = params.len();
        let (limit, offset) = match dialect {
            Dialect::Sqlite => (format!("?{}", n + 1), format!("?{}", n + 2)),
            Dialect::Postgres => (format!("${}", n + 1), format!("${}", n + 2)),
        };
        SearchSql {
            count: format!("SELECT COUNT(*) FROM tickets{filter}"),
            page: format!(
                "SELECT doc FROM tickets{filter} ORDER BY updated_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
            ),
            params,
        }
    }

    /// The WHERE clause over `tickets` and its parameters.
    pub fn to_sql(&self, dialect: Dialect) -> (String, Vec<SqlValue>) {
        let mut params = Vec::new();
        let sql = self.render(dialect, &mut params);
        (sql, params)
    }

    fn render(&self, d: Dialect, params: &mut Vec<SqlValue>) -> String {
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
            Filter::And(parts) => join(parts, " AND ", d, params),
            Filter::Or(parts) => join(parts, " OR ", d, params),
            Filter::Cmp {
                field: Field::Words,
                op,
                value,
            } => {
                let SqlValue::Text(text) = value else {
                    unreachable!("full text is matched with text, not {value:?}")
                };
                let words = super::full_text::query_words(text);
                let all = if words.is_empty() {
                    "1 = 1".to_owned()
                } else {
                    d.words_match(&words, params)
                };
                match op {
                    Op::NotContains => format!("NOT ({all})"),
                    _ => all,
                }
            }
            Filter::Cmp { field, op, value } => {
                if let (Field::Contact, Op::Eq, SqlValue::Text(_)) = (field, op, value) {
                    // From the contact's rows in their index to the tickets by id, rather than
                    // from every ticket to its contacts.
                    let p = push(d, params, value.clone());
                    return format!(
                        "id IN (SELECT ticket_id FROM ticket_contacts WHERE contact_id = {p})"
                    );
                }
                if let Some((rows, compared)) = field.related(d) {
                    // "Is (not) X" means some (no) related row is X; "is (not) null" means it
                    // has no (some) related row at all.
                    let not = if *op == Op::Ne { "NOT " } else { "" };
                    return match value {
                        SqlValue::Null => {
                            let not = if *op == Op::Ne { "" } else { "NOT " };
                            format!("{not}EXISTS ({rows})")
                        }
                        value => {
                            let p = push(d, params, value.clone());
                            format!("{not}EXISTS ({rows} AND {compared} = {p})")
                        }
                    };
                }
                let left = field.expr(d, params);
                if *value == SqlValue::Null {
                    let not = if *op == Op::Ne { "NOT " } else { "" };
                    return format!("{left} IS {not}NULL");
                }
                let pattern = |text: &str| match op {
                    Op::Contains | Op::NotContains => format!("%{}%", escape_like(text)),
                    Op::StartsWith => format!("{}%", escape_like(text)),
                    _ => format!("%{}", escape_like(text)),
                };
                match (op, value) {
                    (Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith, v) => {
                        let text = match v {
                            SqlValue::Text(t) => t.clone(),
                            other => unreachable!("text operators take text, not {other:?}"),
                        };
                        let p = push(d, params, SqlValue::Text(pattern(&text)));
                        let like = format!("LIKE LOWER({p}) ESCAPE '\\'");
                        if *op == Op::NotContains {
                            // A missing value does not contain anything.
                            format!("COALESCE(LOWER({left}), '') NOT {like}")
                        } else {
                            format!("LOWER({left}) {like}")
                        }
                    }
                    (op, value) => {
                        let sql_op = match op {
                            Op::Eq => "=",
                            Op::Ne => "<>",
                            Op::Lt => "<",
                            Op::Gt => ">",
                            Op::Le => "<=",
                            _ => ">=",
                        };
                        let p = push(d, params, value.clone());
                        format!("{left} {sql_op} {p}")
                    }
                }
            }
        }
    }
}

fn join(parts: &[Filter], sep: &str, d: Dialect, params: &mut Vec<SqlValue>) -> String {
    let rendered: Vec<String> = parts
        .iter()
        .map(|p| format!("({})", p.render(d, params)))
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
        let (sql, params) = filter.to_sql(Dialect::Postgres);
        assert_eq!(
            sql,
            "(LOWER(title) LIKE LOWER($1::text) ESCAPE '\\') AND ((open = $2::boolean) OR (assignee_teammate IS NULL))"
        );
        assert_eq!(
            params,
            vec![
                SqlValue::Text("%50\\%'; DROP TABLE tickets; --%".into()),
                SqlValue::Bool(true)
            ]
        );
    }

    #[test]
    fn attribute_keys_are_parameters_too() {
        let filter = Filter::Cmp {
            field: Field::Attribute {
                key: "amount".into(),
                kind: JsonKind::Number,
            },
            op: Op::Ge,
            value: SqlValue::Float(10.5),
        };
        let (sql, params) = filter.to_sql(Dialect::Sqlite);
        assert_eq!(sql, "json_extract(doc, ?1) >= ?2");
        assert_eq!(
            params,
            [
                SqlValue::Text("$.attributes.\"amount\"".into()),
                SqlValue::Float(10.5)
            ]
        );
        let (sql, _) = filter.to_sql(Dialect::Postgres);
        assert_eq!(
            sql,
            "(CASE WHEN jsonb_typeof((doc::jsonb -> 'attributes' -> $1::text)) = 'number' THEN (doc::jsonb -> 'attributes' ->> $1::text)::float8 END) >= $2::float8"
        );
    }

    #[test]
    fn text_operators_match_case_insensitively_and_missing_values_lack_everything() {
        let cmp = |op| Filter::Cmp {
            field: Field::Description,
            op,
            value: SqlValue::Text("50%".into()),
        };
        let (sql, params) = cmp(Op::StartsWith).to_sql(Dialect::Sqlite);
        assert_eq!(
            sql,
            "LOWER(json_extract(doc, '$.description')) LIKE LOWER(?1) ESCAPE '\\'"
        );
        assert_eq!(params, [SqlValue::Text("50\\%%".into())]);
        let (sql, _) = cmp(Op::NotContains).to_sql(Dialect::Postgres);
        assert_eq!(
            sql,
            "COALESCE(LOWER((doc::jsonb ->> 'description')), '') NOT LIKE LOWER($1::text) ESCAPE '\\'"
        );
    }
}
