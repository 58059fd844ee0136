//! The deployment preflight behind `signup-reactor check`: validates a
//! deployment's configuration, Redis and HubSpot credentials, one line per
//! item; non-zero exit when one fails. (A "check" elsewhere in the code is the
//! worker's check of a signup, never this.)

use super::preflight_line::{PreflightLine, Verdict, line};
use crate::config::{Config, SettingsArgs};
use crate::domain::ContactId;
use crate::hubspot::{HubSpotClient, HubSpotError};
use crate::store::RedisStore;

/// Options of `check`: the same settings as `serve`.
#[derive(Debug, clap::Args)]
pub struct PreflightArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,

    /// Also probe this contact (id): is it visible, has it an email, and has
    /// the signup form landed on it by each confirmation strategy.
    #[arg(long, value_name = "ID")]
    pub contact: Option<String>,
}

/// Runs every preflight item that the configuration allows, then probes `contact`.
pub async fn run_preflight(args: &SettingsArgs, contact: Option<&str>) -> Vec<PreflightLine> {
    let config = match Config::from_args(args) {
        Ok(config) => config,
        Err(error) => return vec![line(Verdict::Fail, "configuration", error.to_string())],
    };
    let mut lines = vec![line(
        Verdict::Ok,
        "configuration",
        "every variable is valid",
    )];
    lines.extend(preflight_redis(&config).await);
    lines.push(line(
        Verdict::Ok,
        "hubspot api version",
        format!("{} (HUBSPOT_API_VERSION)", config.hubspot.api_version),
    ));
    let client = match HubSpotClient::new(config.hubspot_endpoints()) {
        Ok(client) => client,
        Err(error) => {
            lines.push(line(
                Verdict::Fail,
                "hubspot credentials",
                error.to_string(),
            ));
            return lines;
        }
    };
    lines.push(preflight_hubspot(&client).await);
    if let Some(contact) = contact {
        lines.extend(super::preflight_contact::probe(&config, &client, contact).await);
    }
    lines
}

async fn preflight_redis(config: &Config) -> Vec<PreflightLine> {
    let store = match RedisStore::connect(&config.redis) {
        Ok(store) => store,
        Err(error) => return vec![line(Verdict::Fail, "redis reachable", error.to_string())],
    };
    if let Err(error) = store.readiness().ping().await {
        let detail = format!("{} does not answer: {error}", config.redis.display_url());
        return vec![line(Verdict::Fail, "redis reachable", detail)];
    }
    let mut lines = vec![line(
        Verdict::Ok,
        "redis reachable",
        config.redis.display_url(),
    )];
    match store.server_settings().warnings().await {
        Ok(warnings) if warnings.is_empty() => {
            lines.push(line(
                Verdict::Ok,
                "redis settings",
                "noeviction, append-only persistence",
            ));
        }
        Ok(warnings) => lines.extend(warnings.into_iter().map(|w| {
            line(
                Verdict::Warn,
                "redis settings",
                format!("{} = {:?}: {}", w.setting, w.value, w.risk),
            )
        })),
        Err(error) => lines.push(line(
            Verdict::Warn,
            "redis settings",
            format!("could not read: {error}"),
        )),
    }
    lines
}

async fn preflight_hubspot(client: &HubSpotClient) -> PreflightLine {
    // Any contact id will do: a 200 or a 404 both mean the token was accepted.
    let probe = ContactId::new(1).map_err(|e| e.to_string());
    let result = match probe {
        Ok(id) => client.get_contact(id, &[]).await,
        Err(error) => return line(Verdict::Fail, "hubspot credentials", error),
    };
    match result {
        Ok(_) => line(
            Verdict::Ok,
            "hubspot credentials",
            "the access token reads contacts",
        ),
        Err(error @ HubSpotError::Unauthorized { .. }) => line(
            Verdict::Fail,
            "hubspot credentials",
            format!("HUBSPOT_ACCESS_TOKEN refused: {error}"),
        ),
        Err(error) => line(
            Verdict::Fail,
            "hubspot credentials",
            format!("HubSpot unreachable: {error}"),
        ),
    }
}

/// Runs the preflight (`signup-reactor check`), printing each line; fails
/// when any item failed.
pub async fn preflight(args: PreflightArgs) -> anyhow::Result<()> {
    report(&run_preflight(&args.settings, args.contact.as_deref()).await)
}

/// Prints the lines of a preflight; fails when any item failed.
pub fn report(lines: &[PreflightLine]) -> anyhow::Result<()> {
    for line in lines {
        println!("{line}");
    }
    let failed = lines.iter().filter(|l| l.verdict == Verdict::Fail).count();
    anyhow::ensure!(failed == 0, "{failed} check(s) failed");
    Ok(())
}
