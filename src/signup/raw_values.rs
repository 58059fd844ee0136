//! Reading request values exactly as the client sent them.
//!
//! `serde_json::Value` turns a number beyond 64-bit integers into a float
//! (`123456789012345678901234567890` would reach HubSpot as
//! `1.2345678901234568e29`) and `1.50` into `1.5`. The request keeps each value
//! as raw JSON text instead, so nothing is changed on the way.

use serde_json::Value;
use serde_json::value::RawValue;

/// A form field value as HubSpot receives it: a string's contents, or the
/// literal text of a number or boolean, unchanged. `None` for null, arrays and
/// objects.
pub fn field_text(raw: &RawValue) -> Option<String> {
    let text = raw.get();
    match text.as_bytes().first()? {
        b'"' => serde_json::from_str(text).ok(),
        b't' | b'f' | b'-' | b'0'..=b'9' => Some(text.to_owned()),
        _ => None,
    }
}

/// A template variable for the verification email, as a JSON value; `Err`
/// when it is a number that JSON numbers here cannot carry exactly as sent
/// (send such values as strings).
pub fn exact_value(raw: &RawValue) -> Result<Value, ()> {
    let value: Value = serde_json::from_str(raw.get()).map_err(|_| ())?;
    match &value {
        Value::Number(n) if n.to_string() != raw.get() => Err(()),
        _ => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).expect("raw json")
    }

    #[test]
    fn numbers_are_kept_as_given() {
        for text in ["123456789012345678901234567890", "1.50", "-0", "1e3", "42"] {
            assert_eq!(field_text(&raw(text)).as_deref(), Some(text));
        }
        assert_eq!(field_text(&raw(r#""a\"b""#)).as_deref(), Some("a\"b"));
        assert_eq!(field_text(&raw("true")).as_deref(), Some("true"));
        for text in ["null", "[1]", r#"{"a":1}"#] {
            assert_eq!(field_text(&raw(text)), None, "{text}");
        }
    }

    #[test]
    fn inexact_numbers_are_refused_for_templates() {
        assert_eq!(exact_value(&raw("42")), Ok(Value::from(42)));
        assert_eq!(exact_value(&raw("1.5")), Ok(Value::from(1.5)));
        assert_eq!(exact_value(&raw(r#""1.50""#)), Ok(Value::from("1.50")));
        for text in ["123456789012345678901234567890", "1.50", "1e3"] {
            assert_eq!(exact_value(&raw(text)), Err(()), "{text}");
        }
    }
}
