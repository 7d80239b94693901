"""What the platform talks to or borrows: the Rasa assistant's HTTP API, and Chinese word segmentation
for search (jieba)."""
