//! The HubSpot developer-platform project in `deploy/hubspot/`: its files have
//! the structure HubSpot's platform 2026.03 expects, and what they declare
//! (scopes, subscriptions, target URL) agrees with what the reactor does.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::readme::section;
use crate::support::{read, repo_path};

const PROJECT: &str = "deploy/hubspot/hsproject.json";
const APP: &str = "deploy/hubspot/src/app/app-hsmeta.json";
const WEBHOOKS: &str = "deploy/hubspot/src/app/webhooks/webhooks-hsmeta.json";

/// The receiver's route (`POST /webhooks/hubspot`).
const WEBHOOK_PATH: &str = "/webhooks/hubspot";

/// The contact property whose changes the worker acts on.
const WATCHED_PROPERTY: &str = "email";

/// Which scope each family of HubSpot calls needs, keyed by a fragment of its
/// path that the client code under `src/hubspot/` spells out. The developer
/// API key calls (`/webhooks/...`) use no scope of the app.
const SCOPE_OF_CALLS: [(&str, &str, &str); 5] = [
    (
        "crm/",
        "crm.objects.contacts.read",
        "CRM contact reads (by id, by email, batch read, search)",
    ),
    (
        "contacts/v1/",
        "crm.objects.contacts.read",
        "legacy contact profile and batch profile reads",
    ),
    (
        "form-integrations/",
        "forms",
        "the signup form's submissions listing",
    ),
    ("secure/submit", "forms", "the authenticated Forms submit"),
    (
        "single-email/send",
        "transactional-email",
        "the verification Single Send",
    ),
];

fn json(relative: &str) -> Value {
    serde_json::from_str(&read(relative))
        .unwrap_or_else(|e| panic!("{relative} is not valid JSON: {e}"))
}

fn object<'a>(value: &'a Value, what: &str) -> &'a Map<String, Value> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"))
}

fn field<'a>(value: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(value, |current, key| {
        current
            .get(*key)
            .unwrap_or_else(|| panic!("missing {}", path.join(".")))
    })
}

fn string<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    field(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

fn strings(value: &Value, path: &[&str]) -> Vec<String> {
    field(value, path)
        .as_array()
        .unwrap_or_else(|| panic!("{} is not a list", path.join(".")))
        .iter()
        .map(|item| {
            item.as_str()
                .unwrap_or_else(|| panic!("{} holds a non-string", path.join(".")))
                .to_owned()
        })
        .collect()
}

/// HubSpot's rule for component uids: letters, digits, `.`, `-`, `_`.
fn assert_uid(value: &Value, file: &str) -> String {
    let uid = string(value, &["uid"]);
    assert!(
        !uid.is_empty()
            && uid
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')),
        "{file}: invalid uid {uid:?}"
    );
    uid.to_owned()
}

/// The source text of the HubSpot client.
fn hubspot_client_sources() -> String {
    let dir = repo_path("src/hubspot");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("read src/hubspot") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            text.push_str(&std::fs::read_to_string(&path).expect("read source"));
        }
    }
    text
}

/// The scopes the reactor's HubSpot calls need.
fn scopes_the_reactor_needs() -> BTreeSet<&'static str> {
    let sources = hubspot_client_sources();
    SCOPE_OF_CALLS
        .iter()
        .filter(|(fragment, _, _)| sources.contains(fragment))
        .map(|(_, scope, _)| *scope)
        .collect()
}

#[test]
fn hsproject_names_the_source_dir_and_platform_2026_03() {
    let project = json(PROJECT);
    assert!(!string(&project, &["name"]).trim().is_empty());
    assert_eq!(string(&project, &["srcDir"]), "src");
    assert_eq!(string(&project, &["platformVersion"]), "2026.03");
    assert!(repo_path("deploy/hubspot/src/app").is_dir());
}

#[test]
fn app_is_a_private_static_auth_app_with_exactly_the_scopes_the_reactor_needs() {
    let app = json(APP);
    assert_uid(&app, APP);
    assert_eq!(string(&app, &["type"]), "app");
    for key in ["name", "description"] {
        assert!(!string(&app, &["config", key]).trim().is_empty(), "{key}");
    }
    assert_eq!(string(&app, &["config", "distribution"]), "private");
    assert_eq!(string(&app, &["config", "auth", "type"]), "static");
    // Static auth can only define required scopes.
    for kind in ["optionalScopes", "conditionallyRequiredScopes"] {
        assert!(
            strings(&app, &["config", "auth", kind]).is_empty(),
            "{kind}"
        );
    }
    let required = strings(&app, &["config", "auth", "requiredScopes"]);
    let unique: BTreeSet<&str> = required.iter().map(String::as_str).collect();
    assert_eq!(
        unique.len(),
        required.len(),
        "duplicate scopes: {required:?}"
    );
    let needed = scopes_the_reactor_needs();
    assert!(
        needed.contains("crm.objects.contacts.read") && needed.contains("transactional-email"),
        "the client no longer spells the paths this test looks for: {needed:?}"
    );
    assert_eq!(unique, needed, "requiredScopes must be what the calls need");
    for kind in ["fetch", "iframe", "img"] {
        strings(&app, &["config", "permittedUrls", kind]);
    }
    let support = object(field(&app, &["config", "support"]), "config.support");
    assert!(
        support
            .get("supportEmail")
            .and_then(Value::as_str)
            .is_some_and(|email| email.contains('@')),
        "config.support.supportEmail"
    );
}

