//! HubSpot's Webhooks API (v3): the app's target URL and its subscriptions,
//! authenticated with the developer API key (`hapikey`).

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::error::HubSpotError;

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
    period: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionCreate<'a> {
    event_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    property_name: Option<&'a str>,
    active: bool,
}

/// The app whose webhooks are managed, and its developer key.
#[derive(Debug, Clone)]
pub struct WebhooksApp {
    pub app_id: u64,
    pub developer_api_key: secrecy::SecretString,
}

impl HubSpotClient {
    fn webhooks_url(&self, app: &WebhooksApp, path: &str) -> String {
        self.api_url(&format!("/webhooks/v3/{}{path}", app.app_id))
    }

    fn with_key(
        &self,
        request: reqwest::RequestBuilder,
        app: &WebhooksApp,
    ) -> reqwest::RequestBuilder {
        use secrecy::ExposeSecret;
        request.query(&[("hapikey", app.developer_api_key.expose_secret())])
    }

    /// The app's settings; `None` when no target URL is set.
    pub async fn webhook_settings(
        &self,
        app: &WebhooksApp,
    ) -> Result<Option<WebhookSettings>, HubSpotError> {
        let request = self.with_key(self.http().get(self.webhooks_url(app, "/settings")), app);
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
                period: "SECONDLY",
            },
        };
        let request = self.with_key(
            self.http()
                .put(self.webhooks_url(app, "/settings"))
                .json(&body),
            app,
        );
        self.execute(request, false).await.map(drop)
    }

    /// The app's subscriptions.
    pub async fn webhook_subscriptions(
        &self,
        app: &WebhooksApp,
    ) -> Result<Vec<Subscription>, HubSpotError> {
        let request = self.with_key(
            self.http().get(self.webhooks_url(app, "/subscriptions")),
            app,
        );
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
        let url = self.webhooks_url(app, "/subscriptions");
        let request = self.with_key(self.http().post(url).json(&body), app);
        Self::json(self.execute(request, false).await?).await
    }

    /// Activates a paused subscription.
    pub async fn activate_webhook_subscription(
        &self,
        app: &WebhooksApp,
        id: &str,
    ) -> Result<(), HubSpotError> {
        let url = self.webhooks_url(app, &format!("/subscriptions/{id}"));
        let request = self.with_key(
            self.http()
                .patch(url)
                .json(&serde_json::json!({"active": true})),
            app,
        );
        let response = request.send().await.map_err(HubSpotError::from_transport)?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(self.classify(response).await)
        }
    }
}
