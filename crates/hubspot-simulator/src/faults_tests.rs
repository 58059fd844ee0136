//! Fault rules: bursts, endpoints, probabilities and windows.

use super::*;

#[test]
fn a_burst_fires_exactly_its_count_then_expires() {
    let mut rules = vec![FaultRule::server_errors(Endpoint::SingleSend, 503, 2)];
    let fired: Vec<_> = (0..4)
        .map(|_| pick(&mut rules, Endpoint::SingleSend, 0, || 0.5))
        .collect();
    assert_eq!(fired[0], Some(FaultKind::ServerError { status: 503 }));
    assert_eq!(fired[1], Some(FaultKind::ServerError { status: 503 }));
    assert_eq!(fired[2], None);
    assert!(rules.is_empty());
}

#[test]
fn rules_only_hit_their_endpoint() {
    let mut rules = vec![FaultRule::rate_limited(Endpoint::CrmContact, 1)];
    assert_eq!(pick(&mut rules, Endpoint::FormsSubmit, 0, || 0.0), None);
    assert_eq!(
        pick(&mut rules, Endpoint::CrmContact, 0, || 0.0),
        Some(FaultKind::RateLimited)
    );
    let mut all = vec![FaultRule::slow(Endpoint::All, 10, 1).with_probability(0.5)];
    assert_eq!(pick(&mut all, Endpoint::SendStatus, 0, || 0.7), None);
    assert!(pick(&mut all, Endpoint::SendStatus, 0, || 0.2).is_some());
    assert_eq!(all.len(), 1, "probabilistic rules do not expire");
}

#[test]
fn a_window_fires_on_every_shared_batch_call_inside_it_only() {
    let rule = FaultRule::unauthorized(Endpoint::SharedBatch, 1).during(1_000, 2_000);
    let mut rules = vec![rule.installed(10_000, |ms| ms / 10)];
    assert_eq!(
        rules[0].window,
        Some(Window {
            from: 10_100,
            until: Some(10_300)
        })
    );
    let unauthorized = Some(FaultKind::Unauthorized);
    assert_eq!(
        pick(&mut rules, Endpoint::CrmBatchRead, 10_099, || 0.0),
        None
    );
    assert_eq!(
        pick(&mut rules, Endpoint::CrmBatchRead, 10_100, || 0.0),
        unauthorized
    );
    assert_eq!(
        pick(&mut rules, Endpoint::LegacyProfileBatch, 10_200, || 0.0),
        unauthorized
    );
    assert_eq!(
        pick(&mut rules, Endpoint::LegacyProfileBatch, 10_250, || 0.0),
        unauthorized
    );
    assert_eq!(pick(&mut rules, Endpoint::CrmContact, 10_250, || 0.0), None);
    assert_eq!(
        pick(&mut rules, Endpoint::CrmBatchRead, 10_300, || 0.0),
        None
    );
    assert!(rules.is_empty(), "a window's end expires the rule");
}
