//! `POST …/contacts/batch/read`: up to 100 contacts in one call, by id or by a
//! unique property such as `email`. A 207 lists the inputs that do not exist
//! (yet): for the reactor those are "not visible yet".

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::client::HubSpotClient;
use super::crm::Contact;
use super::error::HubSpotError;

/// HubSpot's limit of inputs per batch call.
pub const MAX_BATCH_INPUTS: usize = 100;

/// HubSpot's category for inputs that match no contact.
const NOT_FOUND: &str = "OBJECT_NOT_FOUND";

/// What one batch read found.
///
/// Every input ends up in exactly one of three places: a contact in `results`
/// (match by `id`, or by the `id_property` value among its properties), its
/// input in `not_found` (HubSpot's `OBJECT_NOT_FOUND`: not created or not
/// visible yet), or in `other_errors` (any other per-input error of a 207;
/// the caller should treat those inputs as "unknown, ask again later").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchRead {
    pub results: Vec<Contact>,
    pub not_found: Vec<String>,
    pub other_errors: Vec<BatchItemError>,
}

/// One per-input error of a 207 answer (HubSpot's `StandardError`).
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
pub struct BatchItemError {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// HubSpot's context, e.g. `ids` -> the inputs concerned.
    #[serde(default)]
    pub context: HashMap<String, Vec<String>>,
}

impl BatchItemError {
    /// The inputs this error concerns (`context.ids`).
    pub fn ids(&self) -> &[String] {
        self.context.get("ids").map_or(&[], Vec::as_slice)
    }
}

/// Shows the category and how many inputs, never the inputs: they may be
/// email addresses.
impl std::fmt::Debug for BatchItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchItemError")
            .field("category", &self.category)
            .field("ids", &self.ids().len())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchReadBody<'a> {
    inputs: Vec<BatchInput<'a>>,
    properties: Vec<&'a str>,
    /// Required by the dated specs; the reactor never asks for history.
    properties_with_history: [&'a str; 0],
    #[serde(skip_serializing_if = "Option::is_none")]
    id_property: Option<&'a str>,
}

#[derive(Serialize)]
struct BatchInput<'a> {
    id: &'a str,
}

#[derive(Deserialize)]
struct BatchReadResponse {
    #[serde(default, deserialize_with = "super::lenient::list")]
    results: Vec<Contact>,
    #[serde(default, deserialize_with = "super::lenient::list")]
    errors: Vec<BatchItemError>,
}

impl HubSpotClient {
    /// Reads up to [`MAX_BATCH_INPUTS`] contacts at once. `id_property`:
    /// `None` for contact ids, `Some("email")` for addresses (which then
    /// travel in the body, never in a URL; `email` is added to `properties`
    /// so that results can be matched to inputs). Duplicate inputs are sent
    /// once. 200 and 207 are both `Ok`; see [`BatchRead`].
    pub async fn batch_read_contacts(
        &self,
        ids: &[String],
        id_property: Option<&str>,
        properties: &[&str],
    ) -> Result<BatchRead, HubSpotError> {
        let mut seen = HashSet::new();
        let inputs: Vec<BatchInput<'_>> = ids
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| BatchInput { id })
            .collect();
        if inputs.len() > MAX_BATCH_INPUTS {
            return Err(HubSpotError::TooManyInputs {
                given: inputs.len(),
                max: MAX_BATCH_INPUTS,
            });
        }
        if inputs.is_empty() {
            return Ok(BatchRead::default());
        }
        let mut wanted: Vec<&str> = properties.to_vec();
        if let Some(property) = id_property
            && !wanted.contains(&property)
        {
            wanted.push(property);
        }
        let body = BatchReadBody {
            inputs,
            properties: wanted,
            properties_with_history: [],
            id_property,
        };
        let url = self.api_url(&self.api_version().batch_read_path());
        let request = self.authorized(self.http().post(url).json(&body));
        let response = self.execute(request, false).await?;
        let answer: BatchReadResponse = Self::json(response).await?;
        Ok(split_answer(answer, &body, id_property))
    }
}

fn split_answer(
    answer: BatchReadResponse,
    body: &BatchReadBody<'_>,
    id_property: Option<&str>,
) -> BatchRead {
    let (missing, other_errors): (Vec<_>, Vec<_>) = answer
        .errors
        .into_iter()
        .partition(|e| e.category.as_deref() == Some(NOT_FOUND));
    let mut not_found: Vec<String> = missing
        .iter()
        .flat_map(|e| e.ids().iter().cloned())
        .collect();
    if not_found.is_empty() && !missing.is_empty() {
        // OBJECT_NOT_FOUND without `context.ids`: every input that matched
        // no result and no other error is missing.
        let matched = |input: &str| {
            answer.results.iter().any(|c| match id_property {
                None => c.id == input,
                Some(p) => c.property(p).is_some_and(|v| v.eq_ignore_ascii_case(input)),
            }) || other_errors
                .iter()
                .any(|e| e.ids().iter().any(|i| i == input))
        };
        not_found = body
            .inputs
            .iter()
            .filter(|i| !matched(i.id))
            .map(|i| i.id.to_owned())
            .collect();
    }
    BatchRead {
        results: answer.results,
        not_found,
        other_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<'a>(ids: &'a [&'a str]) -> BatchReadBody<'a> {
        BatchReadBody {
            inputs: ids.iter().map(|id| BatchInput { id }).collect(),
            properties: vec!["email"],
            properties_with_history: [],
            id_property: None,
        }
    }

    #[test]
    fn the_request_has_every_field_the_dated_spec_requires() {
        let mut request = body(&["1", "2"]);
        request.id_property = Some("email");
        let json = serde_json::to_value(&request).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({"inputs": [{"id": "1"}, {"id": "2"}], "properties": ["email"],
                "propertiesWithHistory": [], "idProperty": "email"})
        );
    }

    #[test]
    fn a_207_splits_into_found_not_found_and_other_errors() {
        let answer: BatchReadResponse = serde_json::from_value(serde_json::json!({
            "status": "COMPLETE", "numErrors": 2,
            "results": [{"id": "1", "properties": {"email": "a@example.com"}}],
            "errors": [
                {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "not found",
                 "context": {"ids": ["2", "3"]}},
                {"status": "error", "category": "VALIDATION_ERROR", "message": "bad",
                 "context": {"ids": ["x"]}}
            ]
        }))
        .expect("parse");
        let read = split_answer(answer, &body(&["1", "2", "3", "x"]), None);
        assert_eq!(read.results.len(), 1);
        assert_eq!(read.not_found, vec!["2", "3"]);
        assert_eq!(read.other_errors.len(), 1);
        assert_eq!(read.other_errors[0].ids(), ["x"]);
    }

    #[test]
    fn not_found_without_ids_means_every_unmatched_input() {
        let answer: BatchReadResponse = serde_json::from_value(serde_json::json!({
            "results": [{"id": "9", "properties": {"email": "A@example.com"}}],
            "errors": [{"category": "OBJECT_NOT_FOUND"}]
        }))
        .expect("parse");
        let mut request = body(&["a@example.com", "b@example.com"]);
        request.id_property = Some("email");
        let read = split_answer(answer, &request, Some("email"));
        assert_eq!(read.not_found, vec!["b@example.com"]);
    }

    #[test]
    fn debug_of_an_item_error_hides_its_inputs() {
        let error = BatchItemError {
            category: Some("VALIDATION_ERROR".into()),
            message: None,
            context: HashMap::from([("ids".to_owned(), vec!["ann@example.com".to_owned()])]),
        };
        assert!(!format!("{error:?}").contains("ann@"));
    }
}
