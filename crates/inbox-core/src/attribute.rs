//! Ticket attributes: the fields a ticket type defines, and the typed values tickets hold.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{limits, CoreError};

/// The key of the default title attribute every ticket type has.
pub const TITLE: &str = "title";
/// The key of the default description attribute every ticket type has.
pub const DESCRIPTION: &str = "description";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataType {
    Text,
    LongText,
    Integer,
    Decimal,
    Boolean,
    List {
        #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
        options: Vec<String>,
    },
    Date,
}

impl DataType {
    /// How a value of this type is described in an error message ("must be …").
    pub fn describe(&self) -> &'static str {
        match self {
            DataType::Text | DataType::LongText => "text",
            DataType::Integer => "a whole number",
            DataType::Decimal => "a number",
            DataType::Boolean => "yes or no",
            DataType::List { .. } => "one of its options",
            DataType::Date => "a date (YYYY-MM-DD)",
        }
    }
}

/// A field of a ticket type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttributeDef {
    /// Stable key, unique within the type (`title`, `order_id`…).
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 250))]
    pub name: String,
    pub data_type: DataType,
    pub required_to_create: bool,
    pub visible_to_customer: bool,
    /// Title and description: present on every type, cannot be removed.
    pub built_in: bool,
}

impl AttributeDef {
    pub fn new(key: &str, name: &str, data_type: DataType) -> AttributeDef {
        AttributeDef {
            key: key.to_owned(),
            name: name.to_owned(),
            data_type,
            required_to_create: false,
            visible_to_customer: true,
            built_in: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required_to_create = true;
        self
    }

    pub fn internal(mut self) -> Self {
        self.visible_to_customer = false;
        self
    }

    /// The two attributes every ticket type starts with.
    pub fn built_ins() -> [AttributeDef; 2] {
        [
            AttributeDef {
                built_in: true,
                ..AttributeDef::new(TITLE, "Title", DataType::Text).required()
            },
            AttributeDef {
                built_in: true,
                ..AttributeDef::new(DESCRIPTION, "Description", DataType::LongText)
            },
        ]
    }

    /// Turns a raw (JSON) value into a typed one, or explains what is wrong. `Ok(None)` means
    /// "no value": null, or blank text.
    pub fn parse(&self, raw: &Value) -> Result<Option<AttributeValue>, CoreError> {
        let wrong = || CoreError::AttributeWrongType {
            key: self.key.clone(),
            name: self.name.clone(),
            expected: self.data_type.clone(),
        };
        if raw.is_null() || raw.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        let value = match &self.data_type {
            DataType::Text => {
                let s = raw.as_str().ok_or_else(wrong)?;
                if s.contains('\n') {
                    return Err(wrong());
                }
                let s = s.trim();
                limits::line(&self.name, s, limits::MAX_LINE)?;
                AttributeValue::Text(s.to_owned())
            }
            DataType::LongText => {
                let s = raw.as_str().ok_or_else(wrong)?;
                limits::text(&self.name, s, limits::MAX_BODY)?;
                AttributeValue::Text(s.to_owned())
            }
            DataType::Integer => AttributeValue::Integer(match raw {
                Value::Number(n) => n.as_i64().ok_or_else(wrong)?,
                Value::String(s) => s.trim().parse().map_err(|_| wrong())?,
                _ => return Err(wrong()),
            }),
            DataType::Decimal => {
                let n = match raw {
                    Value::Number(n) => n.as_f64().ok_or_else(wrong)?,
                    Value::String(s) => s.trim().parse().map_err(|_| wrong())?,
                    _ => return Err(wrong()),
                };
                if !n.is_finite() {
                    return Err(wrong());
                }
                AttributeValue::Decimal(n)
            }
            DataType::Boolean => AttributeValue::Boolean(raw.as_bool().ok_or_else(wrong)?),
            DataType::List { options } => {
                let s = raw.as_str().ok_or_else(wrong)?;
                if !options.iter().any(|o| o == s) {
                    return Err(CoreError::AttributeNotAnOption {
                        key: self.key.clone(),
                        name: self.name.clone(),
                        value: s.to_owned(),
                    });
                }
                AttributeValue::Text(s.to_owned())
            }
            DataType::Date => {
                let s = raw.as_str().ok_or_else(wrong)?.trim();
                if !is_iso_date(s) {
                    return Err(wrong());
                }
                AttributeValue::Text(s.to_owned())
            }
        };
        Ok(Some(value))
    }
}

/// A validated attribute value, serialised as the plain JSON a form or the API sends. List
/// options and dates (`YYYY-MM-DD`) are text that [`AttributeDef::parse`] has checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum AttributeValue {
    Boolean(bool),
    Integer(i64),
    /// Always finite ([`AttributeDef::parse`] refuses the rest), so never JSON's null.
    Decimal(#[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))] f64),
    Text(String),
}

/// A boolean, a number or a string: `anyOf`, not the `oneOf` a derive would write, since an
/// integer is a number too.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AttributeValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Type};
        AnyOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(
                "A validated attribute value: a boolean, a number (integer or decimal, never \
                 null) or text (list options and dates, YYYY-MM-DD, are text).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AttributeValue {}

impl AttributeValue {
    /// The value as a teammate reads it, for lists and search.
    pub fn display(&self) -> String {
        match self {
            AttributeValue::Boolean(true) => "Yes".to_owned(),
            AttributeValue::Boolean(false) => "No".to_owned(),
            AttributeValue::Integer(n) => n.to_string(),
            AttributeValue::Decimal(n) => n.to_string(),
            AttributeValue::Text(s) => s.clone(),
        }
    }
}

/// The UTC calendar day (`YYYY-MM-DD`) of a Unix time in seconds, as date attributes hold it.
/// Howard Hinnant's days-to-civil algorithm; valid for any day of years 0 to 9999.
pub fn iso_date_of(unix_seconds: i64) -> String {
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(data_type: DataType) -> AttributeDef {
        AttributeDef::new("field", "Field", data_type)
    }

    #[test]
    fn each_data_type_accepts_its_values_and_refuses_others() {
        let list = DataType::List {
            options: vec!["Low".into(), "High".into()],
        };
        type Expect = Result<Option<AttributeValue>, &'static str>;
        let table: Vec<(DataType, Value, Expect)> = vec![
            (
                DataType::Text,
                json!(" Order "),
                Ok(Some(AttributeValue::Text("Order".into()))),
            ),
            (
                DataType::Text,
                json!("two\nlines"),
                Err("attribute_wrong_type"),
            ),
            (DataType::Text, json!(3), Err("attribute_wrong_type")),
            (
                DataType::LongText,
                json!("two\nlines"),
                Ok(Some(AttributeValue::Text("two\nlines".into()))),
            ),
            (
                DataType::Integer,
                json!(42),
                Ok(Some(AttributeValue::Integer(42))),
            ),
            (
                DataType::Integer,
                json!("42"),
                Ok(Some(AttributeValue::Integer(42))),
            ),
            (DataType::Integer, json!(4.5), Err("attribute_wrong_type")),
            (
                DataType::Integer,
                json!("four"),
                Err("attribute_wrong_type"),
            ),
            (
                DataType::Decimal,
                json!(4.5),
                Ok(Some(AttributeValue::Decimal(4.5))),
            ),
            (
                DataType::Decimal,
                json!("19.99"),
                Ok(Some(AttributeValue::Decimal(19.99))),
            ),
            (DataType::Decimal, json!("NaN"), Err("attribute_wrong_type")),
            (DataType::Decimal, json!(true), Err("attribute_wrong_type")),
            (
                DataType::Boolean,
                json!(false),
                Ok(Some(AttributeValue::Boolean(false))),
            ),
            (DataType::Boolean, json!("yes"), Err("attribute_wrong_type")),
            (
                list.clone(),
                json!("High"),
                Ok(Some(AttributeValue::Text("High".into()))),
            ),
            (
                list.clone(),
                json!("Urgent"),
                Err("attribute_not_an_option"),
            ),
            (list, json!(1), Err("attribute_wrong_type")),
            (
                DataType::Date,
                json!("2024-02-29"),
                Ok(Some(AttributeValue::Text("2024-02-29".into()))),
            ),
            (
                DataType::Date,
                json!("2023-02-29"),
                Err("attribute_wrong_type"),
            ),
            (
                DataType::Date,
                json!("2023-13-01"),
                Err("attribute_wrong_type"),
            ),
            (
                DataType::Date,
                json!("23-01-01"),
                Err("attribute_wrong_type"),
            ),
            (
                DataType::Date,
                json!("2023-1-011"),
                Err("attribute_wrong_type"),
            ),
            (DataType::Text, Value::Null, Ok(None)),
            (DataType::Integer, json!("  "), Ok(None)),
        ];
        for (data_type, raw, expected) in table {
            let got = def(data_type.clone()).parse(&raw).map_err(|e| e.code());
            assert_eq!(got, expected, "{data_type:?} {raw}");
        }
    }

    #[test]
    fn errors_name_the_field_and_what_is_expected() {
        let err = def(DataType::Date).parse(&json!("tomorrow")).unwrap_err();
        assert_eq!(err.to_string(), "\"Field\" must be a date (YYYY-MM-DD).");
    }

    #[test]
    fn values_serialise_as_plain_json() {
        let v = AttributeValue::Integer(7);
        assert_eq!(serde_json::to_value(&v).unwrap(), json!(7));
        assert_eq!(AttributeValue::Boolean(true).display(), "Yes");
        for v in [
            AttributeValue::Boolean(false),
            AttributeValue::Integer(-3),
            AttributeValue::Decimal(2.5),
            AttributeValue::Decimal(4.0),
            AttributeValue::Text("x".into()),
        ] {
            let back: AttributeValue =
                serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            assert_eq!(back, v);
        }
    }

    #[test]
    fn unix_times_fall_on_their_utc_day() {
        assert_eq!(iso_date_of(0), "1970-01-01");
        assert_eq!(iso_date_of(-1), "1969-12-31");
        assert_eq!(iso_date_of(951_782_400), "2000-02-29");
        assert_eq!(iso_date_of(1_796_687_999), "2026-12-07");
        assert!(is_iso_date(&iso_date_of(253_402_300_799)));
    }
}
