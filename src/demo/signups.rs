//! The people who sign up: the same list for both flows, and the pace at
//! which they arrive.

use std::time::Duration;

use serde_json::{Value, json};

use super::options::DemoOptions;

/// Nominal gap between two signups (HubSpot time): 2 per second, well under
/// the Forms API's 50 per 10 seconds, and leaving the reactor's CRM and
/// Single Send calls inside the account's API budget.
pub const ARRIVAL_GAP: Duration = Duration::from_millis(500);

/// First names drawn in turn.
const FIRST_NAMES: [&str; 8] = [
    "Ann", "Bo", "Chen", "Dara", "Emil", "Farah", "Goran", "Hana",
];
/// Last names drawn in turn.
const LAST_NAMES: [&str; 7] = ["Lee", "Okafor", "Silva", "Novak", "Haddad", "Kim", "Moreau"];

/// One person signing up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSignup {
    /// Position in the arrival order.
    pub index: usize,
    /// The address (lower case, unique within a run).
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// The visitor's tracking cookie: 32 hex digits.
    pub hutk: String,
}

impl DemoSignup {
    /// The `context` both the Forms API and `/v1/signups` take.
    pub fn context(&self) -> Value {
        json!({
            "hutk": self.hutk,
            "ipAddress": "203.0.113.7",
            "pageUri": "https://app.example.com/signup",
            "pageName": "Create your account",
        })
    }

    /// The link the verification email carries.
    pub fn verify_url(&self) -> String {
        format!("https://app.example.com/verify?u={}", self.index)
    }
}

/// The `count` signups of a run, the same for every flow of it.
pub fn people(count: usize, seed: u64) -> Vec<DemoSignup> {
    (0..count)
        .map(|index| DemoSignup {
            index,
            email: format!("demo-user-{index:05}@example.com"),
            first_name: FIRST_NAMES[index % FIRST_NAMES.len()].to_owned(),
            last_name: LAST_NAMES[index % LAST_NAMES.len()].to_owned(),
            hutk: format!("{seed:016x}{:016x}", index as u64),
        })
        .collect()
}

/// When signup `index` arrives, counted from the start of its flow.
pub fn arrival(options: &DemoOptions, index: usize) -> Duration {
    options.scaled(ARRIVAL_GAP.saturating_mul(u32::try_from(index).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_unique_and_carry_valid_hutks() {
        let list = people(50, 7);
        let mut emails: Vec<_> = list.iter().map(|p| p.email.clone()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), 50);
        assert!(
            list.iter()
                .all(|p| p.hutk.len() == 32 && p.hutk.chars().all(|c| c.is_ascii_hexdigit()))
        );
        assert_eq!(list, people(50, 7));
    }
}
