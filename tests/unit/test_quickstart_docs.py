"""The quick start is written twice, in README.md and in the docs site's quick-start page: the command lines are the
same in both (tests/system/release runs the README's)."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _readme_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    using = text.split("## Using it", 1)[1].split("### In your playbooks", 1)[0]
    return [block.strip("\n").splitlines() for block in re.findall(r"```bash\n(.*?)```", using, re.S)]


def _page_blocks():
    with open(os.path.join(ROOT, "docs", "docsite", "rst", "quickstart.rst"), encoding="utf-8") as handle:
        text = handle.read()
    blocks = []
    for match in re.finditer(r"\.\. code-block:: bash\n\n((?:    .*\n|\n)+)", text):
        blocks.append([line[4:] for line in match.group(1).rstrip("\n").splitlines()])
    return blocks


def test_install_and_quick_start_commands_are_the_readme_s():
    readme = _readme_blocks()
    assert len(readme) == 2 and any("mfaops-endpoint start" in line for line in readme[1])
    assert _page_blocks() == readme
