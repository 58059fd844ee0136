//! Redis commands executed, from `INFO commandstats` (which counts the
//! commands run inside Lua scripts too).

/// Total `calls` over every command Redis has run since its start.
pub async fn commands(client: &redis::Client) -> anyhow::Result<u64> {
    let mut conn = client.get_multiplexed_async_connection().await?;
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut conn)
        .await?;
    Ok(sum_calls(&info))
}

/// The `n` commands run most often since Redis started, with their calls.
pub async fn top_commands(client: &redis::Client, n: usize) -> anyhow::Result<Vec<(String, u64)>> {
    let mut conn = client.get_multiplexed_async_connection().await?;
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut conn)
        .await?;
    let mut calls: Vec<(String, u64)> = info
        .lines()
        .filter_map(|line| {
            let (name, fields) = line.strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = fields
                .split(',')
                .find_map(|field| field.strip_prefix("calls="))?
                .parse()
                .ok()?;
            Some((name.to_owned(), calls))
        })
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.1));
    calls.truncate(n);
    Ok(calls)
}

/// Sums `calls=N` over the `cmdstat_*` lines of `INFO commandstats`.
pub fn sum_calls(info: &str) -> u64 {
    info.lines()
        .filter(|line| line.starts_with("cmdstat_"))
        .filter_map(|line| {
            line.split([':', ','])
                .find_map(|field| field.strip_prefix("calls="))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .sum()
}
