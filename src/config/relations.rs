//! Relations between settings that each look fine alone: a lease must outlast
//! the work done under it (its HubSpot calls and its Redis calls, each at its
//! time limit), and the sweep must not take a signup whose Forms call may
//! still be in flight for a lost one. Checked once at start-up; each message
//! names both settings and the values that disagree.

use std::time::Duration;

use super::error::ConfigError;
use super::settings::Config;

/// HubSpot calls a check can make one after another under one lease: the
/// batch read, the confirmation, the send and its status.
pub const CALLS_PER_LEASE: u32 = 4;

/// Redis round trips one Forms attempt makes in a row, each bounded by
/// `REDIS_COMMAND_TIMEOUT`: the record, the Forms and API permits (and the
/// give-back of one), their re-stamps after the call, and the outcome's
/// writes (the record, the retry queue).
pub const REDIS_CALLS_PER_FORMS_ATTEMPT: u32 = 8;

/// Redis round trips a batch of checks makes in a row under its lease, each
/// bounded by `REDIS_COMMAND_TIMEOUT`: the records, the deletion markers, the
/// contact hints, the batch's permits and a re-stamp after each of its
/// HubSpot calls, the launch's status marker and the contact's cooldown.
pub const REDIS_CALLS_PER_CHECK: u32 = 10;

/// Redis round trips a signup request makes in a row, each bounded by
/// `REDIS_COMMAND_TIMEOUT`, from its `Idempotency-Key` claim to its stored
/// answer, beside its one Forms call: the claim, its address's ceiling, the
/// record, the Forms and API permits (or the give-back of one), their
/// re-stamps after the call, the acceptance, and the answer kept for the key. A request is accepted only
/// while its key is held, with time left to store its answer; one that is
/// not is answered 503.
pub const REDIS_CALLS_PER_SIGNUP: u32 = 9;

impl Config {
    /// The longest one Forms attempt can take: its call at `HUBSPOT_HTTP_TIMEOUT`
    /// and its Redis calls at `REDIS_COMMAND_TIMEOUT` each. It is the Forms
    /// retry lease: a claimed retry stays invisible to other workers this long.
    pub(super) fn forms_attempt_limit(http: Duration, redis: Duration) -> Duration {
        http + redis * REDIS_CALLS_PER_FORMS_ATTEMPT
    }

    /// Settings that bound one another: a lease no longer than what it
    /// leases, a longest delay no shorter than the first.
    pub(super) fn check_orders(&self) -> Result<(), ConfigError> {
        if self.signup.idempotency_lease > self.signup.idempotency_ttl {
            return Err(ConfigError::invalid(
                "IDEMPOTENCY_LEASE",
                "must not exceed IDEMPOTENCY_TTL",
            ));
        }
        if self.worker.retry_max_delay < self.worker.retry_base_delay {
            return Err(ConfigError::invalid(
                "RETRY_MAX_DELAY",
                "must not be shorter than RETRY_BASE_DELAY",
            ));
        }
        Ok(())
    }

    /// A lease must outlast the calls made under it, and a pending record
    /// must outlive every horizon it can wait through (so a signup ends as a
    /// dead letter, never as a silent expiry).
    pub fn check_horizons(&self) -> Result<(), ConfigError> {
        let lease = self.worker.check_lease;
        let calls = self.hubspot.http_timeout * CALLS_PER_LEASE;
        if lease < calls {
            return Err(ConfigError::invalid(
                "CHECK_LEASE",
                "must be at least 4 times HUBSPOT_HTTP_TIMEOUT (a check makes up to 4 calls in a row)",
            ));
        }
        let horizons = self.signup.forms_retry_horizon + self.worker.contact_wait_horizon;
        if self.signup.pending_ttl
            <= horizons + self.worker.sweep_after + self.worker.sweep_interval
        {
            return Err(ConfigError::invalid(
                "SIGNUP_PENDING_TTL",
                "must exceed FORMS_RETRY_HORIZON + CONTACT_WAIT_HORIZON + SWEEP_AFTER + SWEEP_INTERVAL",
            ));
        }
        Ok(())
    }

