//! Relations between settings that each look fine alone: a lease must outlast
//! the work done under it (its HubSpot calls and its Redis calls, each at its
//! time limit), and the sweep must not take a signup whose Forms call may
//! still be in flight for a lost one. Checked once at start-up; each message
//! names both settings and the values that disagree.

use std::time::Duration;

use super::parse::{ConfigError, positive_duration};
use super::{CALLS_PER_LEASE, Config, SettingsArgs};

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
/// answer, beside its one Forms call: the claim, the record, the Forms and
/// API permits (or the give-back of one), their re-stamps after the call, the
/// acceptance, and the answer kept for the key. A request is accepted only
/// while its key is held, with time left to store its answer; one that is
/// not is answered 503.
pub const REDIS_CALLS_PER_SIGNUP: u32 = 8;

/// The longest one Forms attempt can take: its call at `HUBSPOT_HTTP_TIMEOUT`
/// and its Redis calls at `REDIS_COMMAND_TIMEOUT` each. It is the Forms
/// retry lease: a claimed retry stays invisible to other workers this long.
pub(super) fn forms_attempt_limit(args: &SettingsArgs) -> Result<Duration, ConfigError> {
    let http = positive_duration("HUBSPOT_HTTP_TIMEOUT", &args.hubspot_http_timeout)?;
    let redis = positive_duration("REDIS_COMMAND_TIMEOUT", &args.redis.redis_command_timeout)?;
    Ok(http + redis * REDIS_CALLS_PER_FORMS_ATTEMPT)
}

impl Config {
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
            return Err(ConfigError::Invalid {
                var: "CHECK_LEASE",
                reason: format!(
                    "{} is shorter than a batch's work under it: {CALLS_PER_LEASE} × \
                     HUBSPOT_HTTP_TIMEOUT ({}) + {REDIS_CALLS_PER_CHECK} × \
                     REDIS_COMMAND_TIMEOUT ({}) = {}; raise CHECK_LEASE or lower \
                     HUBSPOT_HTTP_TIMEOUT / REDIS_COMMAND_TIMEOUT",
                    shown(lease),
                    shown(http),
                    shown(redis),
                    shown(check_work)
                ),
            });
        }
        let lease = self.signup.idempotency_lease;
        let request = http + redis * REDIS_CALLS_PER_SIGNUP;
        if lease < request {
            return Err(ConfigError::Invalid {
                var: "IDEMPOTENCY_LEASE",
                reason: format!(
                    "{} is shorter than a signup request's worst case: \
                     HUBSPOT_HTTP_TIMEOUT ({}) + {REDIS_CALLS_PER_SIGNUP} × \
                     REDIS_COMMAND_TIMEOUT ({}) = {}; raise IDEMPOTENCY_LEASE or lower \
                     HUBSPOT_HTTP_TIMEOUT / REDIS_COMMAND_TIMEOUT",
                    shown(lease),
                    shown(http),
                    shown(redis),
                    shown(request)
                ),
            });
        }
        let forms_attempt = self.signup.forms_retry_lease;
        if self.worker.sweep_after <= forms_attempt {
            return Err(ConfigError::Invalid {
                var: "SWEEP_AFTER",
                reason: format!(
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
            });
        }
        Ok(())
    }
}

fn shown(duration: Duration) -> String {
    humantime::format_duration(duration).to_string()
}

#[cfg(test)]
mod tests {
    use super::super::ConfigBuilder;
    use super::*;

    fn required() -> ConfigBuilder {
        Config::builder()
            .set("HUBSPOT_CLIENT_SECRET", "secret")
            .set("HUBSPOT_ACCESS_TOKEN", "pat-na1-token")
            .set("HUBSPOT_PORTAL_ID", "62515")
            .set(
                "HUBSPOT_SIGNUP_FORM_GUID",
                "0b4a6c6e-1c4f-4c0e-9b8e-0a1b2c3d4e5f",
            )
            .set("HUBSPOT_VERIFICATION_EMAIL_ID", "42")
            .set("SIGNUP_API_TOKEN", "token")
    }

    #[test]
    fn the_shipped_defaults_pass_and_derive_the_forms_retry_lease() {
        let config = required().build().expect("the defaults are valid");
        assert_eq!(
            config.signup.forms_retry_lease,
            Duration::from_secs(10 + 8 * 2),
            "HUBSPOT_HTTP_TIMEOUT + 8 × REDIS_COMMAND_TIMEOUT"
        );
        let slow = required()
            .set("HUBSPOT_HTTP_TIMEOUT", "90s")
            .set("CHECK_LEASE", "10m")
            .set("IDEMPOTENCY_LEASE", "2m")
            .build()
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
                    "8 × REDIS_COMMAND_TIMEOUT (2s) = 26s",
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
            let builder = settings
                .iter()
                .fold(required(), |b, (name, value)| b.set(name, *value));
            let error = builder.build().expect_err("a broken relation");
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
