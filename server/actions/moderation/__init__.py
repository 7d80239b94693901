"""Moderation's actions: the moderate step of the pipeline (screen), reports and the case queue,
sanctions and appeals, each scope's rules, and the audit log."""
