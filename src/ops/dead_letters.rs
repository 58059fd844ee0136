//! `signup-reactor dead-letters list | replay [ID | --all]`: what the reactor
//! gave up on, and putting it back to work once the cause is fixed.

use std::time::Duration;

use super::{connect, format_ms_str};
use crate::clock::now_ms;
use crate::config::RedisArgs;
use crate::domain::{NEVER_ACCEPTED, SignupStatus};
use crate::store::{DeadLetter, DeadLetterSource, RedisStore, StoreError};

/// Dead letters read at a time by `replay --all`.
const REPLAY_PAGE: usize = 100;

/// Options of `dead-letters`.
#[derive(Debug, clap::Args)]
pub struct DeadLettersArgs {
    #[command(subcommand)]
    pub command: DeadLettersCommand,
    #[command(flatten)]
    pub redis: RedisArgs,
}

/// What to do with dead letters.
#[derive(Debug, clap::Subcommand)]
pub enum DeadLettersCommand {
    /// List dead letters, oldest first.
    List {
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        count: usize,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Put dead letters back to work and remove them from the list.
    Replay {
        /// The dead letter's id (from `list`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Replay every dead letter.
        #[arg(long)]
        all: bool,
        /// TTL of a replayed signup's pending record.
        #[arg(long, env = "SIGNUP_PENDING_TTL", default_value = "7d", value_parser = humantime::parse_duration)]
        signup_pending_ttl: Duration,
    },
}

/// Runs `dead-letters`.
pub async fn dead_letters(args: DeadLettersArgs) -> anyhow::Result<()> {
    let store = connect(&args.redis).await?;
    match args.command {
        DeadLettersCommand::List { count, json } => {
            let letters = store.dead_letters().list(count).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&letters)?);
            } else if letters.is_empty() {
                println!("no dead letters");
            } else {
                for letter in &letters {
                    println!("{}", describe(letter));
                }
            }
        }
        DeadLettersCommand::Replay {
            id,
            all,
            signup_pending_ttl,
        } => match id.filter(|_| !all) {
            Some(id) => replay_one(&store, &id, signup_pending_ttl).await?,
            None => replay_all(&store, signup_pending_ttl).await?,
        },
    }
    Ok(())
}

/// Replays the dead letter `id`; fails, saying why, when it cannot be replayed.
async fn replay_one(store: &RedisStore, id: &str, pending_ttl: Duration) -> anyhow::Result<()> {
    let letter = store
        .dead_letters()
        .get(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no dead letter with id {id}"))?;
    match replay(store, &letter, pending_ttl).await? {
        ReplayOutcome::Done(what) => {
            println!("{id} replayed: {what}");
            Ok(())
        }
        ReplayOutcome::Skipped(why) => anyhow::bail!("{id} not replayed: {why}"),
    }
}

/// Replays every dead letter kept when it starts, a page at a time (letters
/// added meanwhile wait for the next replay); one that cannot be replayed is
/// reported and left in the list, and the replay goes on.
async fn replay_all(store: &RedisStore, pending_ttl: Duration) -> anyhow::Result<()> {
    let letters = store.dead_letters();
    let Some(until) = letters.newest_id().await? else {
        println!("no dead letters");
        return Ok(());
    };
    let (mut replayed, mut skipped) = (0_usize, 0_usize);
    let mut after: Option<String> = None;
    loop {
        let page = letters.page(after.as_deref(), &until, REPLAY_PAGE).await?;
        for letter in &page.letters {
            match replay(store, letter, pending_ttl).await? {
                ReplayOutcome::Done(what) => {
                    replayed += 1;
                    println!("{} replayed: {what}", letter.id);
                }
                ReplayOutcome::Skipped(why) => {
                    skipped += 1;
                    println!("{} skipped: {why}", letter.id);
                }
            }
        }
        match page.last {
            Some(last) if last != until => after = Some(last),
            _ => break,
        }
    }
    println!("{replayed} replayed, {skipped} skipped (left in the list)");
    Ok(())
}

/// One line per dead letter.
pub fn describe(letter: &DeadLetter) -> String {
    let subject = match &letter.source {
        DeadLetterSource::Check {
            signup_id,
            contact: Some(contact),
        } => format!("signup {signup_id} (contact {contact})"),
        DeadLetterSource::Check { signup_id, .. } | DeadLetterSource::Forms { signup_id } => {
            format!("signup {signup_id}")
        }
        DeadLetterSource::Event { entry_id, fields } => format!(
            "event entry {entry_id} (contact {})",
            fields.get("contact").map(String::as_str).unwrap_or("?")
        ),
    };
    let failed = match letter.failed_at {
        0 => String::new(),
        at => format!(" at {}", format_ms_str(&at.to_string())),
    };
    let correlation = letter
        .correlation_id
        .as_deref()
        .map(|id| format!(" [correlationId {id}]"))
        .unwrap_or_default();
    format!(
        "{}  {:<7} {subject}: {}{failed}{correlation}",
        letter.id,
        letter.source_label(),
        letter.reason
    )
}

/// What a replay did with one dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// Put back to work (what was done) and removed from the list.
    Done(String),
    /// Left in the list: it cannot be replayed (why).
    Skipped(String),
}

