//! `signup-reactor check`: validates a deployment's configuration, Redis and
//! HubSpot credentials, one line per check; non-zero exit when one fails.

use crate::config::{Config, SettingsArgs};
use crate::domain::ContactId;
use crate::hubspot::{HubSpotClient, HubSpotError};
use crate::store::RedisStore;

/// Options of `check`: the same settings as `serve`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub verdict: Verdict,
    pub name: &'static str,
    pub detail: String,
}

impl std::fmt::Display for CheckLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verdict = match self.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        };
        write!(f, "{verdict} {:<22} {}", self.name, self.detail)
    }
}

fn line(verdict: Verdict, name: &'static str, detail: impl Into<String>) -> CheckLine {
    CheckLine {
        verdict,
        name,
        detail: detail.into(),
    }
}

/// Runs every check that the configuration allows.
pub async fn run_checks(args: &SettingsArgs) -> Vec<CheckLine> {
    let config = match Config::from_args(args) {
        Ok(config) => config,
        Err(error) => return vec![line(Verdict::Fail, "configuration", error.to_string())],
    };
    let mut lines = vec![line(
        Verdict::Ok,
        "configuration",
        "every variable is valid",
    )];
    lines.extend(check_redis(&config).await);
    lines.push(check_hubspot(&config).await);
    lines
}

async fn check_redis(config: &Config) -> Vec<CheckLine> {
    let store = match RedisStore::connect(&config.redis) {
        Ok(store) => store,
        Err(error) => return vec![line(Verdict::Fail, "redis reachable", error.to_string())],
    };
    if let Err(error) = store.ping().await {
        let detail = format!("{} does not answer: {error}", config.redis.url);
        return vec![line(Verdict::Fail, "redis reachable", detail)];
    }
    let mut lines = vec![line(
        Verdict::Ok,
        "redis reachable",
        config.redis.url.clone(),
    )];
    match store.check_server_settings().await {
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

async fn check_hubspot(config: &Config) -> CheckLine {
    let client = HubSpotClient::new(config.hubspot_endpoints());
    let client = match client {
        Ok(client) => client,
        Err(error) => return line(Verdict::Fail, "hubspot credentials", error.to_string()),
    };
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

/// Runs `check`, printing each line; fails when any check failed.
pub async fn check(args: CheckArgs) -> anyhow::Result<()> {
    let lines = run_checks(&args.settings).await;
    for line in &lines {
        println!("{line}");
    }
    let failed = lines.iter().filter(|l| l.verdict == Verdict::Fail).count();
    anyhow::ensure!(failed == 0, "{failed} check(s) failed");
    Ok(())
}
