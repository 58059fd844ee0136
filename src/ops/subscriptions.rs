//! `signup-reactor subscriptions sync`: points a legacy public app's webhooks at
//! the reactor and creates the subscriptions it needs, idempotently, through
//! HubSpot's Webhooks API. A project app declares both in files instead, which
//! `hs project upload` deploys from `deploy/hubspot/`.

use std::time::Duration;

use secrecy::SecretString;

use crate::hubspot::webhooks_api::{WebhooksApiVersion, WebhooksApp};
use crate::hubspot::{ApiVersion, HubSpotClient, HubSpotEndpoints, HubSpotError};

/// What a project-app user does instead; shown in `--help` and in errors.
const PROJECT_APP_HINT: &str = "A project app (the one deploy/hubspot/ creates) is not managed \
through this API: its target URL and subscriptions are in \
deploy/hubspot/src/app/webhooks/webhooks-hsmeta.json, deployed with `hs project upload` \
from deploy/hubspot/.";

const SYNC_LONG_ABOUT: &str = "For legacy public apps. Through HubSpot's Webhooks API, \
authenticated with the developer account's API key, sets the app's target URL to \
WEBHOOK_PUBLIC_URL and creates (or activates) the contact.creation, \
contact.propertyChange (one per --property) and contact.deletion subscriptions \
(a deletion ends the checks of the contact's signups); changes nothing that is \
already right. \
HUBSPOT_API_VERSION picks the API: 2026-09 (/app-webhooks/2026-09/{appId}/...), \
2026-03 (/webhooks/2026-03/{appId}/...) or v3 (/webhooks/v3/{appId}/...).\n\n\
A project app (the one deploy/hubspot/ creates) is not managed through this API: its \
target URL and subscriptions are in deploy/hubspot/src/app/webhooks/webhooks-hsmeta.json, \
deployed with `hs project upload` from deploy/hubspot/.";

/// Options of `subscriptions`.
#[derive(Debug, clap::Args)]
pub struct SubscriptionsArgs {
    #[command(subcommand)]
    pub command: SubscriptionsCommand,
}

/// Subscription commands.
#[derive(Debug, clap::Subcommand)]
pub enum SubscriptionsCommand {
    /// Legacy public apps: set the target URL and the contact subscriptions
    /// (project apps deploy theirs with `hs project upload` from deploy/hubspot/).
    #[command(long_about = SYNC_LONG_ABOUT)]
    Sync(SyncArgs),
}

/// Options of `subscriptions sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The legacy public app's id.
    #[arg(long, env = "HUBSPOT_APP_ID")]
    pub app_id: Option<u64>,
    /// The developer account's API key (the Webhooks API authenticates with it).
    #[arg(long, env = "HUBSPOT_DEVELOPER_API_KEY", hide_env_values = true, value_parser = secret)]
    pub developer_api_key: Option<SecretString>,
    /// Where HubSpot delivers webhooks: the reactor's public /webhooks/hubspot URL.
    #[arg(long, env = "WEBHOOK_PUBLIC_URL")]
    pub target_url: Option<String>,
    /// Base URL of HubSpot's API.
    #[arg(
        long,
        env = "HUBSPOT_API_BASE_URL",
        default_value = "https://api.hubapi.com"
    )]
    pub api_base_url: String,
    /// Webhooks API generation: 2026-09, 2026-03 or v3.
    #[arg(long, env = "HUBSPOT_API_VERSION", default_value = "2026-09")]
    pub api_version: WebhooksApiVersion,
    /// Contact properties whose changes are subscribed (repeat for several).
    #[arg(long = "property", default_values_t = ["email".to_owned()])]
    pub properties: Vec<String>,
    /// Concurrent deliveries HubSpot may make.
    #[arg(long, default_value_t = 10)]
    pub max_concurrent_requests: u32,
}

fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

