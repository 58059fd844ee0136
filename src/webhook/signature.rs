//! HubSpot's request signatures, as the receiver uses them: the algorithms
//! live in the `hubspot-signature` crate, which the simulator shares.

pub use hubspot_signature::*;
