"""`python -m moderation check [--words FILE]`: try the rules on messages, one per line.

Reads standard input, writes one JSON object per line:
{"text", "action", "categories", "matches", "rule"}. The engine is the server's: the same
shop domains (CHAT_SHOP_DOMAINS, or --shop-domains), the same shipped allow-list and actions.
With --words FILE the lexicon is replaced by FILE (term<TAB>category per line, # starts a
comment); the built-in detectors stay on. A category name of the file's own is read as a
known synonym (fraud → scam) or as --category NAME=CATEGORY says, else as custom; each such
name is said once on standard error."""
from __future__ import annotations

import argparse
import json
import os
import sys

from . import shop_domains
from .engine import CATEGORIES, Engine, Lexicon, default_allow, read_words


def _mapping(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, _, category = pair.partition("=")
        if not name.strip() or category.strip() not in CATEGORIES:
            raise ValueError(f"--category {pair!r}: expected NAME=CATEGORY ({', '.join(CATEGORIES)})")
        out[name.strip().lower()] = category.strip()
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="verdicts for messages read from standard input, one per line")
    check.add_argument("--words", help="a lexicon file replacing the default one")
    check.add_argument("--category", action="append", default=[], metavar="NAME=CATEGORY",
                       help="read the lexicon's category NAME as CATEGORY (repeatable)")
    check.add_argument("--shop-domains", default=os.environ.get("CHAT_SHOP_DOMAINS"),
                       help="comma-separated domains never flagged (default: CHAT_SHOP_DOMAINS or shopchat.com)")
    args = parser.parse_args(argv)
    try:
        if args.words:
            warnings: list[str] = []
            lexicon = Lexicon(read_words(args.words, categories=_mapping(args.category), warnings=warnings),
                              default_allow())
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
        else:
            lexicon = Lexicon.default()
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = Engine(lexicon, allowed_domains=shop_domains(args.shop_domains))
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        verdict = engine.verdict(text)
        print(json.dumps({"text": text, "action": verdict.action, "categories": list(verdict.categories),
                          "matches": list(verdict.matches), "rule": verdict.rule}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
