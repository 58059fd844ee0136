//! The reactor's HubSpot client against the simulator over real HTTP: every
//! API generation's paths, batch reads, profiles and send verdicts.

mod client_reads;
mod client_requests;
// The simulator's own test helpers and schema checks; this target uses some.
#[allow(dead_code)]
#[path = "../../crates/hubspot-simulator/tests/simulator/schemas.rs"]
mod schemas;
#[allow(dead_code, unused_imports)]
#[path = "../../crates/hubspot-simulator/tests/simulator/support.rs"]
mod support;
