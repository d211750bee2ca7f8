"""Reading a rendered page's elements in tests: what an input says it is described by, and its classes."""

from html.parser import HTMLParser


class Elements(HTMLParser):
    """Every start tag of a page, in order, as (tag, attributes)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.found if attrs.get("id")}

    def by_id(self, element_id: str) -> dict:
        matches = [attrs for _, attrs in self.found if attrs.get("id") == element_id]
        assert len(matches) == 1, f"{len(matches)} elements have id={element_id!r}"
        return matches[0]

    def classes(self, element_id: str) -> list[str]:
        return self.by_id(element_id).get("class", "").split()

    def described_by(self, element_id: str) -> list[str]:
        return self.by_id(element_id).get("aria-describedby", "").split()

    def missing_description_ids(self) -> list[str]:
        """aria-describedby ids that name no element on the page: a screen reader reads nothing for them."""
        ids = self.ids()
        return [
            target
            for _, attrs in self.found
            for target in attrs.get("aria-describedby", "").split()
            if target not in ids
        ]
