//! One check step: claim a batch of due signups, confirm them together (one
//! contact read, one form-landed confirmation), send the ready ones, and write
//! every outcome under the claim's fencing token.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;

use super::confirm::{BatchAnswer, Readiness};
use super::pacing::{Recheck, until_next_tick, young};
use super::telemetry as worker_metrics;
use super::{Step, WorkerContext};
use crate::clock::now_ms;
use crate::config::FormConfirmation;
use crate::domain::{SignupRecord, SignupStatus};
use crate::store::{CheckEnd, Finish, StoreError};
use crate::store::{DeadLetter, DeadLetterSource};

/// What became of the signups of one claimed batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// How many signups the claim took.
    pub claimed: usize,
    /// Signups whose email went out (or was queued by HubSpot).
    pub sent: Vec<String>,
    /// Signups not ready yet, with the reason.
    pub waiting: Vec<(String, &'static str)>,
    /// Signups put off (quota, 429, cooldown, HubSpot failing, send pending).
    pub deferred: Vec<(String, String)>,
    /// Signups given up on, with the reason.
    pub dead_lettered: Vec<(String, String)>,
    /// Outcomes not written because the claim had passed to another worker.
    pub fenced: usize,
}

/// What one check step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// No signup was due; the next one is due after this long, if any.
    Idle {
        next_due: Option<Duration>,
    },
    Batch(BatchReport),
}

impl Step for CheckOutcome {
    fn is_idle(&self) -> bool {
        matches!(self, Self::Idle { .. })
    }

    fn idle_wait(&self) -> Option<Duration> {
        match self {
            Self::Idle { next_due } => *next_due,
            Self::Batch(_) => None,
        }
    }
}

/// The outcome of one signup, before it is written.
pub(super) struct Decided {
    pub record: SignupRecord,
    pub end: CheckEnd,
    pub kind: Kind,
}

/// How a decided outcome is reported.
pub(super) enum Kind {
    Sent,
    Waiting(&'static str),
    Deferred(String),
    DeadLettered(String),
}

/// Runs signup checks from the due queue.
#[derive(Clone)]
pub struct SignupChecker {
    pub(super) ctx: Arc<WorkerContext>,
}

impl SignupChecker {
    /// A checker sharing the process's worker context.
    pub fn new(ctx: Arc<WorkerContext>) -> Self {
        Self { ctx }
    }

    /// Claims up to `CHECK_BATCH_SIZE` due signups and checks them together.
    pub async fn process_next(&self) -> Result<CheckOutcome, StoreError> {
        let ctx = &self.ctx;
        let store = &ctx.store;
        let backlog = store.checks().due_backlog().await?;
        if backlog.due_now == 0 {
            return Ok(CheckOutcome::Idle {
                next_due: backlog.next_due_in(),
            });
        }
        let launch = self.launch_under_way().await?;
        let economize = launch || self.quota_scarce().await?;
        if let Some(wait) = self.linger(&backlog, economize) {
            return Ok(CheckOutcome::Idle {
                next_due: Some(wait),
            });
        }
        let token = format!("{}:{}", ctx.name, uuid::Uuid::new_v4().simple());
        let ids = store
            .checks()
            .claim(
                ctx.settings.check_batch_size,
                ctx.settings.check_lease,
                &token,
            )
            .await?;
        if ids.is_empty() {
            let next_due = store.checks().next_due_in().await?;
            return Ok(CheckOutcome::Idle { next_due });
        }
        worker_metrics::batch_claimed(ids.len());
        let records = store.signups().load_many(&ids).await?;
        let mut decided = Vec::new();
        let mut to_check = Vec::new();
        let mut to_follow = Vec::new();
        for (id, record) in ids.iter().zip(records) {
            match record {
                None => self.vanished(id, &token).await?,
                Some(record) if record.status.is_final() => decided.push(Decided {
                    end: CheckEnd::Final,
                    kind: Kind::Waiting("finished"),
                    record,
                }),
                Some(record) if record.status.awaits_forms() => decided.push(Decided {
                    end: CheckEnd::Drop,
                    kind: Kind::Waiting("forms_pending"),
                    record,
                }),
                Some(record) if record.status == SignupStatus::SendPending => {
                    to_follow.push(record)
                }
                Some(record) => to_check.push(record),
            }
        }
        let followed = join_all(
            to_follow
                .into_iter()
                .map(|record| self.follow_up(record, launch)),
        )
        .await;
        for outcome in followed {
            decided.push(outcome?);
        }
        decided.extend(self.check_batch(to_check, economize).await?);
        let mut report = BatchReport {
            claimed: ids.len(),
            ..BatchReport::default()
        };
        for outcome in decided {
            self.write(outcome, &token, &mut report).await?;
        }
        tracing::debug!(
            claimed = report.claimed,
            sent = report.sent.len(),
            waiting = report.waiting.len(),
            deferred = report.deferred.len(),
            dead_lettered = report.dead_lettered.len(),
            "signup batch checked"
        );
        Ok(CheckOutcome::Batch(report))
    }

