"""Append the release notes (CHANGELOG.rst, antsibull-changelog's output) to the changelog page of the docs site.

The page (docs/docsite/rst/changelog.rst, shipped in the collection) holds the label, the title and one paragraph;
the site shows the release notes below them. CHANGELOG.rst's own title and table of contents are dropped and its
headings go one level down (release ``=`` -> ``-``, section ``-`` -> ``~``, plugin type ``~`` -> ``^``), so that the
page keeps one title. Without a CHANGELOG.rst (no release yet) the page says so.

Usage: python changelog_page.py CHANGELOG.rst <staged changelog.rst>
"""

import re
import sys

DEMOTE = {"=": "-", "-": "~", "~": "^", "^": '"'}
UNDERLINE = re.compile(r"([=\-~^\"])\1{2,}")


def release_notes(text):
    """CHANGELOG.rst without its title and contents directive, headings one level down."""
    lines = text.splitlines()
    # the title: overline, text, underline
    if len(lines) >= 3 and UNDERLINE.fullmatch(lines[0]) and UNDERLINE.fullmatch(lines[2]):
        lines = lines[3:]
    lines = [line for line in lines if not line.startswith(".. contents::")]
    out = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else ""
        if UNDERLINE.fullmatch(line) and previous.strip() and len(line) >= len(previous.rstrip()):
            line = DEMOTE[line[0]] * len(line)
        out.append(line)
    return "\n".join(out).strip("\n")


def main(changelog, page):
    try:
        with open(changelog, encoding="utf-8") as handle:
            body = release_notes(handle.read())
    except FileNotFoundError:
        body = "No release yet: the changes to come are in ``changelogs/fragments/``."
        changelog = "no %s (no release yet): a note" % changelog
    with open(page, encoding="utf-8") as handle:
        stub = handle.read().rstrip("\n")
    with open(page, "w", encoding="utf-8") as handle:
        handle.write(stub + "\n\n" + body + "\n")
    print("changelog_page.py: %s appended to %s" % (changelog, page))


if __name__ == "__main__":
    main(*sys.argv[1:])
