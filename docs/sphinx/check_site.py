"""Check the built docs site in a real headless browser (Debian's chromium).

Each page is loaded by chromium (``--dump-dom``: the DOM after the page's scripts ran) and the DOM is checked:

* every page: its title, no Sphinx/docutils error markup, every relative link and anchor resolves;
* the collection index links to every module, role and guide page;
* every module page shows its options table, listing every option ``ansible-doc`` knows (for iam_virtual_mfa,
  ``bootstrap_file`` and ``on_missing_seed`` among them), and its return values;
* every role with ``meta/argument_specs.yml`` has a page with its entry point's options table;
* every guide in docs/docsite/extra-docs.yml renders with its title and its text; the benchmark page carries the
  rendered docs/benchmarks.md when that file exists;
* a screenshot of the iam_virtual_mfa page is not blank (the stylesheets loaded and the page painted);
* titles are readable (the index is not antsibull-docs' "Mfaops.Iam"), and no sidebar entry is cut off at the
  sidebar's edge (measured in the laid-out page, through a probe page that loads it in an iframe);
* the changelog page shows the newest release of changelogs/changelog.yaml once CHANGELOG.rst exists.

Usage: python check_site.py --html docs/build/html --chromium /usr/bin/chromium [--collection-root .]
"""

import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

COLLECTION = "mfaops.iam"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]
INDEX_TITLE = "mfaops.iam: AWS IAM virtual MFA devices as code"
# Loads a page of the site in an iframe (file:// pages may read each other with --allow-file-access-from-files) at
# desktop width and lists the sidebar entries whose text is wider than the entry: those the sidebar cuts off.
SIDEBAR_PROBE = """<!DOCTYPE html><html><body>
<iframe id="page" src="%s" style="width:1280px;height:900px"></iframe>
<script>
document.getElementById("page").onload = function () {
  var links = this.contentDocument.querySelectorAll(".wy-menu-vertical a"), cut = [];
  links.forEach(function (a) { if (a.scrollWidth > a.clientWidth + 1) { cut.push(a.textContent.trim()); } });
  var out = document.createElement("pre");
  out.id = "sidebar-probe";
  out.textContent = JSON.stringify({links: links.length, cut: cut});
  document.body.appendChild(out);
};
</script></body></html>
"""
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return set((self.attrs.get("class") or "").split())

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None):
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]