    /// The settings' relations: `CHECK_LEASE` covers a batch's HubSpot and
    /// Redis calls; `IDEMPOTENCY_LEASE` covers a signup request's Forms call
    /// and Redis calls; `SWEEP_AFTER` exceeds the longest Forms attempt (the
    /// Forms retry lease), so the sweep never requeues a submission in flight.
    pub fn check_relations(&self) -> Result<(), ConfigError> {
        let http = self.hubspot.http_timeout;
        let redis = self.redis.command_timeout;
        let lease = self.worker.check_lease;
        let check_work = http * CALLS_PER_LEASE + redis * REDIS_CALLS_PER_CHECK;
        if lease < check_work {
            return Err(ConfigError::invalid(
                "CHECK_LEASE",
                format!(
                    "{} is shorter than a batch's work under it: {CALLS_PER_LEASE} × \
                     HUBSPOT_HTTP_TIMEOUT ({}) + {REDIS_CALLS_PER_CHECK} × \
                     REDIS_COMMAND_TIMEOUT ({}) = {}; raise CHECK_LEASE or lower \
                     HUBSPOT_HTTP_TIMEOUT / REDIS_COMMAND_TIMEOUT",
                    shown(lease),
                    shown(http),
                    shown(redis),
                    shown(check_work)
                ),
            ));
        }
        let lease = self.signup.idempotency_lease;
        let request = http + redis * REDIS_CALLS_PER_SIGNUP;
        if lease < request {
            return Err(ConfigError::invalid(
                "IDEMPOTENCY_LEASE",
                format!(
                    "{} is shorter than a signup request's worst case: \
                     HUBSPOT_HTTP_TIMEOUT ({}) + {REDIS_CALLS_PER_SIGNUP} × \
                     REDIS_COMMAND_TIMEOUT ({}) = {}; raise IDEMPOTENCY_LEASE or lower \
                     HUBSPOT_HTTP_TIMEOUT / REDIS_COMMAND_TIMEOUT",
                    shown(lease),
                    shown(http),
                    shown(redis),
                    shown(request)
                ),
            ));
        }
        let forms_attempt = self.signup.forms_retry_lease;
        if self.worker.sweep_after <= forms_attempt {
            return Err(ConfigError::invalid(
                "SWEEP_AFTER",
                format!(
                    "{} does not exceed the longest Forms call with its Redis calls: \
                     HUBSPOT_HTTP_TIMEOUT ({}) + {REDIS_CALLS_PER_FORMS_ATTEMPT} × \
                     REDIS_COMMAND_TIMEOUT ({}) = {}; the sweep would requeue \
                     submissions still in flight (raise SWEEP_AFTER or lower \
                     HUBSPOT_HTTP_TIMEOUT)",
                    shown(self.worker.sweep_after),
                    shown(http),
                    shown(redis),
                    shown(forms_attempt)
                ),
            ));
        }
        Ok(())
    }
}

fn shown(duration: Duration) -> String {
    humantime::format_duration(duration).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::test_settings::config;
    use super::*;

    #[test]
    fn the_shipped_defaults_pass_and_derive_the_forms_retry_lease() {
        let defaults = config(&[]).expect("the defaults are valid");
        assert_eq!(
            defaults.signup.forms_retry_lease,
            Duration::from_secs(10 + 8 * 2),
            "HUBSPOT_HTTP_TIMEOUT + 8 × REDIS_COMMAND_TIMEOUT"
        );
        let slow = config(&[
            ("HUBSPOT_HTTP_TIMEOUT", "90s"),
            ("CHECK_LEASE", "10m"),
            ("IDEMPOTENCY_LEASE", "2m"),
        ])
        .expect("valid");
        assert_eq!(slow.signup.forms_retry_lease, Duration::from_secs(106));
    }

    /// Settings set, the variable refused, what its message must contain.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a [&'a str]);

    #[test]
    fn each_broken_relation_names_both_settings() {
        let cases: &[Case] = &[
            (
                &[("CHECK_LEASE", "45s")],
                "CHECK_LEASE",
                &[
                    "HUBSPOT_HTTP_TIMEOUT (10s)",
                    "REDIS_COMMAND_TIMEOUT (2s)",
                    "= 1m",
                ],
            ),
            (
                &[("REDIS_COMMAND_TIMEOUT", "3s")],
                "CHECK_LEASE",
                &["REDIS_COMMAND_TIMEOUT (3s)", "1m 10s"],
            ),
            (
                &[("IDEMPOTENCY_LEASE", "25s")],
                "IDEMPOTENCY_LEASE",
                &[
                    "25s is shorter",
                    "HUBSPOT_HTTP_TIMEOUT (10s)",
                    "9 × REDIS_COMMAND_TIMEOUT (2s) = 28s",
                ],
            ),
            (
                &[("SWEEP_AFTER", "20s")],
                "SWEEP_AFTER",
                &[
                    "HUBSPOT_HTTP_TIMEOUT (10s)",
                    "REDIS_COMMAND_TIMEOUT (2s)",
                    "26s",
                ],
            ),
            (
                &[
                    ("HUBSPOT_HTTP_TIMEOUT", "10m"),
                    ("CHECK_LEASE", "1h"),
                    ("IDEMPOTENCY_LEASE", "11m"),
                ],
                "SWEEP_AFTER",
                &["10m does not exceed", "HUBSPOT_HTTP_TIMEOUT (10m)"],
            ),
        ];
        for (settings, var, needles) in cases {
            let error = config(settings).expect_err("a broken relation");
            assert!(
                matches!(&error, ConfigError::Invalid { var: v, .. } if v == var),
                "{settings:?}: {error}"
            );
            let text = error.to_string();
            for needle in *needles {
                assert!(text.contains(needle), "{settings:?}: {text}");
            }
        }
    }
}
