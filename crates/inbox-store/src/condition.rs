//! SQL conditions over the tickets table (aliased `t`) as values: clauses ANDed together with
//! their parameters, so a view, the filters on it and the queries using them compose without
//! rewriting SQL text.

use rusqlite::types::Value;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Condition {
    /// Each a boolean SQL expression with `?` placeholders, in parameter order.
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Condition {
    /// Every ticket.
    pub fn all() -> Condition {
        Condition::default()
    }

    /// One clause and the parameters its placeholders take, in order.
    pub fn clause(sql: impl Into<String>, params: impl IntoIterator<Item = Value>) -> Condition {
        Condition {
            clauses: vec![sql.into()],
            params: params.into_iter().collect(),
        }
    }

    /// Also requires `sql`, whose placeholders take `params`.
    pub fn and(&mut self, sql: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(sql.into());
        self.params.extend(params);
    }

    /// `WHERE …`, or nothing when every ticket passes: SQLite counts a whole table much faster
    /// without a WHERE clause.
    pub fn where_clause(&self) -> String {
        match self.joined() {
            Some(sql) => format!("WHERE {sql}"),
            None => String::new(),
        }
    }

    /// ` AND (…)`, to narrow a query that has a WHERE clause of its own; nothing for all.
    pub fn and_clause(&self) -> String {
        self.joined()
            .map(|sql| format!(" AND ({sql})"))
            .unwrap_or_default()
    }

    pub fn params(&self) -> &[Value] {
        &self.params
    }

    fn joined(&self) -> Option<String> {
        (!self.clauses.is_empty()).then(|| {
            self.clauses
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" AND ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_and_together_with_their_parameters_in_order() {
        assert_eq!(Condition::all().where_clause(), "");
        assert_eq!(Condition::all().and_clause(), "");
        let mut c = Condition::clause("t.a = ? OR t.b = ?", [Value::Integer(1), Value::Integer(2)]);
        c.and("t.c IN (?, ?)", [Value::Integer(3), Value::Integer(4)]);
        assert_eq!(
            c.where_clause(),
            "WHERE (t.a = ? OR t.b = ?) AND (t.c IN (?, ?))"
        );
        assert_eq!(
            c.and_clause(),
            " AND ((t.a = ? OR t.b = ?) AND (t.c IN (?, ?)))"
        );
        assert_eq!(c.params(), (1..=4).map(Value::Integer).collect::<Vec<_>>());
    }
}