class _TreeBuilder(html.parser.HTMLParser):
    """A forgiving DOM tree from serialized HTML (chromium's --dump-dom output is well formed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(markup):
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root


class Browser:
    def __init__(self, chromium):
        self.chromium = chromium
        self.profile = tempfile.mkdtemp(prefix="mfaops-docs-chromium-")

    def _run(self, extra, url):
        # A fresh profile directory per call: nothing is shared between page loads.
        profile = tempfile.mkdtemp(dir=self.profile)
        command = [self.chromium] + CHROMIUM_FLAGS + ["--user-data-dir=%s" % profile] + extra + [url]
        return subprocess.run(command, capture_output=True, timeout=120, check=False)

    def dom(self, path, extra=()):
        done = self._run(["--dump-dom", *extra], "file://" + os.path.abspath(path))
        if done.returncode != 0 or b"<html" not in done.stdout:
            raise AssertionError("chromium could not load %s (exit %s): %s" % (path, done.returncode, done.stderr[-2000:]))
        return parse(done.stdout.decode("utf-8"))

    def screenshot(self, path, out):
        done = self._run(["--window-size=1280,1600", "--screenshot=%s" % out], "file://" + os.path.abspath(path))
        if done.returncode != 0 or not os.path.isfile(out):
            raise AssertionError("chromium took no screenshot of %s: %s" % (path, done.stderr[-2000:]))

    def close(self):
        shutil.rmtree(self.profile, ignore_errors=True)


class Site:
    def __init__(self, html_dir, browser):
        self.html_dir = html_dir
        self.browser = browser
        self.doms = {}
        self.problems = []

    def page(self, relative):
        if relative not in self.doms:
            path = os.path.join(self.html_dir, relative)
            if not os.path.isfile(path):
                self.fail("%s: the page does not exist" % relative)
                self.doms[relative] = None
            else:
                self.doms[relative] = self.browser.dom(path)
        return self.doms[relative]

    def fail(self, message):
        self.problems.append(message)

    def expect(self, condition, message):
        if not condition:
            self.fail(message)
        return condition


def _ansible_doc(plugin_type, name):
    done = subprocess.run(["ansible-doc", "--json", "-t", plugin_type, name], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)[name]


def _title(dom):
    heading = next(iter(dom.find_all("h1")), None)
    return " ".join(heading.text().replace("\uf0c1", "").split()) if heading is not None else ""


def _option_names(table):
    """The option names of an antsibull-docs option table (nested options are listed as well)."""
    return {" ".join(p.text().split()) for p in table.find_all("p", "ansible-option-title")}


def check_common(site, relative, dom):
    errors = [e for e in dom.iter() if e.classes & {"system-message", "problematic"}]
    site.expect(not errors, "%s: the page shows %d error mark(s): %s" % (relative, len(errors), [e.text()[:120] for e in errors[:3]]))
    base = os.path.dirname(relative)
    for anchor in dom.find_all("a"):
        href = anchor.attrs.get("href") or ""
        if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^/|^mailto:", href):
            continue
        target, _sep, fragment = href.partition("#")
        target_rel = os.path.normpath(os.path.join(base, target)) if target else relative
        target_path = os.path.join(site.html_dir, target_rel)
        if not os.path.exists(target_path):
            site.fail("%s: link %s points to a missing file" % (relative, href))
            continue
        if fragment and target_rel.endswith(".html"):
            ids = _static_ids(target_path)
            site.expect(fragment in ids, "%s: link %s points to a missing anchor" % (relative, href))


_ID_CACHE = {}


def _static_ids(path):
    if path not in _ID_CACHE:
        with open(path, encoding="utf-8") as handle:
            _ID_CACHE[path] = set(re.findall(r'\sid="([^"]+)"', handle.read()))
    return _ID_CACHE[path]


def check_module(site, module, must_have=()):
    relative = "%s_module.html" % module
    dom = site.page(relative)
    if dom is None:
        return
    fqcn = "%s.%s" % (COLLECTION, module)
    site.expect(_title(dom).startswith("%s module" % fqcn), "%s: title is %r" % (relative, _title(dom)))
    tables = dom.find_all("table", "ansible-option-table")
    if not site.expect(tables, "%s: no options table (table.ansible-option-table) in the DOM" % relative):
        return
    options_table = tables[0]
    header = " ".join(options_table.find_all("thead")[0].text().split()) if options_table.find_all("thead") else ""
    site.expect("Parameter" in header and "Comments" in header, "%s: the options table has header %r" % (relative, header))
    shown = _option_names(options_table)
    documented = set(_ansible_doc("module", fqcn)["doc"]["options"])
    missing = sorted((documented | set(must_have)) - shown)
    site.expect(not missing, "%s: options missing from the options table: %s" % (relative, missing))
    returns = set(_ansible_doc("module", fqcn).get("return") or {})
    if returns:
        shown_returns = set().union(*(_option_names(t) for t in tables[1:])) if len(tables) > 1 else set()
        site.expect(returns <= shown_returns, "%s: return values missing: %s" % (relative, sorted(returns - shown_returns)))
    print("check_site.py: %s shows %d options%s" % (relative, len(shown), " and %d return values" % len(returns) if returns else ""))


def check_role(site, role):
    relative = "%s_role.html" % role
    dom = site.page(relative)
    if dom is None:
        return
    fqcn = "%s.%s" % (COLLECTION, role)
    site.expect(_title(dom).startswith("%s role" % fqcn), "%s: title is %r" % (relative, _title(dom)))
    entry_points = _ansible_doc("role", fqcn)["entry_points"]
    tables = dom.find_all("table", "ansible-option-table")
    shown = set().union(*(_option_names(t) for t in tables)) if tables else set()
    for entry, spec in entry_points.items():
        missing = sorted(set(spec.get("options") or {}) - shown)
        site.expect(not missing, "%s: entry point %s options missing from the page: %s" % (relative, entry, missing))
    print("check_site.py: %s shows %d options" % (relative, len(shown)))


def _guide_title(rst_path):
    with open(rst_path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    for i in range(len(lines) - 1):
        if lines[i].strip() and not lines[i].startswith("..") and re.fullmatch(r"([=\-~^*#])\1+", lines[i + 1].strip()):
            return lines[i].strip()
    raise AssertionError("%s has no title" % rst_path)


def _has_markdown_body(rst_path):
    """The page is one whose body build_docs.sh appends from docs/<name>.md (the benchmarks page)."""
    return os.path.basename(rst_path) == "benchmarks.rst"


def check_guide(site, ref, rst_path, markdown=None):
    relative = "docsite/%s.html" % ref
    dom = site.page(relative)
    if dom is None:
        return
    expected = _guide_title(rst_path)
    site.expect(_title(dom) == expected, "%s: title is %r, expected %r" % (relative, _title(dom), expected))
    body = next(iter(dom.find_all("div", "document") or dom.find_all("body")))
    words = len(body.text().split())
    # A guide is prose; a page whose body is a Markdown file of the repository may be short until that file exists,
    # and so is the changelog page before the first release.
    least = 40 if markdown is not None and not os.path.isfile(markdown) and _has_markdown_body(rst_path) else 120
    if os.path.basename(rst_path) == "changelog.rst":
        least = 20
    site.expect(words >= least, "%s: only %d words rendered" % (relative, words))
    if markdown is not None and os.path.isfile(markdown):
        rendered = dom.find_all("div", "mfaops-markdown")
        site.expect(rendered and len(rendered[0].text().split()) >= 20, "%s: %s is not rendered in the page" % (relative, markdown))
    print("check_site.py: %s renders %r (%d words)" % (relative, expected, words))


def check_index(site, modules, roles, guides):
    dom = site.page("index.html")
    if dom is None:
        return
    site.expect(_title(dom) == INDEX_TITLE, "index.html: title is %r, expected %r" % (_title(dom), INDEX_TITLE))
    hrefs = {a.attrs.get("href", "").partition("#")[0] for a in dom.find_all("a")}
    wanted = ["%s_module.html" % m for m in modules] + ["%s_role.html" % r for r in roles] + ["docsite/%s.html" % g for g in guides]
    missing = [page for page in wanted if page not in hrefs]
    site.expect(not missing, "index.html: no link to %s" % missing)


def check_titles(site):
    """No page of the site is titled with antsibull-docs' title-cased collection name."""
    for relative, dom in site.doms.items():
        if dom is None:
            continue
        titles = [" ".join(t.text().split()) for t in dom.find_all("title")] + [_title(dom)]
        site.expect(not any("Mfaops" in title or "Iam " in title for title in titles),
                    "%s: unreadable title %r" % (relative, titles))


