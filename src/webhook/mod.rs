//! The HubSpot webhook receiver: signature checks, event parsing and the handler.

pub mod signature;
