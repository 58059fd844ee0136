//! The reactor's HubSpot client against the simulator, on every API version:
//! batch reads with contacts not visible yet, the legacy batch of profiles,
//! `hs_calculated_form_submissions`, and Single Send verdicts.

use std::time::Duration;

use hubspot_simulator::{DEFAULT_FORM_GUID, SimulatorHandle};
use signup_reactor::domain::{ContactId, Email};
use signup_reactor::hubspot::crm::{
    CALCULATED_FORM_SUBMISSIONS, parse_calculated_form_submissions,
};
use signup_reactor::hubspot::transactional::{SendVerdict, SingleSend};
use signup_reactor::hubspot::{ApiVersion, HubSpotClient, HubSpotEndpoints};

use crate::support::{self, HUTK, TOKEN};

fn client(sim: &SimulatorHandle, version: ApiVersion) -> HubSpotClient {
    HubSpotClient::new(HubSpotEndpoints {
        api_base_url: sim.base_url().parse().expect("url"),
        forms_base_url: sim.base_url().parse().expect("url"),
        access_token: TOKEN.to_owned().into(),
        timeout: Duration::from_secs(5),
        api_version: version,
        max_retry_wait: Duration::from_secs(60),
    })
    .expect("client")
}

#[tokio::test]
async fn batch_reads_split_visible_and_not_yet_visible_on_every_version() {
    let sim = support::start(support::fast_config()).await;
    let email = "reads@example.com";
    let submitted = support::submit(&sim, &support::signup_body(email, Some(HUTK))).await;
    assert_eq!(submitted.status(), 200);
    assert!(sim.wait_idle(Duration::from_secs(10)).await);
    let id = sim.contact_by_email(email).expect("contact").id;
    let contact_id = ContactId::new(id).expect("id");
    let absent = ContactId::new(4242).expect("id");
    for version in [ApiVersion::V2026_09, ApiVersion::V2026_03, ApiVersion::V3] {
        let client = client(&sim, version);
        let ids = vec![id.to_string(), "4242".to_owned()];
        let read = client
            .batch_read_contacts(&ids, None, &["email", CALCULATED_FORM_SUBMISSIONS])
            .await
            .expect("207 is Ok");
        assert_eq!(read.results.len(), 1, "{version}");
        assert_eq!(read.results[0].contact_id(), Some(contact_id));
        assert_eq!(read.not_found, vec!["4242".to_owned()]);
        let calculated = read.results[0]
            .property(CALCULATED_FORM_SUBMISSIONS)
            .map(parse_calculated_form_submissions)
            .unwrap_or_default();
        assert_eq!(calculated.len(), 1);
        assert_eq!(calculated[0].form_guid, DEFAULT_FORM_GUID);
        assert!(calculated[0].submitted_at.is_some());

        let by_email = client
            .get_contact_by_email(&Email::parse("READS@example.com").expect("email"), &[])
            .await
            .expect("read");
        assert_eq!(by_email.and_then(|c| c.contact_id()), Some(contact_id));
        let nobody = Email::parse("nobody@example.com").expect("email");
        assert_eq!(
            client
                .get_contact_by_email(&nobody, &[])
                .await
                .expect("read"),
            None
        );
        assert!(
            client
                .get_contact(contact_id, &[])
                .await
                .expect("read")
                .is_some()
        );
        assert!(
            client
                .get_contact(absent, &[])
                .await
                .expect("read")
                .is_none()
        );

        let profiles = client
            .batch_form_submissions(&[contact_id, absent])
            .await
            .expect("profiles");
        assert_eq!(profiles.len(), 1, "the absent vid is simply left out");
        assert_eq!(profiles[&contact_id][0].form_id, DEFAULT_FORM_GUID);
    }
    sim.stop().await;
}

#[tokio::test]
async fn sends_are_queued_then_repeats_are_recognised_on_every_version() {
    let sim = support::start(support::fast_config()).await;
    for version in [ApiVersion::V2026_09, ApiVersion::V2026_03, ApiVersion::V3] {
        let client = client(&sim, version);
        let send = SingleSend {
            email_id: 1,
            to: Email::parse("verdicts@example.com").expect("email"),
            send_id: format!("send-{version}"),
            custom_properties: Default::default(),
        };
        let first = client.single_send(&send).await.expect("send");
        assert_eq!(first.classify(), SendVerdict::Queued, "{version}");
        assert!(first.is_in_progress());
        let repeat = client.single_send(&send).await.expect("send");
        assert_eq!(repeat.classify(), SendVerdict::IdempotentRepeat);
        assert!(sim.wait_idle(Duration::from_secs(10)).await);
        let done = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let status = client.send_status(&first.status_id).await.expect("status");
                if !status.is_in_progress() {
                    return status;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the send completes");
        assert_eq!(done.classify(), SendVerdict::Delivered);
    }
    let emails = sim.emails();
    assert!(emails.iter().all(|e| e.contact_properties.is_empty()));
    sim.stop().await;
}
