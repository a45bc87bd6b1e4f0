"""Append a Markdown page of the repository to a generated reStructuredText page, at docs build time.

docs/benchmarks.md is written in Markdown (by the benchmark suite and its authors); the docs site is
reStructuredText.  Rather than keeping a second copy, the build renders the Markdown to HTML with markdown-it-py
(CommonMark and tables) and appends it to the page antsibull-docs copied from docs/docsite/rst/ as a
``raw:: html`` block.  Relative links are pointed at the file in the repository.  Without markdown-it-py the file
is shown as literal text; without the file, the page says where the numbers will be.

Usage: python markdown_page.py MARKDOWN_FILE RST_PAGE REPOSITORY_URL
"""

import html
import os
import re
import sys

try:
    from markdown_it import MarkdownIt
except ImportError:  # pragma: no cover - markdown-it-py comes with rich, which the venv has
    MarkdownIt = None

_LINK = re.compile(r'(href|src)="(?![a-z][a-z0-9+.-]*:|#|/)([^"]+)"')


def render(markdown, source_dir_url):
    page = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    page = re.sub(r"\A\s*<h1>.*?</h1>\n?", "", page, count=1, flags=re.S)  # the reST page has the title
    page = page.replace("<table>", '<table class="docutils align-default">')  # the theme's table style
    page = page.replace("<pre>", '<div class="highlight"><pre>').replace("</pre>", "</pre></div>")  # and code block
    return _LINK.sub(lambda m: '%s="%s/%s"' % (m.group(1), source_dir_url, html.escape(m.group(2))), page)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    markdown_path, rst_path, repository = sys.argv[1:]
    name = os.path.basename(markdown_path)
    relative = "docs/%s" % name
    with open(rst_path, "a", encoding="utf-8") as page:
        if not os.path.isfile(markdown_path):
            page.write("\n.. note::\n\n   No results yet: ``make bench`` writes them to ``%s``.\n" % relative)
            print("markdown_page.py: %s does not exist; %s says so" % (markdown_path, rst_path))
            return
        with open(markdown_path, encoding="utf-8") as handle:
            markdown = handle.read()
        if MarkdownIt is None:
            page.write("\n.. literalinclude:: %s\n   :language: markdown\n" % os.path.abspath(markdown_path))
            print("markdown_page.py: markdown-it-py is missing; %s included as text" % markdown_path)
            return
        fragment = os.path.splitext(rst_path)[0] + ".md.html"
        with open(fragment, "w", encoding="utf-8") as handle:
            handle.write('<div class="mfaops-markdown">\n%s</div>\n' % render(markdown, "%s/blob/main/docs" % repository.rstrip("/")))
        page.write("\n.. raw:: html\n   :file: %s\n" % os.path.basename(fragment))
        print("markdown_page.py: %s rendered into %s" % (markdown_path, rst_path))


if __name__ == "__main__":
    main()
