//! Routes shared by every role: liveness, readiness, metrics; and the request
//! latency middleware.

pub mod body;
mod health;
mod latency;
mod readiness;

pub use health::{healthz, metrics, readyz};
pub use latency::record_latency;
pub use readiness::{FRESH_FOR, ReadinessProbe, ReadinessWatch, readiness};
