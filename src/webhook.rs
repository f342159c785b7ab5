//! Pinless webhook (`room_creation_api`) signing and verification. See daily-api.md Part A5.
