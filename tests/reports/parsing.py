"""Read rendered reports back: HTML through the standard library parser, CSV through csv."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser


class Page(HTMLParser):
    """Every start tag with its attributes, the text of script elements, and all text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text_parts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        """All text outside scripts."""
        return "".join(self.text_parts)

    def shape(self) -> list[tuple[str, tuple[str, ...]]]:
        """The document's structure: each start tag with its attribute names (not values)."""
        return [(tag, tuple(sorted(attrs))) for tag, attrs in self.tags]

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        """The start tag with this id."""
        hits = [t for t in self.tags if t[1].get("id") == element_id]
        assert len(hits) == 1, (element_id, len(hits))
        return hits[0]


def csv_rows(text: str) -> list[list[str]]:
    """Parse CSV text into rows."""
    return list(csv.reader(io.StringIO(text, newline="")))