def check_sidebar(site, browser, relative):
    """Every sidebar entry fits the sidebar (long plugin names wrap instead of being cut off)."""
    probe = os.path.join(browser.profile, "sidebar-probe.html")
    with open(probe, "w", encoding="utf-8") as handle:
        handle.write(SIDEBAR_PROBE % ("file://" + os.path.abspath(os.path.join(site.html_dir, relative))))
    dom = browser.dom(probe, ["--allow-file-access-from-files"])
    found = [e for e in dom.iter() if e.attrs.get("id") == "sidebar-probe"]
    if not site.expect(found, "%s: the sidebar probe did not run" % relative):
        return
    result = json.loads(found[0].text())
    site.expect(result["links"] > 5, "%s: only %d sidebar entries" % (relative, result["links"]))
    site.expect(not result["cut"], "%s: sidebar entries cut off at the sidebar's edge: %s" % (relative, result["cut"]))
    print("check_site.py: %s sidebar: %d entries, %d cut off" % (relative, result["links"], len(result["cut"])))


def check_changelog(site, root):
    """With CHANGELOG.rst (released), the changelog page shows the newest release of changelogs/changelog.yaml."""
    if not os.path.isfile(os.path.join(root, "CHANGELOG.rst")):
        return
    with open(os.path.join(root, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
        releases = sorted((yaml.safe_load(handle) or {}).get("releases") or {},
                          key=lambda v: [int(p) if p.isdigit() else p for p in re.split(r"[.]", str(v))])
    dom = site.page("docsite/changelog.html")
    if dom is None or not site.expect(releases, "CHANGELOG.rst exists but changelog.yaml has no release"):
        return
    headings = [" ".join(h.text().replace("\uf0c1", "").split()) for h in dom.find_all("h2")]
    site.expect("v%s" % releases[-1] in headings, "docsite/changelog.html: no heading v%s in %s" % (releases[-1], headings))


def check_painted(site, browser, relative):
    """The page painted with its stylesheets: a screenshot with a sizeable non-white area and many colours."""
    import png  # pypng, a dependency of the collection (requirements.txt)  # pylint: disable=import-outside-toplevel

    out = os.path.join(browser.profile, "page.png")
    browser.screenshot(os.path.join(site.html_dir, relative), out)
    width, height, rows, _info = png.Reader(filename=out).asRGBA8()
    colours, non_white, total = set(), 0, 0
    for y, row in enumerate(rows):
        if y % 4:
            continue
        for x in range(0, width * 4, 16):
            pixel = tuple(row[x:x + 3])
            colours.add(pixel)
            total += 1
            non_white += min(pixel) < 235
    share = non_white / max(total, 1)
    site.expect(share > 0.05 and len(colours) > 16,
                "%s: the screenshot looks blank (%.1f%% non-white, %d colours)" % (relative, 100 * share, len(colours)))
    print("check_site.py: %s painted %dx%d, %.0f%% non-white, %d colours" % (relative, width, height, 100 * share, len(colours)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--html", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--collection-root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    args = parser.parse_args()
    root = args.collection_root

    modules = sorted(f[:-3] for f in os.listdir(os.path.join(root, "plugins", "modules")) if f.endswith(".py") and not f.startswith("_"))
    roles_dir = os.path.join(root, "roles")
    roles = sorted(r for r in (os.listdir(roles_dir) if os.path.isdir(roles_dir) else [])
                   if os.path.isfile(os.path.join(roles_dir, r, "meta", "argument_specs.yml")))
    with open(os.path.join(root, "docs", "docsite", "extra-docs.yml"), encoding="utf-8") as handle:
        sections = yaml.safe_load(handle)["sections"]
    guides = [entry if isinstance(entry, str) else entry["ref"] for section in sections for entry in section["toctree"]]

    browser = Browser(args.chromium)
    site = Site(args.html, browser)
    try:
        check_index(site, modules, roles, guides)
        for module in modules:
            check_module(site, module, must_have=("bootstrap_file", "on_missing_seed") if module == "iam_virtual_mfa" else ())
        for role in roles:
            check_role(site, role)
        for guide in guides:
            rst_path = os.path.join(root, "docs", "docsite", "rst", "%s.rst" % guide)
            markdown = os.path.join(root, "docs", "%s.md" % guide) if _has_markdown_body(rst_path) else None
            check_guide(site, guide, rst_path, markdown)
        for relative, dom in list(site.doms.items()):
            if dom is not None:
                check_common(site, relative, dom)
        check_changelog(site, root)
        check_titles(site)
        check_painted(site, browser, "iam_virtual_mfa_module.html")
        for relative in ("index.html", "mfa_audit_organization_summary_filter.html"):
            check_sidebar(site, browser, relative)
    finally:
        browser.close()

    for problem in site.problems:
        print("check_site.py: FAIL %s" % problem, file=sys.stderr)
    print("check_site.py: %d pages loaded in chromium, %d problem(s)" % (len(site.doms), len(site.problems)))
    return 1 if site.problems else 0


if __name__ == "__main__":
    sys.exit(main())
