"""`make moderation-eval` (pictures): recall on pictures that divert buyers or break the rules, and false
positives on clean shop pictures, over labelled picture sets (a `labels.tsv` of `file<TAB>label<TAB>what`, label
`violation` or `clean`, next to the pictures):

- tests/fixtures/pictures/, the development pictures the checks were built with;
- tests/moderation/heldout_pictures/, written by someone who had not seen the checks, after they were done,
  and never used for tuning.

Each picture is read as the server reads an upload (moderation.pictures.read_picture; the server reads its
re-encoded copy, which has the same pixels) and judged with the shipped lexicon and the shop's domains (CHAT_SHOP_DOMAINS, default shopchat.com):
a violation counts as caught when the verdict is anything but allow (refused, or held for a moderator).
Prints the figures and the misses; the exit status guards against a fall below the floors."""
from __future__ import annotations

import os
import sys

from . import MessageContext, shop_domains
from .engine import Engine
from .pictures import judge_picture, read_picture

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETS = [("development pictures", os.path.join(ROOT, "tests", "fixtures", "pictures")),
        ("held-out pictures", os.path.join(ROOT, "tests", "moderation", "heldout_pictures"))]
RECALL_FLOOR, FALSE_POSITIVE_FLOOR = 0.80, 0.10  # what make test holds the held-out pictures to (a fall)
CTX = MessageContext(text="", author_id="eval", conversation_id="eval", conversation_kind="group", group_id=None)


def load(folder: str) -> list[tuple[str, str, str]]:
    path = os.path.join(folder, "labels.tsv")
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, label, what = (line.rstrip("\n").split("\t") + [""])[:3]
            rows.append((name, label, what))
    return rows


def score(folder: str, engine: Engine, domains: tuple[str, ...]) -> dict:
    caught = clean_ok = violations = cleans = 0
    misses, false_positives = [], []
    for name, label, what in load(folder):
        with open(os.path.join(folder, name), "rb") as f:
            reading = read_picture(f.read())
        verdict = judge_picture(reading, engine.check, CTX, domains)
        flagged = verdict.action != "allow" or reading.error is not None
        if label == "violation":
            violations += 1
            caught += flagged
            if not flagged:
                misses.append((name, what, reading.codes, reading.text.replace("\n", " / ")))
        else:
            cleans += 1
            clean_ok += not flagged
            if flagged:
                false_positives.append((name, what, verdict.rule))
    return {"violations": violations, "clean": cleans,
            "recall": caught / violations if violations else None,
            "false_positives": (cleans - clean_ok) / cleans if cleans else None,
            "misses": misses, "false_positive_list": false_positives}


def main() -> int:
    engine = Engine(allowed_domains=shop_domains(os.environ.get("CHAT_SHOP_DOMAINS")))
    domains = shop_domains(os.environ.get("CHAT_SHOP_DOMAINS"))
    status = 0
    for title, folder in SETS:
        result = score(folder, engine, domains)
        if not result["violations"] and not result["clean"]:
            print(f"{title}: none yet ({folder})")
            continue
        recall = result["recall"] or 0.0
        fp = result["false_positives"] or 0.0
        print(f"{title}: {result['violations']} violating / {result['clean']} clean pictures: "
              f"recall {recall:.1%}, false positives {fp:.1%}")
        for name, what, codes, text in result["misses"]:
            print(f"  missed {name} ({what}): codes {list(codes)}, read {text!r}")
        for name, what, rule in result["false_positive_list"]:
            print(f"  false positive {name} ({what}): {rule}")
        if title.startswith("held-out") and (recall < RECALL_FLOOR or fp > FALSE_POSITIVE_FLOOR):
            print(f"  below the floors (recall {RECALL_FLOOR:.0%}, false positives {FALSE_POSITIVE_FLOOR:.0%})")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
