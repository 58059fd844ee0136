//! What the Forms API receives for a signup, built from its stored record,
//! and the record once the submission went through.

use crate::clock::now_ms;
use crate::domain::{SignupRecord, SignupStatus};
use crate::hubspot::forms::{FormContext, FormField, FormSubmission};

/// The Forms submission for a pending signup: email first, then its fields.
pub(super) fn submission_of(pending: &SignupRecord) -> FormSubmission {
    let mut fields = vec![FormField::contact("email", pending.email.as_str())];
    fields.extend(
        pending
            .fields
            .iter()
            .map(|(name, value)| FormField::contact(name, value)),
    );
    FormSubmission {
        fields,
        context: FormContext {
            hutk: pending.context.hutk.clone(),
            ip_address: pending.context.ip_address.clone(),
            page_uri: pending.context.page_uri.clone(),
            page_name: pending.context.page_name.clone(),
        },
        submitted_at: (pending.attempts > 0).then_some(pending.submitted_at),
    }
}

/// A record whose Forms call went through.
pub(super) fn as_submitted(mut record: SignupRecord) -> SignupRecord {
    record.status = SignupStatus::Submitted;
    // The wait for its contact starts now that HubSpot has the submission
    // (a queued signup may have waited for the Forms quota first).
    record.waiting_since.get_or_insert(now_ms());
    record.last_error = None;
    record
}
