//! `signup-reactor subscriptions sync`: points the app's webhooks at the
//! reactor and creates the subscriptions it needs, idempotently.

use std::time::Duration;

use secrecy::SecretString;

use crate::hubspot::webhooks_api::WebhooksApp;
use crate::hubspot::{ApiVersion, HubSpotClient, HubSpotEndpoints};

/// Options of `subscriptions`.
#[derive(Debug, clap::Args)]
pub struct SubscriptionsArgs {
    #[command(subcommand)]
    pub command: SubscriptionsCommand,
}

/// Subscription commands.
#[derive(Debug, clap::Subcommand)]
pub enum SubscriptionsCommand {
    /// Set the target URL and create the contact.creation and
    /// contact.propertyChange subscriptions; changes nothing that is already right.
    Sync(SyncArgs),
}

/// Options of `subscriptions sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The public app's id.
    #[arg(long, env = "HUBSPOT_APP_ID")]
    pub app_id: u64,
    /// The developer account's API key (the Webhooks API authenticates with it).
    #[arg(long, env = "HUBSPOT_DEVELOPER_API_KEY", hide_env_values = true)]
    pub developer_api_key: String,
    /// Where HubSpot delivers webhooks: the reactor's public /webhooks/hubspot URL.
    #[arg(long, env = "WEBHOOK_PUBLIC_URL")]
    pub target_url: String,
    /// Base URL of HubSpot's API.
    #[arg(
        long,
        env = "HUBSPOT_API_BASE_URL",
        default_value = "https://api.hubapi.com"
    )]
    pub api_base_url: String,
    /// Contact properties whose changes are subscribed (repeat for several).
    #[arg(long = "property", default_values_t = ["email".to_owned()])]
    pub properties: Vec<String>,
    /// Concurrent deliveries HubSpot may make.
    #[arg(long, default_value_t = 10)]
    pub max_concurrent_requests: u32,
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
pub async fn sync(args: &SyncArgs) -> anyhow::Result<SyncReport> {
    let target = url::Url::parse(&args.target_url)
        .map_err(|_| anyhow::anyhow!("WEBHOOK_PUBLIC_URL is invalid: expected an absolute URL"))?;
    let base = url::Url::parse(&args.api_base_url).map_err(|_| {
        anyhow::anyhow!("HUBSPOT_API_BASE_URL is invalid: expected an absolute URL")
    })?;
    let client = HubSpotClient::new(HubSpotEndpoints {
        api_base_url: base.clone(),
        forms_base_url: base,
        access_token: SecretString::from(""),
        timeout: Duration::from_secs(10),
        api_version: ApiVersion::default(),
        max_retry_wait: Duration::from_secs(300),
    })?;
    let app = WebhooksApp {
        app_id: args.app_id,
        developer_api_key: SecretString::from(args.developer_api_key.clone()),
    };
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
    let existing = client.webhook_subscriptions(&app).await?;
    let mut wanted: Vec<(&str, Option<&str>)> = vec![("contact.creation", None)];
    wanted.extend(
        args.properties
            .iter()
            .map(|p| ("contact.propertyChange", Some(p.as_str()))),
    );
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
