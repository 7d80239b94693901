"""`make moderation-eval`: recall on violations and false positives on clean shop talk,
over the labeled set tests/moderation/eval_set.tsv (label, evasion class, message)."""
from __future__ import annotations

import os
import sys
from collections import Counter

from .engine import Engine

EVAL_SET = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "moderation",
                        "eval_set.tsv")
RECALL_TARGET, FALSE_POSITIVE_TARGET = 0.95, 0.02
SHOP_DOMAINS = ("shopchat.com",)


def load(path: str = EVAL_SET) -> list[tuple[str, str, str]]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            label, kind, text = line.rstrip("\n").split("\t", 2)
            rows.append((label, kind, text))
    return rows


def evaluate(engine: Engine | None = None, rows=None) -> dict:
    engine = engine or Engine(allowed_domains=SHOP_DOMAINS)
    rows = rows if rows is not None else load()
    missed, false_hits = [], []
    per_class, per_class_hit = Counter(), Counter()
    for label, kind, text in rows:
        verdict = engine.verdict(text)
        if label == "violation":
            per_class[kind] += 1
            if verdict.action == "allow":
                missed.append((kind, text))
            else:
                per_class_hit[kind] += 1
        elif verdict.action != "allow":
            false_hits.append((text, verdict.action, verdict.rule))
    violations = sum(per_class.values())
    clean = len(rows) - violations
    return {"violations": violations, "clean": clean, "recall": (violations - len(missed)) / violations,
            "false_positive_rate": len(false_hits) / clean, "missed": missed, "false_hits": false_hits,
            "per_class": {k: (per_class_hit[k], per_class[k]) for k in sorted(per_class)}}


def main() -> int:
    result = evaluate()
    print(f"evaluation set: {result['violations']} violations, {result['clean']} clean messages ({EVAL_SET})")
    print(f"recall on violations: {result['recall']:.1%}   (target ≥ {RECALL_TARGET:.0%})")
    print(f"false positives on clean messages: {result['false_positive_rate']:.1%}   "
          f"(target ≤ {FALSE_POSITIVE_TARGET:.0%})")
    print("by evasion class: " + ", ".join(f"{k} {hit}/{n}" for k, (hit, n) in result["per_class"].items()))
    for kind, text in result["missed"]:
        print(f"  missed ({kind}): {text}")
    for text, action, rule in result["false_hits"]:
        print(f"  false {action} ({rule}): {text}")
    ok = result["recall"] >= RECALL_TARGET and result["false_positive_rate"] <= FALSE_POSITIVE_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
