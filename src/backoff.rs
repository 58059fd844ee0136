//! Exponential backoff with jitter, shared by every retry path.

use std::time::Duration;

/// Delays that double per attempt from `base` up to `max`, each drawn from the
/// upper half of its range so that retries from many replicas spread out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The delay before retry number `attempt` (1 for the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self.base.saturating_mul(1u32 << exponent).min(self.max);
        let ceiling_ms = u64::try_from(ceiling.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let low = ceiling_ms / 2;
        Duration::from_millis(rand::random_range(low..=ceiling_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_with_jitter_in_the_upper_half() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for _ in 0..200 {
            let first = backoff.delay(1);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let third = backoff.delay(3);
            assert!((200..=400).contains(&third.as_millis()), "{third:?}");
            let capped = backoff.delay(40);
            assert!((500..=1000).contains(&capped.as_millis()), "{capped:?}");
        }
    }
}
