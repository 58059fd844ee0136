//! Partition counts expire: a count no live process registers stops making
//! consumers visit its partitions once they hold no entry, and is dropped.

use signup_reactor::store::RedisStore;

use crate::support::app::TestApp;

/// Registers `count` as a process last did `ago_ms` ago.
async fn register(app: &TestApp, count: u16, ago_ms: u64) {
    let mut conn = app.redis_conn().await;
    let key = format!("{}{{events}}:partitions", app.prefix);
    let at = signup_reactor::clock::now_ms() - ago_ms;
    let _: () = redis::cmd("HSET")
        .arg(&key)
        .arg(count)
        .arg(at)
        .query_async(&mut conn)
        .await
        .expect("HSET");
}

async fn registered(app: &TestApp) -> Vec<String> {
    let mut conn = app.redis_conn().await;
    let key = format!("{}{{events}}:partitions", app.prefix);
    let mut counts: Vec<String> = redis::cmd("HKEYS")
        .arg(&key)
        .query_async(&mut conn)
        .await
        .expect("HKEYS");
    counts.sort();
    counts
}

#[tokio::test]
async fn a_count_no_live_process_registers_is_dropped_once_its_partitions_are_empty() {
    let app = TestApp::spawn_with(|config| config.redis.event_partitions = 8).await;
    let store = RedisStore::connect(&app.config.redis).expect("store");
    let hour = 3_600_000;

    // A process once ran with 1,024 partitions, an hour ago, and left an
    // entry in its partition 900.
    register(&app, 1024, hour).await;
    let stream = format!("{}{{events:900}}:stream", app.prefix);
    let mut conn = app.redis_conn().await;
    let entry: String = redis::cmd("XADD")
        .arg(&stream)
        .arg("*")
        .arg("contact")
        .arg("900")
        .query_async(&mut conn)
        .await
        .expect("XADD");
    assert_eq!(
        store
            .events()
            .event_partitions_in_use()
            .await
            .expect("in use"),
        901,
        "partitions up to the one holding an entry are still visited"
    );
    assert_eq!(
        registered(&app).await,
        ["1024"],
        "kept while it holds entries"
    );

    // Consumed: nothing is left there; the count is dropped.
    let _: u64 = redis::cmd("XDEL")
        .arg(&stream)
        .arg(&entry)
        .query_async(&mut conn)
        .await
        .expect("XDEL");
    assert_eq!(
        store
            .events()
            .event_partitions_in_use()
            .await
            .expect("in use"),
        8
    );
    assert!(
        registered(&app).await.is_empty(),
        "{:?}",
        registered(&app).await
    );

    // A live process's count is honoured however empty its partitions are.
    register(&app, 64, 1_000).await;
    assert_eq!(
        store
            .events()
            .event_partitions_in_use()
            .await
            .expect("in use"),
        64
    );
    assert_eq!(registered(&app).await, ["64"]);
}
