//! Newtypes for the values the reactor passes around: each is parsed once, at the
//! boundary, and cannot hold an invalid value afterwards.

mod email;
mod event;
mod ids;
mod send_id;
mod signup;
mod signup_id;

pub use email::{Email, EmailError};
pub use event::{ContactEvent, EventIdentity, EventKind};
pub use ids::{ContactId, IdError, PortalId};
pub use send_id::SendId;
pub use signup::{NEVER_ACCEPTED, SendRecord, SignupContext, SignupRecord, SignupStatus};
pub use signup_id::SignupId;
