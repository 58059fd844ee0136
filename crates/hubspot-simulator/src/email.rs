//! Email addresses as HubSpot keys contacts by them: trimmed, lower-cased,
//! `local@domain` with a dotted domain.

/// A normalised email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Email(String);

impl Email {
    /// Normalises `raw`, or refuses what HubSpot would answer `INVALID_EMAIL` to.
    pub(crate) fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.rsplit_once('@').ok_or(InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.chars().any(|c| c.is_whitespace() || c.is_control());
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local_ok && domain_ok && email.len() <= 254 {
            Ok(Self(email))
        } else {
            Err(InvalidEmail)
        }
    }

    /// The normalised address.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address HubSpot would not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidEmail;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalised_or_refused() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@example",
            "@example.com",
            "a b@example.com",
            "a@exa..mple.com",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
    }
}
