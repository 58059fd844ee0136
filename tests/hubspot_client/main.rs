//! The reactor's HubSpot client against the simulator over real HTTP: every
//! API generation's paths, batch reads, profiles and send verdicts.

mod client_reads;
mod client_requests;
// The simulator's own test helpers; this target uses some of them.
#[allow(dead_code)]
#[path = "../../crates/hubspot-simulator/tests/simulator/support.rs"]
mod support;
