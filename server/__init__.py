"""The platform server: transport -> actions -> storage."""
