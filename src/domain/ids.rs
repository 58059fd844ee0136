//! Numeric HubSpot identifiers. They exceed 32 bits, so they are `u64`.

use std::fmt;
use std::str::FromStr;

/// Why a HubSpot id did not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{kind} must be a positive integer, got {value:?}")]
pub struct IdError {
    kind: &'static str,
    value: String,
}

macro_rules! hubspot_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(u64);

        impl $name {
            /// Parses a decimal id; zero and anything non-numeric are rejected.
            pub fn parse(value: &str) -> Result<Self, IdError> {
                match value.trim().parse::<u64>() {
                    Ok(id) if id > 0 => Ok(Self(id)),
                    _ => Err(IdError { kind: $kind, value: value.to_owned() }),
                }
            }

            /// Wraps an id already known to be valid (from a typed JSON field).
            pub fn new(id: u64) -> Result<Self, IdError> {
                if id == 0 {
                    return Err(IdError { kind: $kind, value: id.to_string() });
                }
                Ok(Self(id))
            }

            /// The raw number.
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

hubspot_id!(
    /// A HubSpot account ("portal", "hub") id.
    PortalId,
    "portal id"
);
hubspot_id!(
    /// A HubSpot contact's record id (`objectId` in webhooks, `vid` in legacy APIs).
    ContactId,
    "contact id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_large_positive_numbers_only() {
        assert_eq!(PortalId::parse("62515").map(PortalId::get), Ok(62515));
        assert_eq!(
            ContactId::parse(" 9007199254740993 ").map(ContactId::get),
            Ok(9007199254740993)
        );
        assert!(ContactId::parse("0").is_err());
        assert!(ContactId::parse("-1").is_err());
        assert!(ContactId::parse("12a").is_err());
        assert!(PortalId::new(0).is_err());
        assert_eq!(
            PortalId::parse("x").unwrap_err().to_string(),
            "portal id must be a positive integer, got \"x\""
        );
    }
}
