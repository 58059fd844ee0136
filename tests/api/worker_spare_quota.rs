//! Send status reads take only spare quota: with more than half of the quota
//! in use none is made, and the limiter keeps the free half for urgent work.

use std::time::Duration;

use hubspot_simulator::{Endpoint as FaultEndpoint, FaultRule};
use signup_reactor::store::{Limiter, Quota, Reservation};
use signup_reactor::worker::Reason;

use crate::support::driven::{batch, driven};
use crate::support::driven_signups::{free_the_quota, landed_signup, use_most_of_the_quota};
use crate::support::stack::always;

#[tokio::test]
async fn send_status_reads_take_only_spare_quota() {
    let d = driven().await;
    let email = "pending@example.com";
    let id = landed_signup(&d, email).await;
    d.make_due(&id).await;
    let checker = d.checker();
    let report = batch(&checker).await;
    assert_eq!(report.deferred, vec![(id.clone(), Reason::SendPending)]);
    // The status is read SEND_STATUS_DELAY later (with jitter: half of it at least).
    let due = d.due_at(&id).await;
    let delay = d.ctx.settings.send_status_delay.as_millis() as u64;
    assert!(due + 5 >= signup_reactor::clock::now_ms() + delay / 2 - 100);

    // With more than half of the quota in use, no status read is made: a
    // read would hit this fault and come back as `server_error`.
    d.sim.add_fault(always(FaultRule::server_errors(
        FaultEndpoint::SendStatus,
        500,
        1,
    )));
    use_most_of_the_quota(&d).await;
    d.make_due(&id).await;
    // The signup has waited long enough not to linger.
    tokio::time::sleep(d.ctx.settings.check_linger).await;
    let report = batch(&checker).await;
    assert_eq!(
        report.deferred,
        vec![(id.clone(), Reason::WaitingForSpareQuota)]
    );

    // With the quota free again, the status is read: delivered.
    d.sim.set_faults(Vec::new());
    free_the_quota(&d).await;
    d.make_due(&id).await;
    let report = batch(&checker).await;
    assert_eq!(report.sent, vec![id.clone()], "{report:?}");
    let stored = d.record(&id).await;
    let send = stored.send.expect("send recorded");
    assert_eq!(send.send_result, "SENT");
    assert_eq!(send.status_reads, 1);
}

#[tokio::test]
async fn spare_quota_leaves_room_and_a_released_permit_returns() {
    let d = driven().await;
    let quota = Quota {
        max: 10,
        window: Duration::from_secs(60),
    };
    let limits = d.store.rate_limits();
    let limiter = Limiter::SingleSend;
    let free = || async { limits.permits_free(limiter, quota).await.expect("free") };
    for _ in 0..5 {
        let granted = limits
            .reserve_leaving(limiter, quota, 1, 5)
            .await
            .expect("reserve");
        assert!(matches!(granted, Reservation::Granted(_)));
    }
    let refused = limits
        .reserve_leaving(limiter, quota, 1, 5)
        .await
        .expect("reserve");
    assert!(matches!(refused, Reservation::Wait(w) if w > Duration::ZERO));
    assert_eq!(free().await, 5);
    // Urgent work still gets the rest.
    let Reservation::Granted(urgent) = limits.reserve(limiter, quota, 2).await.expect("reserve")
    else {
        panic!("the free half is there for urgent work");
    };
    assert_eq!(free().await, 3);
    limits.release_permit(&urgent, 2).await.expect("release");
    assert_eq!(free().await, 4);
}
