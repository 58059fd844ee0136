//! Email addresses, normalised so that one person maps to one key.

use std::fmt;

use sha2::{Digest, Sha256};

/// Why an email address was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("email is empty")]
    Empty,
    #[error("email is longer than 254 characters")]
    TooLong,
    #[error("email is not of the form local@domain")]
    Syntax,
}

/// A syntactically valid email address, trimmed and lower-cased (HubSpot
/// treats contact emails case-insensitively).
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl Email {
    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(EmailError::Syntax)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.chars().any(|c| c.is_whitespace() || c.is_control());
        if !domain_ok || !local_ok {
            return Err(EmailError::Syntax);
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stable pseudonym for logs and key names: never the address itself.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..16])
    }
}

/// Debug output hides the address: emails must not reach logs in clear.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email(#{})", self.fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_validates() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").map(|e| e.as_str().to_owned()),
            Ok("ann@example.com".into())
        );
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("ann"), Err(EmailError::Syntax));
        assert_eq!(Email::parse("ann@localhost"), Err(EmailError::Syntax));
        assert_eq!(Email::parse("@example.com"), Err(EmailError::Syntax));
        assert_eq!(Email::parse("a b@example.com"), Err(EmailError::Syntax));
        assert_eq!(Email::parse("a@b@example.com"), Err(EmailError::Syntax));
        assert_eq!(
            Email::parse(&format!("{}@example.com", "a".repeat(250))),
            Err(EmailError::TooLong)
        );
    }

    #[test]
    fn debug_never_shows_the_address() {
        let email = Email::parse("ann@example.com").expect("valid");
        let shown = format!("{email:?}");
        assert!(!shown.contains("ann"), "{shown}");
        assert_eq!(email.fingerprint().len(), 32);
    }
}