impl std::fmt::Display for ReplayOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Done(what) => write!(f, "replayed: {what}"),
            Self::Skipped(why) => write!(f, "skipped: {why}"),
        }
    }
}

/// Puts one dead letter back to work, then removes it; says what it did. A
/// signup is replayed only while it is dead-lettered (a sent or reopened
/// signup is never opened again); one whose record expired cannot be, nor
/// one never accepted (its request was answered 503).
pub async fn replay(
    store: &RedisStore,
    letter: &DeadLetter,
    pending_ttl: Duration,
) -> anyhow::Result<ReplayOutcome> {
    let done = match &letter.source {
        DeadLetterSource::Event { fields, .. } => {
            let entry = store.dead_letters().re_record_event(fields).await?;
            format!("event recorded again as {entry}")
        }
        DeadLetterSource::Check { signup_id: id, .. }
        | DeadLetterSource::Forms { signup_id: id } => {
            let mut signup = match store.signups().load(id).await {
                Ok(Some(signup)) => signup,
                Ok(None) => {
                    return Ok(ReplayOutcome::Skipped(format!(
                        "signup {id} has expired (its record is gone)"
                    )));
                }
                Err(StoreError::UnreadableSignup(why)) => {
                    return Ok(ReplayOutcome::Skipped(format!("signup {id}: {why}")));
                }
                Err(error) => return Err(error.into()),
            };
            if signup.status != SignupStatus::DeadLettered {
                return Ok(ReplayOutcome::Skipped(format!(
                    "signup {id} is {}, not dead-lettered",
                    signup.status.as_str()
                )));
            }
            // Its request was answered 503: the app's retry is the signup
            // that counts, and this one is never submitted.
            if signup.last_error.as_deref() == Some(NEVER_ACCEPTED) {
                return Ok(ReplayOutcome::Skipped(format!(
                    "signup {id} was never accepted (its request was not answered 202) and is never submitted"
                )));
            }
            let to_forms = matches!(letter.source, DeadLetterSource::Forms { .. });
            signup.status = if to_forms {
                SignupStatus::Queued
            } else {
                SignupStatus::Submitted
            };
            signup.last_error = None;
            signup.checks = 0;
            signup.waiting_since = Some(now_ms());
            if to_forms {
                signup.attempts = 0;
                signup.submitted_at = now_ms();
            }
            store.signups().reopen(&signup, pending_ttl).await?;
            if to_forms {
                store
                    .forms_retry_queue()
                    .schedule(id, Duration::ZERO)
                    .await?;
                format!("signup {id} queued for the Forms API again")
            } else {
                store
                    .signups()
                    .submitted(&signup, pending_ttl, Duration::ZERO)
                    .await?;
                format!("signup {id} checked again")
            }
        }
    };
    store.dead_letters().remove(&letter.id).await?;
    Ok(ReplayOutcome::Done(done))
}
