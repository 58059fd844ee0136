//! Pacing the checks by the API quota and the launch: with the quota
//! plentiful a due signup is checked at once (latency); with more than half
//! of it in use, or during a launch (signups queue for the Forms API, whose
//! own ceiling then sets the pace of the emails), checks economize: due
//! signups wait a little for others to share their batch (a batch costs the
//! same calls for 1 signup as for 100), and young signups no event has named
//! yet wait for their event rather than cost a read. During a launch the send
//! status reads wait for its end too (but one), so the launch costs the
//! shared quota as little as it can.

use std::time::Duration;

use super::check::{Decided, Kind, SignupChecker};
use crate::clock::now_ms;
use crate::domain::{ContactId, SignupRecord};
use crate::store::{CheckEnd, DueBacklog, Limiter, StoreError};

/// How long HubSpot usually takes to process a submission and send its
/// contact's events: while the quota is scarce, a signup no event has named
/// waits this long for its event before a read looks its address up.
pub const EVENT_WINDOW: Duration = Duration::from_secs(15);

/// How often a send status read goes ahead during a launch (the canary: a
/// failing template or portal still shows within this), and how often the
/// others look again whether the launch is over.
pub const LAUNCH_STATUS_INTERVAL: Duration = Duration::from_secs(15);

/// The longest a send status read waits for a launch to end; past it, it
/// goes ahead with spare quota as outside a launch.
pub const LAUNCH_STATUS_LIMIT: Duration = Duration::from_secs(300);

impl SignupChecker {
    /// Whether more than half of the API quota is in use. Send status reads
    /// take spare quota only up to that mark, so they alone never make it
    /// scarce; beyond it, checks economize.
    pub(super) async fn quota_scarce(&self) -> Result<bool, StoreError> {
        let quota = self.ctx.settings.api_quota;
        let free = self
            .ctx
            .store
            .rate_limits()
            .permits_free(Limiter::Api, quota)
            .await?;
        Ok(u64::from(free) * 2 < u64::from(quota.max))
    }

    /// Whether a launch is under way: signups queue for the Forms API.
    pub(super) async fn launch_under_way(&self) -> Result<bool, StoreError> {
        Ok(self.ctx.store.forms_retry_queue().depth().await? > 0)
    }

    /// How long a `PENDING` send's status read waits for the launch under
    /// way to end: none for the canary (one read per
    /// [`LAUNCH_STATUS_INTERVAL`] across replicas) or once the send is
    /// [`LAUNCH_STATUS_LIMIT`] old.
    pub(super) async fn launch_status_wait(
        &self,
        record: &SignupRecord,
    ) -> Result<Option<Duration>, StoreError> {
        let sent_at = record.send.as_ref().map_or(0, |send| send.sent_at);
        let age = Duration::from_millis(now_ms().saturating_sub(sent_at));
        if age >= LAUNCH_STATUS_LIMIT
            || self
                .ctx
                .store
                .status_canary()
                .try_take(&self.ctx.name, LAUNCH_STATUS_INTERVAL)
                .await?
        {
            return Ok(None);
        }
        Ok(Some(LAUNCH_STATUS_INTERVAL.min(LAUNCH_STATUS_LIMIT - age)))
    }

    /// How long the due signups should wait for others to share their batch:
    /// never unless checks `economize` (a small batch goes at once), else
    /// until the batch is full or the earliest has waited `CHECK_LINGER`.
    pub(super) fn linger(&self, backlog: &DueBacklog, economize: bool) -> Option<Duration> {
        let settings = &self.ctx.settings;
        let linger = settings.check_linger;
        if !economize || linger.is_zero() || backlog.due_now >= settings.check_batch_size {
            return None;
        }
        let waited = backlog.waited();
        (waited < linger).then(|| linger - waited)
    }

    /// Sets aside the signups that no event has named yet and that are
    /// younger than [`EVENT_WINDOW`]: each waits for its event (or the end of
    /// the window) instead of a read. Returns the others.
    pub(super) fn hold_unnamed(
        &self,
        records: Vec<SignupRecord>,
        known: Vec<Option<ContactId>>,
        out: &mut Vec<Decided>,
    ) -> (Vec<SignupRecord>, Vec<Option<ContactId>>) {
        let now = now_ms();
        let mut kept = (Vec::new(), Vec::new());
        for (mut record, contact) in records.into_iter().zip(known) {
            let age = record.waited_at(now);
            if contact.is_none() && age < EVENT_WINDOW {
                record.last_error = Some("waiting_for_event".to_owned());
                out.push(Decided {
                    record,
                    end: CheckEnd::Wait(EVENT_WINDOW - age),
                    kind: Kind::Waiting("waiting_for_event"),
                });
            } else {
                kept.0.push(record);
                kept.1.push(contact);
            }
        }
        kept
    }
}

/// When a signup that is not ready is checked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recheck {
    /// After its growing backoff.
    Backoff,
    /// At the next tick of a clock shared by every young signup (three
    /// quarters of `RETRY_BASE_DELAY`): HubSpot may still be processing it and
    /// the quota is plentiful; the young signups of every replica share one
    /// batch per tick.
    Soon,
    /// After half the first step: an event named its contact, which HubSpot
    /// shows within its short visibility lag.
    Quick,
}

/// Whether HubSpot may still be processing the signup's submission: while
/// the quota is plentiful, such a signup is checked again soon (latency)
/// rather than after a growing backoff.
pub(super) fn young(record: &SignupRecord) -> bool {
    record.waited_at(now_ms()) < EVENT_WINDOW
}

/// The time until the next multiple of `tick` on the wall clock (at least 1 ms).
pub(super) fn until_next_tick(tick: Duration) -> Duration {
    let tick = crate::clock::millis(tick).max(1);
    Duration::from_millis(tick - now_ms() % tick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_shared_and_never_zero() {
        let tick = Duration::from_millis(750);
        let wait = until_next_tick(tick);
        assert!(wait > Duration::ZERO && wait <= tick, "{wait:?}");
        let due = now_ms() + crate::clock::millis(wait);
        assert!(due % 750 <= 5, "due on the shared tick: {due}");
    }
}
