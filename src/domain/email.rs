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
    #[error("email contains an invisible formatting character (such as U+200B or U+202E)")]
    InvisibleCharacter,
    #[error("email contains {0:?}, which is only allowed inside quotes")]
    Special(char),
    #[error("email domain is not a valid (internationalised) domain name")]
    Domain,
}

/// Characters RFC 5322 allows in a local part only when quoted; HubSpot and
/// mail systems treat such addresses inconsistently, so they are refused.
const SPECIALS: [char; 11] = ['<', '>', '(', ')', ',', ';', ':', '\\', '"', '[', ']'];

/// Unicode category Cf (format): invisible characters that make two addresses
/// look alike (zero-width spaces and joiners, bidirectional controls, ...).
fn is_format_character(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

/// A syntactically valid email address, trimmed and lower-cased (HubSpot
/// treats contact emails case-insensitively), its domain in ASCII (IDNA:
/// `bücher.example` becomes `xn--bcher-kva.example`), so that one mailbox has
/// one form and one fingerprint.
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
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().any(is_format_character) {
            return Err(EmailError::InvisibleCharacter);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::Syntax)?;
        if let Some(special) = local.chars().find(|c| SPECIALS.contains(c)) {
            return Err(EmailError::Special(special));
        }
        if domain.is_empty() || domain.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Syntax);
        }
        let domain = idna::domain_to_ascii(domain).map_err(|_| EmailError::Domain)?;
        let email = format!("{}@{domain}", local.to_lowercase());
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
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
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
    fn invisible_characters_and_unquoted_specials_are_refused() {
        for (raw, error) in [
            ("ann\u{200B}@example.com", EmailError::InvisibleCharacter),
            ("ann@exa\u{200B}mple.com", EmailError::InvisibleCharacter),
            ("\u{202E}moc.elpmaxe@nna", EmailError::InvisibleCharacter),
            ("ann\u{FEFF}@example.com", EmailError::InvisibleCharacter),
            ("ann<x>@example.com", EmailError::Special('<')),
            ("ann>@example.com", EmailError::Special('>')),
            ("a(b)@example.com", EmailError::Special('(')),
            ("a,b@example.com", EmailError::Special(',')),
            ("a;b@example.com", EmailError::Special(';')),
            ("a:b@example.com", EmailError::Special(':')),
            ("a\\b@example.com", EmailError::Special('\\')),
            ("\"ann\"@example.com", EmailError::Special('"')),
            ("a[b]@example.com", EmailError::Special('[')),
            ("ann@[192.0.2.1]", EmailError::Syntax),
        ] {
            assert_eq!(Email::parse(raw), Err(error), "{raw:?}");
        }
        assert!(Email::parse("ann.o'neil+tag@example.com").is_ok());
    }

    #[test]
    fn a_non_ascii_domain_is_normalised_before_it_is_fingerprinted() {
        let unicode = Email::parse("Ann@Bücher.Example").expect("valid");
        assert_eq!(unicode.as_str(), "ann@xn--bcher-kva.example");
        let ascii = Email::parse("ann@xn--bcher-kva.example").expect("valid");
        assert_eq!(unicode.fingerprint(), ascii.fingerprint());
        // Composed and decomposed forms are one address.
        let decomposed = Email::parse("ann@bu\u{0308}cher.example").expect("valid");
        assert_eq!(decomposed, unicode);
        // The local part keeps its characters (lower-cased), as HubSpot does.
        assert_eq!(
            Email::parse("Jörg@example.com").map(|e| e.as_str().to_owned()),
            Ok("jörg@example.com".into())
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
