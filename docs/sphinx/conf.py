# Sphinx configuration of the mfaops.iam docs site; docs/build_docs.sh copies it next to the generated sources.
# Based on what `antsibull-docs sphinx-init` writes, with intersphinx served from a local inventory (no network).

import os

project = "mfaops.iam"
copyright = "Contributors to the mfaops.iam collection"  # pylint: disable=redefined-builtin

title = "mfaops.iam: AWS IAM virtual MFA devices as code"
html_short_title = "mfaops.iam"
html_title = "mfaops.iam documentation"

extensions = ["sphinx.ext.intersphinx", "sphinx_antsibull_ext"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False
# Site styles over the theme's (docs/sphinx/_static, copied next to this file by docs/build_docs.sh).
html_static_path = ["_static"]
html_css_files = ["mfaops.css"]
html_theme_options = {
    "topbar_links": {
        "Repository": "https://github.com/mfaops/mfaops.iam",
        "Issues": "https://github.com/mfaops/mfaops.iam/issues",
        "Ansible documentation": "https://docs.ansible.com/",
    },
    "show_extranav": False,
    "show_rtd_ethical_ads": False,
}

# References into the Ansible docs (ansible.builtin, amazon.aws, the reference appendices) resolve against an
# inventory that docs/sphinx/inventory.py writes from the installed ansible-core and collections: the build never
# downloads anything, and a reference to something that does not exist still fails the build.
_INVENTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ansible.inv")
intersphinx_mapping = {
    "ansible": ("https://docs.ansible.com/projects/ansible/latest/", _INVENTORY),
}
intersphinx_timeout = 1

default_role = "any"
nitpicky = True
