//! Signup intake: the app backend hands signups over (`POST /v1/signups`) and
//! the reactor submits them to the Forms API, and only there.

mod ceiling;
mod context;
mod error;
pub mod handler;
pub mod intake;
mod raw_values;
pub mod request;
mod request_schema;
pub mod response;
pub(crate) mod telemetry;

pub use error::SignupError;
pub use intake::{Accepted, FormTarget, SignupIntake};
