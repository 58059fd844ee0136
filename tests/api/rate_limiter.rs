//! The shared limiter never frees a permit before HubSpot does: HubSpot
//! records a call when it arrives, so a permit's stamp (at reservation, and
//! again once the call is made) must never lie before that moment, not even
//! by the part of a millisecond that a stamp in whole milliseconds drops.

use std::time::Duration;

use signup_reactor::store::{Limiter, Quota, RedisStore, Reservation};

use crate::support::app::TestApp;

/// The Redis clock now, in microseconds.
async fn redis_micros(conn: &mut redis::aio::MultiplexedConnection) -> u64 {
    let (seconds, micros): (u64, u64) = redis::cmd("TIME").query_async(conn).await.expect("TIME");
    seconds * 1_000_000 + micros
}

/// The newest stamp in the limiter's window, in microseconds.
async fn newest_stamp(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> u64 {
    let newest: Vec<(String, f64)> = redis::cmd("ZRANGE")
        .arg(key)
        .arg(-1)
        .arg(-1)
        .arg("WITHSCORES")
        .query_async(conn)
        .await
        .expect("ZRANGE");
    let (_, score) = newest.first().expect("a permit");
    *score as u64 * 1_000
}

#[tokio::test]
async fn a_permit_is_never_stamped_before_the_moment_it_was_taken_or_used() {
    let app = TestApp::spawn().await;
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let key = store.keys().rate_limit(Limiter::SingleSend.name());
    let quota = Quota {
        max: 1_000,
        window: Duration::from_secs(60),
    };
    let mut conn = app.redis_conn().await;
    // Many tries: most of them fall within one millisecond of their clock read.
    for _ in 0..20 {
        let before = redis_micros(&mut conn).await;
        let Reservation::Granted(permit) = store
            .rate_limits()
            .reserve(Limiter::SingleSend, quota, 1)
            .await
            .expect("reserve")
        else {
            panic!("the quota has room");
        };
        let stamped = newest_stamp(&mut conn, &key).await;
        assert!(
            stamped >= before,
            "reserved at {before} µs, stamped {stamped}"
        );

        let before = redis_micros(&mut conn).await;
        store
            .rate_limits()
            .use_permit(&permit, 1)
            .await
            .expect("restamp");
        let stamped = newest_stamp(&mut conn, &key).await;
        assert!(stamped >= before, "used at {before} µs, stamped {stamped}");
    }
}
