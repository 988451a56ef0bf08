//! Filled in by the webhooks work.