    /// Confirms a batch of submitted signups and sends the ready ones. While
    /// checks `economize` (the quota is scarce, or a launch is under way),
    /// young signups no event has named yet wait for their event instead of
    /// costing a read.
    async fn check_batch(
        &self,
        records: Vec<SignupRecord>,
        economize: bool,
    ) -> Result<Vec<Decided>, StoreError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let known: Vec<_> = records.iter().filter_map(|r| r.contact_id).collect();
        let deleted = self.ctx.store.checks().deleted_contacts(&known).await?;
        let mut out = Vec::new();
        let mut records = records;
        if !deleted.is_empty() {
            let (gone, kept): (Vec<_>, Vec<_>) = records
                .into_iter()
                .partition(|r| r.contact_id.is_some_and(|c| deleted.contains(&c)));
            for record in gone {
                out.push(
                    self.dead_letter(record, "contact deleted".to_owned())
                        .await?,
                );
            }
            records = kept;
            if records.is_empty() {
                return Ok(out);
            }
        }
        let known = self.known_contacts(&records).await?;
        let profile = self.ctx.settings.form_confirmation == FormConfirmation::Profile;
        let (records, known) = if economize && profile {
            self.hold_unnamed(records, known, &mut out)
        } else {
            (records, known)
        };
        if records.is_empty() {
            return Ok(out);
        }
        // Named by an event but not visible yet: HubSpot's visibility lag is
        // short, so these are checked again soon rather than after backoff.
        let named: Vec<String> = records
            .iter()
            .zip(&known)
            .filter(|(r, k)| r.contact_id.is_none() && k.is_some())
            .map(|(r, _)| r.signup_id.clone())
            .collect();
        let answer = self.confirm(&records, &known).await?;
        let readiness = match answer {
            BatchAnswer::Known(readiness) => readiness,
            BatchAnswer::Wait(wait, reason) => {
                let wait = wait.max(self.ctx.settings.retry_base_delay);
                out.extend(records.into_iter().map(|record| Decided {
                    record,
                    end: CheckEnd::Wait(wait),
                    kind: Kind::Deferred(reason.to_owned()),
                }));
                return Ok(out);
            }
            BatchAnswer::Failed(error) => {
                let reason = error.to_string();
                for record in records {
                    out.push(if error.is_transient() {
                        self.retry(record, "hubspot_failing")
                    } else {
                        let why = format!("HubSpot refused the check: {reason}");
                        self.dead_letter_refused(record, why, error.correlation_id())
                            .await?
                    });
                }
                return Ok(out);
            }
        };
        let mut ready = Vec::new();
        for mut record in records {
            match readiness.get(&record.signup_id) {
                Some(Readiness::Landed(contact)) => {
                    record.contact_id = Some(*contact);
                    record.confirmed_at.get_or_insert(now_ms());
                    ready.push(record);
                }
                Some(Readiness::NotLanded(contact)) => {
                    record.contact_id = Some(*contact);
                    let pace = if !economize && young(&record) {
                        Recheck::Soon
                    } else {
                        Recheck::Backoff
                    };
                    out.push(self.waiting(record, "form_not_landed", pace).await?);
                }
                Some(Readiness::Moved) => {
                    record.contact_id = None;
                    out.push(
                        self.waiting(record, "contact_not_visible", Recheck::Backoff)
                            .await?,
                    );
                }
                Some(Readiness::NotVisible) | None => {
                    let pace = if named.contains(&record.signup_id) {
                        Recheck::Quick
                    } else if !economize && young(&record) {
                        Recheck::Soon
                    } else {
                        Recheck::Backoff
                    };
                    out.push(self.waiting(record, "contact_not_visible", pace).await?);
                }
            }
        }
        let sends = join_all(ready.into_iter().map(|record| self.send(record))).await;
        for send in sends {
            out.push(send?);
        }
        Ok(out)
    }