#[test]
fn webhooks_target_the_receiver_route_and_subscribe_to_what_the_worker_needs() {
    let webhooks = json(WEBHOOKS);
    let uid = assert_uid(&webhooks, WEBHOOKS);
    assert_ne!(uid, string(&json(APP), &["uid"]), "uids must be unique");
    assert_eq!(string(&webhooks, &["type"]), "webhooks");

    let target = string(&webhooks, &["config", "settings", "targetUrl"]);
    let url = url::Url::parse(target).expect("targetUrl is an absolute URL");
    assert_eq!(url.scheme(), "https", "HubSpot delivers over HTTPS");
    assert_eq!(url.path(), WEBHOOK_PATH, "the receiver's route");
    assert!(url.query().is_none() && url.fragment().is_none());
    let concurrency = field(&webhooks, &["config", "settings", "maxConcurrentRequests"]);
    assert!(
        concurrency.as_u64().is_some_and(|n| (1..=10).contains(&n)),
        "maxConcurrentRequests: a positive integer, at most HubSpot's 10: {concurrency}"
    );

    let groups = object(
        field(&webhooks, &["config", "subscriptions"]),
        "config.subscriptions",
    );
    let mut subscribed = Vec::new();
    for (group, entries) in groups {
        let entries = entries
            .as_array()
            .unwrap_or_else(|| panic!("subscriptions.{group} is not a list"));
        for entry in entries {
            subscribed.push(contact_subscription(group, entry));
        }
    }
    subscribed.sort();
    assert_eq!(
        subscribed,
        vec![
            ("creation", None),
            ("deletion", None),
            ("propertyChange", Some(WATCHED_PROPERTY.to_owned()))
        ],
        "exactly contact creation, the {WATCHED_PROPERTY} property change and deletion, each once"
    );
}

/// One active subscription the receiver records as a contact event, as
/// (action, property): classic `contact.*` under `legacyCrmObjects`, or
/// generic `object.*` on `contact` under `crmObjects`.
fn contact_subscription(group: &str, entry: &Value) -> (&'static str, Option<String>) {
    let subscription_type = string(entry, &["subscriptionType"]);
    assert_eq!(
        field(entry, &["active"]).as_bool(),
        Some(true),
        "{subscription_type}: must be active"
    );
    let action = match (group, subscription_type) {
        ("legacyCrmObjects", "contact.creation") => "creation",
        ("legacyCrmObjects", "contact.propertyChange") => "propertyChange",
        ("legacyCrmObjects", "contact.deletion") => "deletion",
        ("crmObjects", "object.creation" | "object.propertyChange" | "object.deletion") => {
            assert_eq!(string(entry, &["objectType"]), "contact");
            match subscription_type {
                "object.creation" => "creation",
                "object.deletion" => "deletion",
                _ => "propertyChange",
            }
        }
        _ => panic!("{group} {subscription_type}: not a contact event the receiver records"),
    };
    let property = entry.get("propertyName").map(|name| {
        name.as_str()
            .unwrap_or_else(|| panic!("{subscription_type}: propertyName is not a string"))
            .to_owned()
    });
    assert_eq!(
        property.is_some(),
        action == "propertyChange",
        "{subscription_type}: propertyName goes with property changes only"
    );
    (action, property)
}

#[test]
fn readme_tells_how_to_deploy_the_project_and_which_call_needs_which_scope() {
    let readme = read("README.md");
    let setup = section(&readme, "## Set it up in HubSpot");
    for needle in [
        "npm install -g @hubspot/cli",
        "hs project upload",
        "deploy/hubspot",
        "HUBSPOT_CLIENT_SECRET",
        "HUBSPOT_ACCESS_TOKEN",
        "HUBSPOT_PORTAL_ID",
        "WEBHOOK_PUBLIC_URL",
        "webhooks-hsmeta.json",
    ] {
        assert!(
            setup.contains(needle),
            "Set it up in HubSpot lacks {needle}"
        );
    }
    let target = string(&json(WEBHOOKS), &["config", "settings", "targetUrl"]).to_owned();
    assert!(
        setup.contains(&target),
        "the README shows the target URL placeholder {target}"
    );
    for scope in strings(&json(APP), &["config", "auth", "requiredScopes"]) {
        assert!(
            setup.contains(&format!("`{scope}`")),
            "the README does not say which call needs {scope}"
        );
    }
}
