//! The Webhooks developer API under one root (`webhooks/v3`, a dated root)
//! for one app, called with the app's developer key (`hapikey`).

use hubspot_simulator::SimulatorHandle;
use reqwest::Method;
use serde_json::Value;

use crate::support;

/// One app's developer API on a simulator.
pub struct DevApi {
    base: String,
    key: String,
}

impl DevApi {
    /// The API under `root` for app `app_id`, with the simulator's developer key.
    pub fn new(sim: &SimulatorHandle, root: &str, app_id: u32) -> Self {
        Self {
            base: format!("{}/{root}/{app_id}", sim.base_url()),
            key: sim.config().developer_api_key.clone(),
        }
    }

    /// The URL of `path` below the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `method path` with the developer key and, when given, a JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = support::client()
            .request(method, self.url(path))
            .query(&[("hapikey", self.key.as_str())]);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("developer API request")
    }

    /// The JSON answer of `GET path`.
    pub async fn get_json(&self, path: &str) -> Value {
        support::json_of(self.call(Method::GET, path, None).await).await
    }
}
