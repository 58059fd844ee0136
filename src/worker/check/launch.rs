//! A launch: signups queue for the Forms API, whose own ceiling then sets the
//! pace of the emails. A launch is what is due: more Forms retries due now or
//! within `FORMS_RATE_LIMIT`'s window than half of what the limit lets
//! through in it; not a retry due in hours, nor a few retries after a
//! transient answer. During one,
//! checks economize and send status reads wait for its end but one canary
//! per [`LAUNCH_STATUS_INTERVAL`] (a failing template or portal still shows).

use std::time::Duration;

use crate::domain::SendRecord;
use crate::store::StoreError;
use crate::worker::WorkerContext;

/// How often a send status read goes ahead during a launch, and how often
/// the others look again whether the launch is over.
pub const LAUNCH_STATUS_INTERVAL: Duration = Duration::from_secs(15);

/// The longest a send status read waits for a launch to end; past it, it
/// goes ahead with spare quota as outside a launch.
pub const LAUNCH_STATUS_LIMIT: Duration = Duration::from_secs(300);

/// Whether a launch is under way.
pub async fn under_way(ctx: &WorkerContext) -> Result<bool, StoreError> {
    Ok(ctx
        .store
        .forms_retry_queue()
        .due_within(ctx.launch_window)
        .await?
        > ctx.launch_backlog)
}

/// How long a `PENDING` send's status read may wait for the launch to end;
/// `None` once the send is [`LAUNCH_STATUS_LIMIT`] old.
pub fn status_wait(send: &SendRecord, now: u64) -> Option<Duration> {
    let age = Duration::from_millis(now.saturating_sub(send.sent_at));
    (age < LAUNCH_STATUS_LIMIT).then(|| LAUNCH_STATUS_INTERVAL.min(LAUNCH_STATUS_LIMIT - age))
}

/// Takes the canary's slot (one read per interval across replicas; the
/// caller holds the read's permit already): `None` when taken, else how long
/// this read waits.
pub async fn take_slot(
    ctx: &WorkerContext,
    send: &SendRecord,
    now: u64,
) -> Result<Option<Duration>, StoreError> {
    let Some(wait) = status_wait(send, now) else {
        return Ok(None);
    };
    let taken = ctx
        .store
        .status_canary()
        .try_take(&ctx.name, LAUNCH_STATUS_INTERVAL)
        .await?;
    Ok((!taken).then_some(wait))
}
