//! Wall-clock helpers: HubSpot speaks in epoch milliseconds and ISO 8601.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// An epoch-millisecond timestamp as ISO 8601 (`2024-01-02T03:04:05.678Z`).
pub fn iso(ms: u64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(ms);
    humantime::format_rfc3339_millis(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_formats_epoch_millis() {
        assert_eq!(iso(1_564_113_600_123), "2019-07-26T04:00:00.123Z");
    }
}
