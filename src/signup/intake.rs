//! The signup service, shared by the HTTP handler and the Forms retry
//! worker: the store, the HubSpot client and the form the signups go to.
//! Accepting a signup and one Forms attempt each have their own file.

use crate::backoff::Backoff;
use crate::config::{Config, SignupSettings};
use crate::domain::PortalId;
use crate::hubspot::HubSpotClient;
use crate::store::{Quota, RedisStore};

/// Which form the signups go to, and how.
#[derive(Debug, Clone)]
pub struct FormTarget {
    pub portal_id: PortalId,
    pub form_guid: String,
    pub authenticated: bool,
}

/// The signup service: shared by the HTTP handler and the retry worker.
#[derive(Debug, Clone)]
pub struct SignupIntake {
    pub store: RedisStore,
    pub hubspot: HubSpotClient,
    pub target: FormTarget,
    pub settings: SignupSettings,
    /// The account's API quota (`HUBSPOT_API_RATE_LIMIT`): an authenticated
    /// submission counts against it as well as against the Forms limit.
    pub api_quota: Quota,
    pub backoff: Backoff,
}

impl SignupIntake {
    /// The intake as `serve` builds it from the configuration.
    pub fn for_config(config: &Config, store: RedisStore, hubspot: HubSpotClient) -> Self {
        Self {
            store,
            hubspot,
            target: FormTarget {
                portal_id: config.hubspot.portal_id,
                form_guid: config.hubspot.signup_form_guid.clone(),
                authenticated: config.hubspot.forms_authenticated,
            },
            settings: config.signup.clone(),
            api_quota: config.worker.api_quota,
            backoff: Backoff {
                base: config.worker.retry_base_delay,
                max: config.worker.retry_max_delay,
            },
        }
    }
}
