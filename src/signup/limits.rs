//! The limits of a signup request, shared by its validation and by the
//! OpenAPI schema that states them.

/// Most fields a submission may carry besides `email` (HubSpot's limit is 1000 values).
pub(super) const MAX_FIELDS: usize = 999;
pub(super) const MAX_NAME_LEN: usize = 100;
pub(super) const MAX_VALUE_LEN: usize = 65_536;
pub(super) const MAX_CUSTOM_PROPERTIES: usize = 100;
pub(super) const MAX_CUSTOM_PROPERTIES_BYTES: usize = 16 * 1024;
pub(super) const MAX_HUTK_LEN: usize = 128;
pub(super) const MAX_PAGE_URI_LEN: usize = 2048;
pub(super) const MAX_PAGE_NAME_LEN: usize = 512;
