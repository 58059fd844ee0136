//! `signup-reactor inspect --email ADDRESS | --contact ID`: a contact's state,
//! its pending signup and its recent events, as text or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::{connect, format_ms, format_ms_str};
use crate::config::RedisArgs;
use crate::domain::{ContactId, Email, PendingSignup};
use crate::store::{CheckStatus, RedisStore};

/// Options of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The signup's email address.
    #[arg(long, required_unless_present = "contact", conflicts_with = "contact")]
    pub email: Option<String>,
    /// The HubSpot contact id.
    #[arg(long)]
    pub contact: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub redis: RedisArgs,
}

/// Everything the reactor knows about one contact or signup.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectReport {
    pub contact_id: Option<u64>,
    pub contact_state: BTreeMap<String, String>,
    pub check: Option<CheckStatus>,
    pub events: Vec<serde_json::Value>,
    pub pending_signup: Option<PendingSignup>,
}

/// Gathers the report for an email address or a contact id.
pub async fn gather(
    store: &RedisStore,
    email: Option<&Email>,
    contact: Option<ContactId>,
) -> anyhow::Result<InspectReport> {
    let pending_signup = match email {
        Some(email) => store.load_pending_signup(email).await?,
        None => None,
    };
    let contact = match (contact, email) {
        (Some(contact), _) => Some(contact),
        (None, Some(email)) => store.email_contact(email).await?,
        (None, None) => None,
    };
    let mut report = InspectReport {
        contact_id: contact.map(ContactId::get),
        contact_state: BTreeMap::new(),
        check: None,
        events: Vec::new(),
        pending_signup,
    };
    if let Some(contact) = contact {
        report.contact_state = store.contact_state(contact).await?.into_iter().collect();
        report.check = Some(store.check_status(contact).await?);
        report.events = store
            .contact_events(contact)
            .await?
            .iter()
            .map(|raw| {
                serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.clone()))
            })
            .collect();
    }
    Ok(report)
}

/// Runs `inspect`.
pub async fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let email = match &args.email {
        Some(raw) => Some(Email::parse(raw).map_err(|e| anyhow::anyhow!("--email: {e}"))?),
        None => None,
    };
    let contact = match &args.contact {
        Some(raw) => Some(ContactId::parse(raw).map_err(|e| anyhow::anyhow!("--contact: {e}"))?),
        None => None,
    };
    let store = connect(&args.redis).await?;
    let report = gather(&store, email.as_ref(), contact).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(())
}

/// The report as text for people.
pub fn render(report: &InspectReport) -> String {
    let mut out = String::new();
    match report.contact_id {
        Some(id) => {
            let _ = writeln!(out, "contact {id}");
            if report.contact_state.is_empty() {
                let _ = writeln!(out, "  state        (none recorded yet)");
            }
            for (name, value) in &report.contact_state {
                let _ = writeln!(out, "  {name:<12} {}", format_ms_str(value));
            }
            let check = match report.check {
                Some(CheckStatus {
                    in_flight: true, ..
                }) => "in progress".to_owned(),
                Some(CheckStatus {
                    due_at: Some(at), ..
                }) => format!("due at {}", format_ms(at)),
                _ => "not scheduled".to_owned(),
            };
            let _ = writeln!(out, "  check        {check}");
            let _ = writeln!(out, "events ({}, newest first)", report.events.len());
            for event in &report.events {
                let field = |name: &str| event.get(name).and_then(|v| v.as_str()).unwrap_or("");
                let property = field("property");
                let property = if property.is_empty() {
                    String::new()
                } else {
                    format!(" {property}")
                };
                let _ = writeln!(
                    out,
                    "  {} {}{property} (entry {})",
                    format_ms_str(field("receivedAt")),
                    field("type"),
                    field("entry")
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "contact      unknown (no checked contact for this address yet)"
            );
        }
    }
    match &report.pending_signup {
        Some(signup) => {
            let _ = writeln!(out, "pending signup {}", signup.signup_id);
            let _ = writeln!(out, "  email        {}", signup.email.as_str());
            let _ = writeln!(out, "  status       {}", signup.status.as_str());
            let _ = writeln!(out, "  submittedAt  {}", format_ms(signup.submitted_at));
            let _ = writeln!(out, "  attempts     {}", signup.attempts);
            let _ = writeln!(
                out,
                "  lastError    {}",
                signup.last_error.as_deref().unwrap_or("-")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "pending signup: none (email sent and signup retired, expired, or never signed up)"
            );
        }
    }
    out
}
