//! Newtypes for the values the reactor passes around: each is parsed once, at the
//! boundary, and cannot hold an invalid value afterwards.

mod email;
mod ids;

pub use email::{Email, EmailError};
pub use ids::{ContactId, IdError, PortalId};
