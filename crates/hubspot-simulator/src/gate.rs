//! What every simulated endpoint does before its own work: injected faults,
//! the credential check, and the rate limit. A refused request gets HubSpot's
//! response and has no effect.

use actix_web::{HttpMessage, HttpRequest};

use super::clock::now_ms;
use super::errors::Refusal;
use super::faults::{self, Endpoint, FaultKind};
use super::rate_limit::Family;
use super::requests::{self, Counted};
use super::shared::Shared;

/// The credential an endpoint requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// None (the public forms endpoint).
    None,
    /// `Authorization: Bearer <access token>`.
    Bearer,
    /// `?hapikey=<developer API key>`.
    DeveloperKey,
}

/// Runs faults, auth and the rate limit for a request to `endpoint`, and
/// counts the request by endpoint whatever its answer.
/// `Ok` means the handler proceeds; the rate headers then go on its response.
/// Single Send is exempt from the API quota (its operation carries
/// `x-hubspot-rate-limit-exemptions: ["daily","ten-secondly"]`): it takes no
/// permit and gets no rate headers; injected faults still apply.
pub async fn admit(
    shared: &Shared,
    request: &HttpRequest,
    endpoint: Endpoint,
    credential: Credential,
) -> Result<(), Refusal> {
    let family = match credential {
        Credential::None => Family::Forms,
        Credential::Bearer => Family::Api,
        Credential::DeveloperKey => Family::Developer,
    };
    let fault = {
        let mut state = shared.lock();
        let state = &mut *state;
        let mut rules = std::mem::take(&mut state.faults);
        let fault = faults::pick(&mut rules, endpoint, now_ms(), || {
            state_roll(&mut state.rng)
        });
        state.faults = rules;
        fault
    };
    let outcome = gate(shared, request, endpoint, family, credential, fault).await;
    let how = match &outcome {
        Ok(()) => Counted::Admitted,
        Err(_) if fault.is_some_and(|f| !matches!(f, FaultKind::Slow { .. })) => Counted::Injected,
        Err(Refusal::RateLimited(_)) => Counted::OverQuota,
        Err(_) => Counted::Refused,
    };
    let mut state = shared.lock();
    requests::count(&mut state.requests, endpoint, how);
    if how == Counted::OverQuota {
        state.quota_rejections += 1;
    }
    outcome
}

async fn gate(
    shared: &Shared,
    request: &HttpRequest,
    endpoint: Endpoint,
    family: Family,
    credential: Credential,
    fault: Option<FaultKind>,
) -> Result<(), Refusal> {
    match fault {
        Some(FaultKind::ServerError { status }) => return Err(Refusal::Fault { status }),
        Some(FaultKind::RateLimited) => {
            let info = shared.lock_rate().nominal(family);
            return Err(Refusal::RateLimited(info));
        }
        Some(FaultKind::RateLimitedRetryAfter { seconds }) => {
            let info = shared.lock_rate().nominal(family);
            let scaled = shared.config.scaled_ms(seconds.saturating_mul(1_000));
            let seconds = scaled.as_millis().div_ceil(1_000);
            let seconds = u64::try_from(seconds).unwrap_or(u64::MAX);
            return Err(Refusal::RateLimitedRetryAfter { info, seconds });
        }
        Some(FaultKind::Unauthorized) => {
            return Err(Refusal::Unauthorized { token_given: true });
        }
        Some(FaultKind::Slow { delay_ms }) => {
            shared.sleep(shared.config.scaled_ms(delay_ms)).await;
        }
        None => {}
    }
    check_credential(shared, request, credential)?;
    // Single Send carries `x-hubspot-rate-limit-exemptions: ["daily","ten-secondly"]`:
    // it takes nothing from the account's API quota.
    if endpoint == Endpoint::SingleSend {
        return Ok(());
    }
    let info = shared.lock_rate().take(family);
    if let Some(info) = info {
        if info.exceeded.is_some() {
            return Err(Refusal::RateLimited(info));
        }
        request.extensions_mut().insert(info);
    }
    Ok(())
}

fn state_roll(rng: &mut rand::rngs::StdRng) -> f64 {
    rand::RngExt::random::<f64>(rng)
}

fn check_credential(
    shared: &Shared,
    request: &HttpRequest,
    credential: Credential,
) -> Result<(), Refusal> {
    if !shared.config.require_auth {
        return Ok(());
    }
    match credential {
        Credential::None => Ok(()),
        Credential::Bearer => {
            let header = request
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok());
            let token = header.and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            });
            match token {
                Some(token) if shared.config.access_tokens.iter().any(|t| t == token) => Ok(()),
                _ => Err(Refusal::Unauthorized {
                    token_given: header.is_some(),
                }),
            }
        }
        Credential::DeveloperKey => {
            let given = url::form_urlencoded::parse(request.query_string().as_bytes())
                .find(|(name, _)| name == "hapikey")
                .map(|(_, value)| value.into_owned());
            match given {
                Some(key) if key == shared.config.developer_api_key => Ok(()),
                other => Err(Refusal::Unauthorized {
                    token_given: other.is_some(),
                }),
            }
        }
    }
}