    /// Not ready: check again when `pace` says, or at its contact's next
    /// event, until the wait horizon; then dead-letter it with the reason.
    async fn waiting(
        &self,
        mut record: SignupRecord,
        reason: &'static str,
        pace: Recheck,
    ) -> Result<Decided, StoreError> {
        let settings = &self.ctx.settings;
        let waited = record.waited_at(now_ms());
        if waited > settings.contact_wait_horizon {
            let reason = format!("{reason} after {}s", waited.as_secs());
            return self.dead_letter(record, reason).await;
        }
        record.checks = record.checks.saturating_add(1);
        record.last_error = Some(reason.to_owned());
        let backoff = self.ctx.backoff();
        let delay = match pace {
            Recheck::Backoff => backoff.delay(record.checks),
            Recheck::Soon => until_next_tick(self.ctx.settings.retry_base_delay * 3 / 4),
            Recheck::Quick => backoff.delay(1) / 2,
        };
        Ok(Decided {
            record,
            end: CheckEnd::Wait(delay),
            kind: Kind::Waiting(reason),
        })
    }

    /// A transient failure: check again after its backoff.
    pub(super) fn retry(&self, mut record: SignupRecord, reason: &str) -> Decided {
        record.checks = record.checks.saturating_add(1);
        record.last_error = Some(reason.to_owned());
        let delay = self.ctx.backoff().delay(record.checks);
        Decided {
            record,
            end: CheckEnd::Wait(delay),
            kind: Kind::Deferred(reason.to_owned()),
        }
    }

    /// Gives up on a signup: a dead letter with the reason, and the record parked.
    pub(super) async fn dead_letter(
        &self,
        record: SignupRecord,
        reason: String,
    ) -> Result<Decided, StoreError> {
        self.dead_letter_refused(record, reason, None).await
    }

    /// [`Self::dead_letter`] for a call HubSpot refused, with its correlationId.
    pub(super) async fn dead_letter_refused(
        &self,
        mut record: SignupRecord,
        reason: String,
        correlation_id: Option<&str>,
    ) -> Result<Decided, StoreError> {
        let source = DeadLetterSource::Check {
            signup_id: record.signup_id.clone(),
            contact: record.contact_id.map(|c| c.to_string()),
        };
        let letter = DeadLetter::new(source, reason.clone())
            .with_correlation_id(correlation_id.map(str::to_owned));
        self.ctx.store.dead_letters().append(&letter).await?;
        record.status = SignupStatus::DeadLettered;
        record.last_error = Some(reason.clone());
        Ok(Decided {
            record,
            end: CheckEnd::Final,
            kind: Kind::DeadLettered(reason),
        })
    }

    /// A claimed signup whose record is gone: a dead letter, never a silent loss.
    async fn vanished(&self, signup_id: &str, token: &str) -> Result<(), StoreError> {
        let ctx = &self.ctx;
        let reason = "signup record expired or unreadable".to_owned();
        ctx.store
            .dead_letters()
            .append(&DeadLetter::new(
                DeadLetterSource::Check {
                    signup_id: signup_id.to_owned(),
                    contact: None,
                },
                reason,
            ))
            .await?;
        worker_metrics::dead_letter(crate::store::source_label::CHECKS);
        ctx.store
            .checks()
            .finish(Finish {
                signup_id,
                record: None,
                token,
                end: CheckEnd::Final,
                ttl: ctx.settings.finished_ttl,
                recheck: ctx.settings.poll_interval,
            })
            .await?;
        Ok(())
    }
}
