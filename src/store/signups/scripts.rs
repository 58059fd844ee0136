//! The signup scripts (`scripts/signup_*.lua`) and what they share with the
//! Rust side. They treat a signup's record as opaque (the JSON is stored as
//! given; the fenced writes decode it only to read its `status`, the
//! snake_case name of `SignupStatus`), so what must agree is each script's
//! interface: the roles of its KEYS and ARGV, in order, and the literal values
//! it compares (the finish mode, the wake kind). Each is declared here once; a call that
//! passes another number of keys or arguments fails before reaching Redis,
//! and the tests below fail when a script's header or body disagrees.

use std::sync::LazyLock;

use redis::ToSingleRedisArg;
use redis::aio::ConnectionLike;
use redis::{ErrorKind, FromRedisValue, RedisError, RedisResult, Script, ScriptInvocation};

/// The modes of `signup_finish.lua` (its ARGV[4]).
pub mod finish_mode {
    /// Store the record and make the next check due later.
    pub const WAIT: &str = "wait";
    /// Store the record; the signup leaves every queue and index.
    pub const FINAL: &str = "final";
    /// The signup leaves the check queue only.
    pub const DROP: &str = "drop";
}

/// The kinds of event `signup_wake.lua` tells apart (its ARGV[1]).
pub mod wake_kind {
    /// A contact's creation: an early check of unseen signups, now or at the end of the interval.
    pub const CREATION: &str = "creation";
    /// Any other change (a property, an `email` change).
    pub const CHANGE: &str = "change";
}

/// One signup script with the roles of its KEYS and ARGV, as its header
/// names them; the last `optional_keys` keys may be left out.
pub struct SignupScript {
    name: &'static str,
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "read by the tests holding the script to this declaration"
        )
    )]
    source: &'static str,
    keys: &'static [&'static str],
    optional_keys: usize,
    args: &'static [&'static str],
    script: Script,
}

impl SignupScript {
    fn new(
        name: &'static str,
        source: &'static str,
        keys: &'static [&'static str],
        optional_keys: usize,
        args: &'static [&'static str],
    ) -> Self {
        Self {
            name,
            source,
            keys,
            optional_keys,
            args,
            script: Script::new(source),
        }
    }

    /// Starts a call, counting keys and arguments as they are added.
    pub fn prepare_invoke(&self) -> ScriptCall<'_> {
        ScriptCall {
            script: self,
            invocation: self.script.prepare_invoke(),
            keys: 0,
            args: 0,
        }
    }

    fn check(&self, keys: usize, args: usize) -> RedisResult<()> {
        let required = self.keys.len() - self.optional_keys;
        if (required..=self.keys.len()).contains(&keys) && args == self.args.len() {
            return Ok(());
        }
        Err(RedisError::from((
            ErrorKind::Client,
            "signup script called against its interface",
            format!(
                "{} takes {required}..={} keys and {} arguments, was given {keys} and {args}",
                self.name,
                self.keys.len(),
                self.args.len()
            ),
        )))
    }
}

/// A call of a [`SignupScript`] being built; each `key`/`arg` is one KEYS or
/// ARGV entry.
pub struct ScriptCall<'a> {
    script: &'a SignupScript,
    invocation: ScriptInvocation<'a>,
    keys: usize,
    args: usize,
}

impl ScriptCall<'_> {
    /// Adds the next key.
    pub fn key<T: ToSingleRedisArg>(&mut self, key: T) -> &mut Self {
        self.invocation.key(key);
        self.keys += 1;
        self
    }

    /// Adds the next argument.
    pub fn arg<T: ToSingleRedisArg>(&mut self, arg: T) -> &mut Self {
        self.invocation.arg(arg);
        self.args += 1;
        self
    }

    /// Runs the script, after checking the call against its interface.
    pub async fn invoke_async<T: FromRedisValue>(
        &self,
        conn: &mut impl ConnectionLike,
    ) -> RedisResult<T> {
        self.script.check(self.keys, self.args)?;
        self.invocation.invoke_async(conn).await
    }
}

/// `signup_create.lua`.
pub static CREATE: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_create.lua",
        include_str!("../scripts/signup_create.lua"),
        &["the signup's record", "open signups", "its email's index"],
        0,
        &["signupId", "record JSON", "record TTL ms", "submit time ms"],
    )
});

/// `signup_submitted.lua`.
pub static SUBMITTED: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_submitted.lua",
        include_str!("../scripts/signup_submitted.lua"),
        &[
            "the signup's record",
            "due checks",
            "unseen signups",
            "wake list",
        ],
        0,
        &[
            "signupId",
            "record JSON",
            "record TTL ms",
            "grace ms",
            "wake list length",
            "expected status",
            "deadline ms",
        ],
    )
});

/// `signup_replace.lua`.
pub static REPLACE: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_replace.lua",
        include_str!("../scripts/signup_replace.lua"),
        &["the signup's record"],
        0,
        &[
            "record JSON",
            "record TTL ms",
            "expected status",
            "deadline ms",
        ],
    )
});

/// `signup_retire.lua`.
pub static RETIRE: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_retire.lua",
        include_str!("../scripts/signup_retire.lua"),
        &[
            "the signup's record",
            "open signups",
            "due checks",
            "unseen signups",
            "its email's index",
            "its contact's index",
        ],
        1,
        &[
            "signupId",
            "record JSON",
            "record TTL ms",
            "expected status",
        ],
    )
});

/// `signup_claim.lua`.
pub static CLAIM: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_claim.lua",
        include_str!("../scripts/signup_claim.lua"),
        &["due checks", "claim tokens"],
        0,
        &["lease ms", "most signups", "this claim's token"],
    )
});

/// `signup_finish.lua`.
pub static FINISH: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_finish.lua",
        include_str!("../scripts/signup_finish.lua"),
        &[
            "due checks",
            "claim tokens",
            "woken during a check",
            "unseen signups",
            "open signups",
            "the record",
            "its email's index",
            "its contact's index",
        ],
        1,
        &[
            "signupId",
            "claim token",
            "record JSON",
            "mode",
            "delay ms",
            "record TTL ms",
            "recheck delay ms",
        ],
    )
});

/// `signup_wake.lua`.
pub static WAKE: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_wake.lua",
        include_str!("../scripts/signup_wake.lua"),
        &[
            "due checks",
            "claim tokens",
            "woken during a check",
            "unseen signups",
            "early-check marker",
            "the contact's index",
            "wake list",
            "created contacts",
            "the address's index",
            "its contact hint",
        ],
        2,
        &[
            "'creation' or 'change'",
            "early-check interval ms",
            "the contact id",
            "the hint's TTL ms",
            "wake list length",
            "created contacts' lifetime ms",
        ],
    )
});

/// `signup_deleted.lua`.
pub static DELETED: LazyLock<SignupScript> = LazyLock::new(|| {
    SignupScript::new(
        "signup_deleted.lua",
        include_str!("../scripts/signup_deleted.lua"),
        &["the contact's index", "its deletion marker"],
        0,
        &["marker TTL ms"],
    )
});

#[cfg(test)]
#[path = "scripts_tests.rs"]
mod tests;
