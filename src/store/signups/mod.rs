//! Signups and their queues: records and their writes, checks, the fence
//! their scripts write under, created contacts, idempotency, the address
//! ceiling, the delay queue, the sweep cursor, the wake list, status reads
//! and dead letters.

pub(super) mod address_ceiling;
pub(super) mod checks;
pub(super) mod contacts;
pub(super) mod created_contacts;
pub(super) mod dead_letter;
pub(super) mod dead_letters;
pub(super) mod delay;
pub(super) mod fence;
pub(super) mod idempotency;
pub(super) mod records;
pub(super) mod scripts;
pub(super) mod status_reads;
pub(super) mod sweep_cursor;
pub(super) mod wake_list;
pub(super) mod writes;
