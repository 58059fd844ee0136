//! Signup intake: the app backend hands signups over (`POST /v1/signups`) and
//! the reactor submits them to the Forms API, and only there.

pub mod acceptance;
mod ceiling;
mod context;
mod error;
mod field_problem;
pub mod forms_attempt;
pub mod handler;
pub mod intake;
mod limits;
mod raw_values;
pub mod request;
mod request_schema;
pub mod response;
mod submission;
pub(crate) mod telemetry;

pub use acceptance::Accepted;
pub use error::SignupError;
pub use field_problem::FieldProblem;
pub use intake::{FormTarget, SignupIntake};
