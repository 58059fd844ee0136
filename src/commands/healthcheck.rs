//! `signup-reactor healthcheck`: a liveness probe for container runtimes whose
//! images carry no curl.

use std::time::Duration;

use anyhow::Context;

/// Options of `healthcheck`.
#[derive(Debug, clap::Args)]
pub struct HealthcheckArgs {
    /// The URL to probe; healthy means a 200 answer.
    #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
    pub url: String,
    /// How long to wait for the answer.
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    pub timeout: Duration,
}

/// Probes the URL; an error (non-zero exit) when it does not answer 200.
pub async fn healthcheck(args: HealthcheckArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(args.timeout).build()?;
    let response = client
        .get(&args.url)
        .send()
        .await
        .with_context(|| format!("{} did not answer", args.url))?;
    anyhow::ensure!(
        response.status().as_u16() == 200,
        "{} answered {}",
        args.url,
        response.status()
    );
    Ok(())
}
