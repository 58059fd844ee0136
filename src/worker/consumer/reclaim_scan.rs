//! Where the reclaim scan stands: a partition, a cursor in it, and when the
//! next pass may start.

use std::time::Instant;

/// Progress of the scan for entries that dead consumers left behind, over
/// every partition in turn. A full pass that finds nothing is not repeated at
/// once: an entry only becomes reclaimable after `STREAM_CLAIM_IDLE`, so a
/// new pass every quarter of that keeps the hot path to one read per new entry.
pub(super) struct ReclaimScan {
    pub(super) partition: u16,
    /// Where the next `XAUTOCLAIM` starts in `partition` (`0-0`: its start).
    pub(super) cursor: String,
    /// Whether this pass reclaimed anything (then the next starts at once).
    pub(super) found: bool,
    /// When a new pass may start.
    pub(super) next_pass: Instant,
}

impl ReclaimScan {
    /// A scan at its start, due at once.
    pub(super) fn new() -> Self {
        Self {
            partition: 0,
            cursor: "0-0".to_owned(),
            found: false,
            next_pass: Instant::now(),
        }
    }

    pub(super) fn restart(&mut self) {
        self.partition = 0;
        self.cursor = "0-0".to_owned();
        self.found = false;
    }

    pub(super) fn at_pass_start(&self) -> bool {
        self.partition == 0 && self.cursor == "0-0"
    }
}
