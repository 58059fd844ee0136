//! The `context` of a signup: the visitor's session, which attributes the
//! contact. Read strictly: an unknown key is refused (422, naming it) rather
//! than dropped, since a dropped `hutk` silently loses the contact's source.
//! HubSpot's own spellings elsewhere are accepted as aliases: `hubspotutk`
//! (the cookie's name) for `hutk`, `pageUrl` for `pageUri`.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::field_problem::FieldProblem;
use crate::domain::SignupContext;

/// The keys the Forms API's `context` takes from the reactor.
const KEYS: &str = "hutk, ipAddress, pageUri, pageName (or hubspotutk, pageUrl)";

/// Which context entry a key names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Hutk,
    IpAddress,
    PageUri,
    PageName,
}

impl Entry {
    fn of(key: &str) -> Option<Self> {
        match key {
            "hutk" | "hubspotutk" => Some(Self::Hutk),
            "ipAddress" => Some(Self::IpAddress),
            "pageUri" | "pageUrl" => Some(Self::PageUri),
            "pageName" => Some(Self::PageName),
            _ => None,
        }
    }

    fn slot(self, context: &mut SignupContext) -> &mut Option<String> {
        match self {
            Self::Hutk => &mut context.hutk,
            Self::IpAddress => &mut context.ip_address,
            Self::PageUri => &mut context.page_uri,
            Self::PageName => &mut context.page_name,
        }
    }
}

/// Maps the raw `context` object onto the Forms API's context, reporting
/// unknown keys, values that are not strings, and an alias given together
/// with its canonical key.
pub fn parse_context(
    raw: &BTreeMap<String, Box<RawValue>>,
    problems: &mut Vec<FieldProblem>,
) -> SignupContext {
    let mut context = SignupContext::default();
    for (key, value) in raw {
        let at = format!("context.{key}");
        let Some(entry) = Entry::of(key) else {
            problems.push(FieldProblem::new(
                at,
                "INVALID_CONTEXT",
                format!("unknown context key; expected {KEYS}"),
            ));
            continue;
        };
        let text = match value.get() {
            "null" => continue,
            json => match serde_json::from_str::<String>(json) {
                Ok(text) => text,
                Err(_) => {
                    problems.push(FieldProblem::new(
                        at,
                        "INVALID_CONTEXT",
                        "expected a string",
                    ));
                    continue;
                }
            },
        };
        let slot = entry.slot(&mut context);
        if slot.is_some() {
            problems.push(FieldProblem::new(
                at,
                "INVALID_CONTEXT",
                "given twice (under its name and its alias)",
            ));
            continue;
        }
        *slot = Some(text);
    }
    context
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> (SignupContext, Vec<String>) {
        let raw: BTreeMap<String, Box<RawValue>> = serde_json::from_str(json).expect("object");
        let mut problems = Vec::new();
        let context = parse_context(&raw, &mut problems);
        (context, problems.into_iter().map(|p| p.field).collect())
    }

    #[test]
    fn aliases_are_mapped_and_unknown_keys_named() {
        let (context, problems) =
            parse(r#"{"hubspotutk":"abc","pageUrl":"https://x.io/p","pageName":null}"#);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(context.hutk.as_deref(), Some("abc"));
        assert_eq!(context.page_uri.as_deref(), Some("https://x.io/p"));
        assert_eq!(context.page_name, None);

        let (_, problems) = parse(r#"{"pageId":"1","hutk":"a","hubspotutk":"b","ipAddress":7}"#);
        assert!(
            problems.contains(&"context.pageId".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"context.ipAddress".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"context.hutk".to_owned())
                || problems.contains(&"context.hubspotutk".to_owned()),
            "{problems:?}"
        );
    }
}
