//! The per-address ceiling in front of the intake: past
//! `SIGNUP_EMAILS_PER_ADDRESS_PER_DAY` signups of one address in 24 hours,
//! the next is refused before anything is recorded or submitted, so the app
//! cannot be turned into a mail cannon against someone's address.

use super::error::SignupError;
use super::intake::SignupIntake;
use super::telemetry as signup_metrics;
use crate::domain::Email;

/// Counts this signup against its address's ceiling, or refuses it with the
/// wait until the address may sign up again.
pub async fn admit(intake: &SignupIntake, email: &Email) -> Result<(), SignupError> {
    let max = intake.settings.emails_per_address_per_day;
    if max == 0 {
        return Ok(());
    }
    match intake.store.address_ceiling().take(email, max).await? {
        None => Ok(()),
        Some(retry_after) => {
            signup_metrics::too_many_signups();
            tracing::warn!(
                email = %email.fingerprint(),
                retry_after_ms = retry_after.as_millis() as u64,
                "signup refused: the address reached its daily ceiling"
            );
            Err(SignupError::TooManySignups { retry_after })
        }
    }
}
