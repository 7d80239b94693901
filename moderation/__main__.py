"""`python -m moderation check [--words FILE]`: try the rules on messages, one per line.

Reads standard input, writes one JSON object per line:
{"text", "action", "categories", "matches"}. With --words FILE the lexicon is replaced
by FILE (term<TAB>category per line, # starts a comment); the built-in detectors stay on."""
from __future__ import annotations

import argparse
import json
import sys

from .engine import Engine, Lexicon, read_words


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="verdicts for messages read from standard input, one per line")
    check.add_argument("--words", help="a lexicon file replacing the default one")
    args = parser.parse_args(argv)
    try:
        lexicon = Lexicon(read_words(args.words), []) if args.words else Lexicon.default()
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = Engine(lexicon)
    for line in sys.stdin:
        text = line.rstrip("\r\n")
        verdict = engine.verdict(text)
        print(json.dumps({"text": text, "action": verdict.action, "categories": list(verdict.categories),
                          "matches": list(verdict.matches)}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
