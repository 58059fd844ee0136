//! The contact property `hs_calculated_form_submissions`, which a dated CRM
//! read can return: "the 800 most recent form submissions" of the contact.
//!
//! Its format is UNCONFIRMED: third-party code reports entries
//! `<formGuid>::<timestamp>` joined by `;`. The parser is lenient so that a
//! different reading degrades to "no confirmation" instead of a failure:
//! - entries may be separated by `;`, `,` or newlines; blanks are skipped;
//! - an entry without `::` is a form GUID with no time;
//! - a time that is not a whole number is `None`; a number below 10^11 is
//!   taken as seconds (no millisecond timestamp of this century is that
//!   small) and converted to milliseconds;
//! - form GUIDs are trimmed and lowercased (the reactor's configured GUID is).

/// The property's name, as requested in a CRM read.
pub const CALCULATED_FORM_SUBMISSIONS: &str = "hs_calculated_form_submissions";

/// One entry of `hs_calculated_form_submissions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculatedSubmission {
    /// The form's GUID, lowercased.
    pub form_guid: String,
    /// When the form was submitted, in ms since the epoch, if the entry says.
    pub submitted_at: Option<u64>,
}

/// Below this a timestamp is read as seconds.
const SECONDS_BELOW: u64 = 100_000_000_000;

/// Parses the property's value; never fails, never panics.
pub fn parse_calculated_form_submissions(raw: &str) -> Vec<CalculatedSubmission> {
    raw.split([';', ',', '\n'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| {
            let (guid, time) = match entry.split_once("::") {
                Some((guid, time)) => (guid, Some(time)),
                None => (entry, None),
            };
            let form_guid = guid.trim().to_ascii_lowercase();
            if form_guid.is_empty() {
                return None;
            }
            let submitted_at = time.and_then(|t| t.trim().parse::<u64>().ok()).map(|t| {
                if t < SECONDS_BELOW {
                    t.saturating_mul(1000)
                } else {
                    t
                }
            });
            Some(CalculatedSubmission {
                form_guid,
                submitted_at,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(guid: &str, at: Option<u64>) -> CalculatedSubmission {
        CalculatedSubmission {
            form_guid: guid.to_owned(),
            submitted_at: at,
        }
    }

    #[test]
    fn the_reported_format_parses() {
        let parsed =
            parse_calculated_form_submissions("0B1C-AA::1700000000000;0b1c-bb::1700000001000");
        assert_eq!(
            parsed,
            vec![
                entry("0b1c-aa", Some(1_700_000_000_000)),
                entry("0b1c-bb", Some(1_700_000_001_000))
            ]
        );
    }

    #[test]
    fn odd_values_degrade_without_failing() {
        assert!(parse_calculated_form_submissions("").is_empty());
        assert!(parse_calculated_form_submissions(" ;; ;").is_empty());
        assert_eq!(
            parse_calculated_form_submissions("abc, def::x ;::5\n ghi::1700000000"),
            vec![
                entry("abc", None),
                entry("def", None),
                entry("ghi", Some(1_700_000_000_000))
            ]
        );
        assert_eq!(
            parse_calculated_form_submissions("a::99999999999999999999999"),
            vec![entry("a", None)]
        );
        assert_eq!(
            parse_calculated_form_submissions("a::1::2"),
            vec![entry("a", None)]
        );
    }
}
