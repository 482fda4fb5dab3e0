"""Write CKAN 2.11's Solr schema with ckanext-territoires' fields added.

    python config/solr/build_schema.py OUTPUT [--ckan-schema PATH]

Reads ``ckan/config/solr/schema.xml`` of the installed ckan package (or
``--ckan-schema``) and inserts the ``<field>``, ``<dynamicField>``,
``<fieldType>`` and ``<copyField>`` elements of ``territoires-fields.xml``
(beside this script) at the end of their sections. The schema's name
(``ckan-2.11``, checked by CKAN at start-up) and version are kept. Only the
standard library is used.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDITIONS = HERE / "territoires-fields.xml"


def installed_ckan_schema() -> Path:
    spec = importlib.util.find_spec("ckan")
    if spec is None or spec.origin is None:
        raise SystemExit("ckan is not installed here: give --ckan-schema")
    return Path(spec.origin).parent / "config" / "solr" / "schema.xml"


def elements(additions: str, tag: str) -> list[str]:
    root = ElementTree.fromstring(additions)
    return [
        "    " + ElementTree.tostring(element, encoding="unicode").strip()
        for element in root.iter(tag)
    ]


def build(ckan_schema: str, additions: str) -> str:
    """CKAN's schema text with the additions inserted (its comments kept)."""
    text = ckan_schema
    added = "    <!-- ckanext-territoires (config/solr/territoires-fields.xml) -->\n"
    types = elements(additions, "fieldType")
    fields = elements(additions, "field") + elements(additions, "dynamicField")
    copies = elements(additions, "copyField")
    if types:
        text = text.replace("</types>", added + "\n".join(types) + "\n</types>", 1)
    if fields:
        # before CKAN's own dynamic fields: "*" is matched last whatever the order
        text = text.replace("</fields>", added + "\n".join(fields) + "\n</fields>", 1)
    if copies:
        last = list(re.finditer(r"<copyField [^>]*/>\n", text))[-1]
        text = (
            text[: last.end()]
            + added
            + "\n".join(c.strip() for c in copies)
            + "\n"
            + text[last.end() :]
        )
    ElementTree.fromstring(text)  # still well-formed
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="schema.xml to write (- for standard output)")
    parser.add_argument("--ckan-schema", type=Path, help="CKAN's schema.xml (default: installed)")
    args = parser.parse_args(argv)
    source = args.ckan_schema or installed_ckan_schema()
    text = build(source.read_text(encoding="utf-8"), ADDITIONS.read_text(encoding="utf-8"))
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}: {source} with {ADDITIONS.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