/// Why `sync` did not complete; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "HUBSPOT_APP_ID is not set: `subscriptions sync` manages a legacy public app. {PROJECT_APP_HINT}"
    )]
    MissingAppId,
    #[error(
        "HUBSPOT_DEVELOPER_API_KEY is not set: the Webhooks API authenticates with the developer account's API key. {PROJECT_APP_HINT}"
    )]
    MissingDeveloperKey,
    #[error("WEBHOOK_PUBLIC_URL is not set: give the reactor's public /webhooks/hubspot URL")]
    MissingTargetUrl,
    #[error("{0} is invalid: expected an absolute URL")]
    InvalidUrl(&'static str),
    #[error(
        "HubSpot's Webhooks API does not manage app {app_id} for this developer key. {PROJECT_APP_HINT}"
    )]
    NotALegacyPublicApp {
        app_id: u64,
        #[source]
        source: HubSpotError,
    },
    #[error(
        "HubSpot's Webhooks API refused the developer API key: check HUBSPOT_DEVELOPER_API_KEY"
    )]
    BadDeveloperKey(#[source] HubSpotError),
    #[error(transparent)]
    HubSpot(#[from] HubSpotError),
}

/// What `sync` found or did, one line each.
pub type SyncReport = Vec<String>;

/// Runs `subscriptions`.
pub async fn subscriptions(args: SubscriptionsArgs) -> anyhow::Result<()> {
    let SubscriptionsCommand::Sync(args) = args.command;
    for line in sync(&args).await? {
        println!("{line}");
    }
    Ok(())
}

/// Brings the app's settings and subscriptions to what the reactor needs.
pub async fn sync(args: &SyncArgs) -> Result<SyncReport, SyncError> {
    let app_id = args.app_id.ok_or(SyncError::MissingAppId)?;
    let developer_api_key = args
        .developer_api_key
        .clone()
        .ok_or(SyncError::MissingDeveloperKey)?;
    let target = args
        .target_url
        .as_deref()
        .ok_or(SyncError::MissingTargetUrl)?;
    let target =
        url::Url::parse(target).map_err(|_| SyncError::InvalidUrl("WEBHOOK_PUBLIC_URL"))?;
    let base = url::Url::parse(&args.api_base_url)
        .map_err(|_| SyncError::InvalidUrl("HUBSPOT_API_BASE_URL"))?;
    let client = HubSpotClient::new(HubSpotEndpoints {
        api_base_url: base.clone(),
        forms_base_url: base,
        access_token: SecretString::from(""),
        timeout: Duration::from_secs(10),
        api_version: ApiVersion::default(),
        max_retry_wait: Duration::from_secs(300),
    })?;
    let app = WebhooksApp {
        app_id,
        developer_api_key,
        version: args.api_version,
    };
    // The first call tells whether this is a legacy public app of this key.
    let existing = client
        .webhook_subscriptions(&app)
        .await
        .map_err(|error| refused_app(app_id, error))?;
    let mut report = Vec::new();
    let current = client.webhook_settings(&app).await?;
    if current.as_ref().map(|s| s.target_url.as_str()) == Some(target.as_str()) {
        report.push(format!("target URL    unchanged ({target})"));
    } else {
        client
            .set_webhook_target(&app, target.as_str(), args.max_concurrent_requests)
            .await?;
        report.push(format!("target URL    set to {target}"));
    }
    let mut wanted: Vec<(&str, Option<&str>)> = vec![("contact.creation", None)];
    wanted.extend(
        args.properties
            .iter()
            .map(|p| ("contact.propertyChange", Some(p.as_str()))),
    );
    // A deletion ends the checks of the contact's open signups.
    wanted.push(("contact.deletion", None));
    for (event_type, property) in wanted {
        let label = match property {
            Some(p) => format!("{event_type} ({p})"),
            None => event_type.to_owned(),
        };
        let found = existing
            .iter()
            .find(|s| s.event_type == event_type && s.property_name.as_deref() == property);
        match found {
            Some(s) if s.active => {
                report.push(format!("subscription  {label}: unchanged (id {})", s.id))
            }
            Some(s) => {
                client.activate_webhook_subscription(&app, &s.id).await?;
                report.push(format!("subscription  {label}: activated (id {})", s.id));
            }
            None => {
                let created = client
                    .create_webhook_subscription(&app, event_type, property)
                    .await?;
                report.push(format!(
                    "subscription  {label}: created (id {})",
                    created.id
                ));
            }
        }
    }
    Ok(report)
}

/// HubSpot's answer when the app is not one the key may manage: a 401 is the
/// key itself; a 400, 403 or 404 names an app the Webhooks API does not manage
/// (another developer account's, or a project app).
fn refused_app(app_id: u64, error: HubSpotError) -> SyncError {
    match &error {
        HubSpotError::Unauthorized { status: 401, .. } => SyncError::BadDeveloperKey(error),
        HubSpotError::Unauthorized { status: 403, .. }
        | HubSpotError::Rejected {
            status: 400 | 404, ..
        } => SyncError::NotALegacyPublicApp {
            app_id,
            source: error,
        },
        _ => SyncError::HubSpot(error),
    }
}
