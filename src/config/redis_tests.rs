use super::super::test_settings::settings_args;
use super::*;

fn parsed(url: &str, cluster: &str) -> Result<RedisSettings, ConfigError> {
    settings_args(&[("REDIS_URL", url), ("REDIS_CLUSTER", cluster)])?
        .redis
        .settings()
}

#[test]
fn one_url_or_a_list_of_seed_nodes() {
    let one = parsed("redis://127.0.0.1:6379", "auto").unwrap();
    assert_eq!(one.nodes(), ["redis://127.0.0.1:6379"]);
    assert_eq!(one.cluster, ClusterMode::Auto);
    let seeds = "redis://:pw@h1:7000, rediss://user:pw@h2:7001,redis://h3:7002";
    let many = parsed(seeds, "true").unwrap();
    assert_eq!(
        many.nodes(),
        [
            "redis://:pw@h1:7000",
            "rediss://user:pw@h2:7001",
            "redis://h3:7002"
        ]
    );
    assert_eq!(many.cluster, ClusterMode::On);
}

#[test]
fn bad_nodes_or_modes_are_refused_by_name() {
    for (url, cluster, var) in [
        ("http://h1:7000", "auto", "REDIS_URL"),
        ("redis://h1:7000,,ftp://h2", "auto", "REDIS_URL"),
        ("", "auto", "REDIS_URL"),
        ("redis://h1:7000", "maybe", "REDIS_CLUSTER"),
        ("redis://h1:7000,redis://h2:7001", "false", "REDIS_URL"),
    ] {
        let error = parsed(url, cluster).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Invalid { var: v, .. } if v == var),
            "{url} {cluster}: {error}"
        );
    }
}
