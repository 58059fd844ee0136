//! Dead letters: their fields there and back, and their sources.

use super::*;

#[test]
fn every_source_reads_back_as_written() {
    let entry: BTreeMap<String, String> = [
        ("contact".to_owned(), "7".to_owned()),
        ("type".to_owned(), "contact.creation".to_owned()),
    ]
    .into();
    for source in [
        DeadLetterSource::Event {
            entry_id: "1-0".to_owned(),
            fields: entry,
        },
        DeadLetterSource::Check {
            signup_id: "s1".to_owned(),
            contact: Some("7".to_owned()),
        },
        DeadLetterSource::Check {
            signup_id: "s2".to_owned(),
            contact: None,
        },
        DeadLetterSource::Forms {
            signup_id: "s3".to_owned(),
        },
    ] {
        let letter = DeadLetter::new(source, "why").with_correlation_id(Some("c-1".to_owned()));
        let fields: BTreeMap<String, String> = letter.to_fields().into_iter().collect();
        let read = DeadLetter::from_fields(String::new(), fields).expect("known source");
        assert_eq!(read, letter);
    }
    let unknown: BTreeMap<String, String> = [("source".to_owned(), "x".to_owned())].into();
    assert_eq!(DeadLetter::from_fields("1-0".to_owned(), unknown), None);
}
