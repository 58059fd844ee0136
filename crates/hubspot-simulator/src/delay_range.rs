//! The random delays the simulator draws (processing, visibility, sends,
//! webhook dispatch), each as a range of milliseconds.

use serde::{Deserialize, Serialize};

/// A duration range `[min, max]` from which the simulator draws a random delay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DelayRange {
    /// Shortest delay, in milliseconds (before time scaling).
    pub min_ms: u64,
    /// Longest delay, in milliseconds (before time scaling).
    pub max_ms: u64,
}

impl DelayRange {
    /// A range from `min_ms` to `max_ms`.
    pub const fn ms(min_ms: u64, max_ms: u64) -> Self {
        Self { min_ms, max_ms }
    }

    /// A range that always yields the same delay.
    pub const fn fixed(ms: u64) -> Self {
        Self {
            min_ms: ms,
            max_ms: ms,
        }
    }
}
