"""The domain's plain dataclasses, one module per area, returned by the stores and used by the actions."""
