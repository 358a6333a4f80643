//! SQL conditions over the tickets table (aliased `t`) as values: clauses ANDed together with
//! their parameters, so a view, the filters on it and the queries using them compose without
//! rewriting SQL text.

use rusqlite::types::Value;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Condition {
    /// Each a boolean SQL expression with `?` placeholders, in parameter order.
    clauses: Vec<String>,
    params: Vec<Value>,
    /// The clause [`Condition::except`] added: its index, its parameters' index and count, and
    /// the set it leaves out (SQL and parameters).
    except: Option<Except>,
}

#[derive(Debug, Clone, PartialEq)]
struct Except {
    clause: usize,
    param: usize,
    set: String,
    set_params: Vec<Value>,
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
            except: None,
        }
    }

    /// Also requires `sql`, whose placeholders take `params`.
    pub fn and(&mut self, sql: impl Into<String>, params: impl IntoIterator<Item = Value>) {
        self.clauses.push(sql.into());
        self.params.extend(params);
    }

    /// Also leaves out the tickets whose ids `set` (a query of one column, with `params`)
    /// selects: a handful (snoozed ones), so a count is the rest's count minus theirs (see
    /// [`Condition::split_except`]) rather than a check of every ticket. At most one per
    /// condition.
    pub fn except(&mut self, set: &str, params: Vec<Value>) {
        debug_assert!(self.except.is_none(), "one exception per condition");
        self.except = Some(Except {
            clause: self.clauses.len(),
            param: self.params.len(),
            set: set.to_owned(),
            set_params: params.clone(),
        });
        self.and(format!("t.id NOT IN ({set})"), params);
    }

    /// For a condition with an exception: the condition without it, and that condition
    /// narrowed to the excepted set, whose counts subtract to this one's.
    pub fn split_except(&self) -> Option<(Condition, Condition)> {
        let e = self.except.as_ref()?;
        let mut rest = self.clone();
        rest.except = None;
        rest.clauses.remove(e.clause);
        rest.params.drain(e.param..e.param + e.set_params.len());
        let mut excepted = rest.clone();
        excepted.and(format!("t.id IN ({})", e.set), e.set_params.clone());
        Some((rest, excepted))
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

    #[test]
    fn an_exception_splits_into_the_rest_and_the_excepted() {
        let mut c = Condition::clause("t.a = ?", [Value::Integer(1)]);
        c.except("SELECT id FROM s WHERE s.x > ?", vec![Value::Integer(2)]);
        c.and("t.c = ?", [Value::Integer(3)]);
        assert_eq!(
            c.where_clause(),
            "WHERE (t.a = ?) AND (t.id NOT IN (SELECT id FROM s WHERE s.x > ?)) AND (t.c = ?)"
        );
        let (rest, excepted) = c.split_except().unwrap();
        assert_eq!(rest.where_clause(), "WHERE (t.a = ?) AND (t.c = ?)");
        assert_eq!(rest.params(), [Value::Integer(1), Value::Integer(3)]);
        assert_eq!(
            excepted.where_clause(),
            "WHERE (t.a = ?) AND (t.c = ?) AND (t.id IN (SELECT id FROM s WHERE s.x > ?))"
        );
        assert_eq!(
            excepted.params(),
            [Value::Integer(1), Value::Integer(3), Value::Integer(2)]
        );
        assert!(rest.split_except().is_none());
    }
}
