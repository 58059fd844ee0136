//! `signup-reactor inspect --email ADDRESS | --contact ID | --signup ID`: the
//! signups the reactor holds for an address, a contact or by id, with where
//! each stands (status, next check, send result), as text or JSON.

use std::fmt::Write;

use serde::Serialize;

use super::{connect, format_ms};
use crate::config::RedisArgs;
use crate::domain::{ContactId, Email, SignupRecord};
use crate::store::RedisStore;

/// Options of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The signup's email address (its open signups).
    #[arg(long, required_unless_present_any = ["contact", "signup"], conflicts_with_all = ["contact", "signup"])]
    pub email: Option<String>,
    /// The HubSpot contact id (its open signups).
    #[arg(long, conflicts_with = "signup")]
    pub contact: Option<String>,
    /// One signup by id (also after it was sent or dead-lettered).
    #[arg(long)]
    pub signup: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub redis: RedisArgs,
}

/// What to look up.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Email(&'a Email),
    Contact(ContactId),
    Signup(&'a str),
}

/// One signup as operators see it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignupView {
    #[serde(flatten)]
    pub record: SignupRecord,
    /// When its next check is due (ms, Redis clock), if queued.
    pub next_check_at: Option<u64>,
}

/// Everything the reactor knows about the subject's signups.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectReport {
    pub signups: Vec<SignupView>,
}

/// Gathers the report.
pub async fn gather(store: &RedisStore, subject: Subject<'_>) -> anyhow::Result<InspectReport> {
    let records = match subject {
        Subject::Email(email) => store.signups().of_email(email).await?,
        Subject::Contact(contact) => {
            let ids = store.checks().signups_of_contact(contact).await?;
            store
                .signups()
                .load_many(&ids)
                .await?
                .into_iter()
                .flatten()
                .collect()
        }
        Subject::Signup(id) => store.signups().load(id).await?.into_iter().collect(),
    };
    let mut signups = Vec::new();
    for record in records {
        let next_check_at = store.checks().due_at(&record.signup_id).await?;
        signups.push(SignupView {
            record,
            next_check_at,
        });
    }
    Ok(InspectReport { signups })
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
    let subject = match (&email, contact, &args.signup) {
        (Some(email), _, _) => Subject::Email(email),
        (None, Some(contact), _) => Subject::Contact(contact),
        (None, None, Some(id)) => Subject::Signup(id),
        (None, None, None) => anyhow::bail!("give --email, --contact or --signup"),
    };
    let store = connect(&args.redis).await?;
    let report = gather(&store, subject).await?;
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
    if report.signups.is_empty() {
        let _ = writeln!(
            out,
            "no signup found (none open for this address or contact, or expired)"
        );
    }
    for view in &report.signups {
        let signup = &view.record;
        let _ = writeln!(out, "signup {}", signup.signup_id);
        let _ = writeln!(out, "  email        {}", signup.email.as_str());
        let _ = writeln!(out, "  status       {}", signup.status.as_str());
        let _ = writeln!(out, "  submittedAt  {}", format_ms(signup.submitted_at));
        let contact = signup.contact_id.map_or("-".to_owned(), |c| c.to_string());
        let _ = writeln!(out, "  contact      {contact}");
        let _ = writeln!(
            out,
            "  attempts     {} forms, {} checks",
            signup.attempts, signup.checks
        );
        let next = view.next_check_at.map_or("-".to_owned(), format_ms);
        let _ = writeln!(out, "  nextCheck    {next}");
        if let Some(send) = &signup.send {
            let _ = writeln!(
                out,
                "  send         {} ({}) statusId {} at {}",
                send.send_result,
                send.send_id,
                send.status_id,
                format_ms(send.sent_at)
            );
        }
        let _ = writeln!(
            out,
            "  lastError    {}",
            signup.last_error.as_deref().unwrap_or("-")
        );
    }
    out
}
