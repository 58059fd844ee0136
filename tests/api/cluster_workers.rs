//! The worker and the operator commands on a private 3-master Redis Cluster:
//! the same scenarios as on one node, with the event stream's partitions
//! spread over the masters.

use crate::ops::{dead_letters_list_and_replay, inspect_follows_a_signup_to_its_send};
use crate::support::redis_cluster::TestCluster;
use crate::support::redis_server::TestRedis;
use crate::worker_resilience::{
    crashed_worker_entries_are_reclaimed, two_processes_send_one_email_each,
};

fn on(cluster: &TestCluster) -> TestRedis {
    TestRedis::external(cluster.url())
}

#[tokio::test]
async fn two_reactor_processes_on_a_cluster_send_one_email_per_contact() {
    let cluster = TestCluster::start(3, 0);
    two_processes_send_one_email_each(on(&cluster), 60).await;
}

#[tokio::test]
async fn an_event_left_by_a_crashed_worker_is_reclaimed_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    crashed_worker_entries_are_reclaimed(on(&cluster)).await;
}

#[tokio::test]
async fn inspect_works_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    inspect_follows_a_signup_to_its_send(on(&cluster)).await;
}

#[tokio::test]
async fn dead_letters_are_listed_and_replayed_on_a_cluster() {
    let cluster = TestCluster::start(3, 0);
    dead_letters_list_and_replay(on(&cluster)).await;
}
