//! Pacing the claims of signup checks by the API quota: with the quota
//! plentiful a due signup is checked at once (latency); with more than half
//! of it in use, due signups wait a little for others to share their batch
//! (throughput: a batch costs the same calls for 1 signup as for 100).

use std::time::Duration;

use super::check::SignupChecker;
use super::hubspot_call::API_LIMITER;
use crate::store::{DueBacklog, StoreError};

impl SignupChecker {
    /// How long the due signups should wait for others to share their batch:
    /// never while more than half of the API quota is free (a small batch
    /// goes at once), else until the batch is full or the earliest has
    /// waited `CHECK_LINGER`.
    pub(super) async fn linger(
        &self,
        backlog: &DueBacklog,
    ) -> Result<Option<Duration>, StoreError> {
        let settings = &self.ctx.settings;
        let linger = settings.check_linger;
        if linger.is_zero() || backlog.due_now >= settings.check_batch_size {
            return Ok(None);
        }
        let waited = backlog.waited();
        if waited >= linger {
            return Ok(None);
        }
        let quota = settings.api_quota;
        let free = self.ctx.store.permits_free(API_LIMITER, quota).await?;
        if free.saturating_mul(2) > quota.max {
            return Ok(None);
        }
        Ok(Some(linger - waited))
    }
}
