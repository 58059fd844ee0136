//! Each signup script agrees with its declaration in `scripts.rs`.

use super::*;

fn all() -> [&'static SignupScript; 8] {
    [
        &CREATE, &SUBMITTED, &REPLACE, &RETIRE, &CLAIM, &FINISH, &WAKE, &DELETED,
    ]
}

/// A header role: its text without parentheses or joining words, and
/// whether the header says it is passed only sometimes (`(only ...)`, or
/// `a and b (both only ...)` for two).
#[derive(Debug, PartialEq)]
struct Role {
    text: String,
    optional: bool,
    /// Ends with "and": a following "(both only ...)" covers it too.
    joined: bool,
    /// Its note says "both only".
    both: bool,
}

/// The roles `KEYS[i]` / `ARGV[i]` the header names, from `KEYS[1]` to the
/// `Returns` line, in order; panics on a gap in the numbering.
fn header_roles(source: &str, array: &str) -> Vec<Role> {
    let header: Vec<&str> = source
        .lines()
        .filter_map(|line| line.strip_prefix("--"))
        .map(str::trim)
        .collect();
    let header = header.join(" ");
    let start = header.find("KEYS[1]").expect("the header names KEYS[1]");
    let header = &header[start..];
    let header = &header[..header.find("Returns").unwrap_or(header.len())];
    let mut roles = Vec::new();
    let mut rest = header;
    while let Some(at) = next_marker(rest) {
        let marker_end = at + rest[at..].find(']').expect("a closing bracket") + 1;
        let is_wanted = rest[at..].starts_with(array);
        let index: usize = rest[at + 5..marker_end - 1].parse().expect("an index");
        let after = &rest[marker_end..];
        let end = next_marker(after).unwrap_or(after.len());
        if is_wanted {
            assert_eq!(index, roles.len() + 1, "{array}[{index}] out of order");
            let next = role(&after[..end]);
            if next.both
                && let Some(previous) = roles.last_mut().filter(|r: &&mut Role| r.joined)
            {
                previous.optional = true;
            }
            roles.push(next);
        }
        rest = &after[end..];
    }
    roles
}

fn next_marker(text: &str) -> Option<usize> {
    [text.find("KEYS["), text.find("ARGV[")]
        .into_iter()
        .flatten()
        .min()
}

fn role(raw: &str) -> Role {
    let mut text = String::new();
    let mut depth = 0;
    let mut optional = false;
    let mut both = false;
    let mut inner = String::new();
    for c in raw.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                optional |= inner.contains("only");
                both |= inner.contains("both only");
                inner.clear();
            }
            c if depth > 0 => inner.push(c),
            c => text.push(c),
        }
    }
    let text = text.trim().trim_end_matches(',').trim();
    let joined = text.ends_with(" and");
    Role {
        text: text.trim_end_matches(" and").trim().to_owned(),
        optional,
        joined,
        both,
    }
}

/// The indices of `KEYS` / `ARGV` the script's code (not its comments) uses.
fn used(source: &str, array: &str) -> std::collections::BTreeSet<usize> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let marker = format!("{array}[");
    code.match_indices(&marker)
        .filter_map(|(at, _)| {
            let digits = &code[at + marker.len()..];
            let end = digits.find(']')?;
            digits[..end].parse().ok()
        })
        .collect()
}

#[test]
fn every_header_names_the_declared_roles_in_order() {
    for script in all() {
        let keys = header_roles(script.source, "KEYS");
        let declared: Vec<&str> = keys.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(declared, script.keys, "{}: KEYS", script.name);
        let optional = keys.iter().rev().take_while(|r| r.optional).count();
        assert_eq!(
            optional, script.optional_keys,
            "{}: the keys passed only sometimes",
            script.name
        );
        assert!(
            keys[..keys.len() - optional].iter().all(|r| !r.optional),
            "{}: only the last keys may be optional",
            script.name
        );
        let args: Vec<String> = header_roles(script.source, "ARGV")
            .into_iter()
            .map(|r| r.text)
            .collect();
        assert_eq!(args, script.args, "{}: ARGV", script.name);
    }
}

#[test]
fn every_script_uses_exactly_the_declared_keys_and_arguments() {
    for script in all() {
        let keys: Vec<usize> = used(script.source, "KEYS").into_iter().collect();
        let args: Vec<usize> = used(script.source, "ARGV").into_iter().collect();
        assert_eq!(
            keys,
            (1..=script.keys.len()).collect::<Vec<_>>(),
            "{}: KEYS used",
            script.name
        );
        assert_eq!(
            args,
            (1..=script.args.len()).collect::<Vec<_>>(),
            "{}: ARGV used",
            script.name
        );
    }
}

/// The quoted values a script compares `subject` with (`subject == '...'`).
fn compared(source: &str, subject: &str) -> Vec<String> {
    let pattern = format!("{subject} == '");
    source
        .match_indices(&pattern)
        .filter_map(|(at, _)| {
            let value = &source[at + pattern.len()..];
            Some(value[..value.find('\'')?].to_owned())
        })
        .collect()
}

#[test]
fn the_finish_script_knows_exactly_the_rust_modes() {
    let source = FINISH.source;
    assert_eq!(
        compared(source, "mode"),
        [finish_mode::FINAL, finish_mode::DROP],
        "the modes the script tests for"
    );
    assert!(
        source.contains(&format!("'{}'", finish_mode::WAIT)),
        "the header names the mode that falls through"
    );
    assert!(source.contains("local mode = ARGV[4]"));
    assert_eq!(FINISH.args[3], "mode");
}

#[test]
fn the_wake_script_knows_exactly_the_rust_kinds() {
    let source = WAKE.source;
    assert_eq!(compared(source, "ARGV[1]"), [wake_kind::CREATION]);
    assert_eq!(
        WAKE.args[0],
        format!("'{}' or '{}'", wake_kind::CREATION, wake_kind::CHANGE)
    );
}

#[test]
fn a_call_off_its_interface_fails_before_redis() {
    assert!(CLAIM.check(2, 3).is_ok());
    assert!(CLAIM.check(2, 2).is_err());
    assert!(CLAIM.check(3, 3).is_err());
    assert!(
        FINISH.check(7, 7).is_ok(),
        "the contact's index is optional"
    );
    assert!(FINISH.check(6, 7).is_err());
}

#[test]
fn the_role_parser_reads_parentheses_and_joins() {
    let header = "-- KEYS[1] a (hash), KEYS[2] b and KEYS[3] c (both only for x)\n\
                  -- ARGV[1] d ('' keeps it), ARGV[2] e\n-- Returns 1.";
    let keys = header_roles(header, "KEYS");
    let texts: Vec<&str> = keys.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["a", "b", "c"]);
    assert_eq!(
        keys.iter().map(|r| r.optional).collect::<Vec<_>>(),
        [false, true, true]
    );
    let args: Vec<String> = header_roles(header, "ARGV")
        .into_iter()
        .map(|r| r.text)
        .collect();
    assert_eq!(args, ["d", "e"]);
}
