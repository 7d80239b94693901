"""Custom actions of the shop assistant (rasa-sdk action server)."""
