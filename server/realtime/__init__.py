"""Delivery to live connections: fan-out, rooms and presence, in one process or over Redis."""
