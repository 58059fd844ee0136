//! HubSpot's Webhooks API: a legacy public app's target URL and subscriptions,
//! authenticated with the developer API key (`hapikey`). Project apps declare
//! theirs in files instead (`deploy/hubspot/`, `hs project upload`).

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::error::HubSpotError;

/// Which generation of the Webhooks API to call; the one place its paths live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhooksApiVersion {
    /// `/app-webhooks/2026-09/{appId}/...`
    #[default]
    V2026_09,
    /// `/webhooks/2026-03/{appId}/...`
    V2026_03,
    /// `/webhooks/v3/{appId}/...`, unsupported by HubSpot from September 2027.
    V3,
}

impl std::str::FromStr for WebhooksApiVersion {
    type Err = String;

    /// The values of `HUBSPOT_API_VERSION`: `2026-09`, `2026-03` or `v3`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "2026-09" => Ok(Self::V2026_09),
            "2026-03" => Ok(Self::V2026_03),
            "v3" => Ok(Self::V3),
            other => Err(format!(
                "expected `2026-09`, `2026-03` or `v3`, got {other:?}"
            )),
        }
    }
}

impl WebhooksApiVersion {
    /// The path of `rest` (e.g. `/settings`) for `app_id`.
    pub fn path(self, app_id: u64, rest: &str) -> String {
        let root = match self {
            Self::V2026_09 => "/app-webhooks/2026-09",
            Self::V2026_03 => "/webhooks/2026-03",
            Self::V3 => "/webhooks/v3",
        };
        format!("{root}/{app_id}{rest}")
    }

    /// The v3 API takes a throttling `period`; the dated ones have none.
    fn throttling_period(self) -> Option<&'static str> {
        (self == Self::V3).then_some("SECONDLY")
    }
}

/// The app's webhook settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSettings {
    pub target_url: String,
}

/// One subscription of the app.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: String,
    pub event_type: String,
    #[serde(default)]
    pub property_name: Option<String>,
    #[serde(default)]
    pub active: bool,
}

#[derive(Deserialize)]
struct SubscriptionList {
    #[serde(default)]
    results: Vec<Subscription>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsChange<'a> {
    target_url: &'a str,
    throttling: Throttling,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Throttling {
    max_concurrent_requests: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionCreate<'a> {
    event_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    property_name: Option<&'a str>,
    active: bool,
}

#[derive(Serialize)]
struct SubscriptionPatch {
    active: bool,
}

/// The app whose webhooks are managed, its developer key, and the API generation.
#[derive(Debug, Clone)]
pub struct WebhooksApp {
    pub app_id: u64,
    pub developer_api_key: secrecy::SecretString,
    pub version: WebhooksApiVersion,
}

impl HubSpotClient {
    fn webhooks_request(
        &self,
        method: reqwest::Method,
        app: &WebhooksApp,
        rest: &str,
    ) -> reqwest::RequestBuilder {
        use secrecy::ExposeSecret;
        let url = self.api_url(&app.version.path(app.app_id, rest));
        self.http()
            .request(method, url)
            .query(&[("hapikey", app.developer_api_key.expose_secret())])
    }

    /// The app's settings; `None` when no target URL is set.
    pub async fn webhook_settings(
        &self,
        app: &WebhooksApp,
    ) -> Result<Option<WebhookSettings>, HubSpotError> {
        let request = self.webhooks_request(reqwest::Method::GET, app, "/settings");
        let response = self.execute(request, true).await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Self::json(response).await.map(Some)
    }

    /// Sets the app's target URL.
    pub async fn set_webhook_target(
        &self,
        app: &WebhooksApp,
        target_url: &str,
        max_concurrent: u32,
    ) -> Result<(), HubSpotError> {
        let body = SettingsChange {
            target_url,
            throttling: Throttling {
                max_concurrent_requests: max_concurrent,
                period: app.version.throttling_period(),
            },
        };
        let request = self
            .webhooks_request(reqwest::Method::PUT, app, "/settings")
            .json(&body);
        self.execute(request, false).await.map(drop)
    }

    /// The app's subscriptions.
    pub async fn webhook_subscriptions(
        &self,
        app: &WebhooksApp,
    ) -> Result<Vec<Subscription>, HubSpotError> {
        let request = self.webhooks_request(reqwest::Method::GET, app, "/subscriptions");
        let list: SubscriptionList = Self::json(self.execute(request, false).await?).await?;
        Ok(list.results)
    }

    /// Creates an active subscription.
    pub async fn create_webhook_subscription(
        &self,
        app: &WebhooksApp,
        event_type: &str,
        property_name: Option<&str>,
    ) -> Result<Subscription, HubSpotError> {
        let body = SubscriptionCreate {
            event_type,
            property_name,
            active: true,
        };
        let request = self
            .webhooks_request(reqwest::Method::POST, app, "/subscriptions")
            .json(&body);
        Self::json(self.execute(request, false).await?).await
    }

    /// Activates a paused subscription.
    pub async fn activate_webhook_subscription(
        &self,
        app: &WebhooksApp,
        id: &str,
    ) -> Result<(), HubSpotError> {
        let rest = format!("/subscriptions/{id}");
        let request = self
            .webhooks_request(reqwest::Method::PATCH, app, &rest)
            .json(&SubscriptionPatch { active: true });
        self.execute(request, false).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generation_has_its_root_and_only_v3_a_period() {
        assert_eq!(
            WebhooksApiVersion::V2026_09.path(7, "/settings"),
            "/app-webhooks/2026-09/7/settings"
        );
        assert_eq!(
            WebhooksApiVersion::V2026_03.path(7, "/subscriptions/9"),
            "/webhooks/2026-03/7/subscriptions/9"
        );
        assert_eq!(
            WebhooksApiVersion::V3.path(7, "/settings"),
            "/webhooks/v3/7/settings"
        );
        assert_eq!(WebhooksApiVersion::default(), WebhooksApiVersion::V2026_09);
        assert_eq!(WebhooksApiVersion::V3.throttling_period(), Some("SECONDLY"));
        assert_eq!(WebhooksApiVersion::V2026_03.throttling_period(), None);
        assert_eq!("2026-03".parse(), Ok(WebhooksApiVersion::V2026_03));
        assert_eq!("v3".parse(), Ok(WebhooksApiVersion::V3));
        assert!("2025-01".parse::<WebhooksApiVersion>().is_err());
    }
}
