"""Pictures: decoding and re-encoding (images.py) and who may see them through signed addresses (signing.py)."""
