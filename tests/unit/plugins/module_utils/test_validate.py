"""module_utils/_virtual_mfa/validate: input IAM would reject mid-run is refused before any AWS call."""

import pytest

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import validate

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("tags, problem", [
    (None, None),
    ({"team": "payments", "note": "a b:c/d=e+f-g@h_i.j"}, None),
    ({"owner": None}, "the value of 'owner' is null"),
    ({5: "x"}, "key 5 is a number"),
    ({"on": True}, "a boolean (True)"),
    ({"aws:x": "y"}, "reserved prefix"),
    ({"Team": "a", "team": "b"}, "differ only in case"),
    ({"k": "x" * 257}, "at most 256"),
    ({"": "x"}, "1-128 characters"),
    ({"k": "{{ lookup('pipe', 'id') }}"}, "characters IAM does not accept"),
    ({"k%d" % i: "v" for i in range(51)}, "at most 50"),
])
def test_tags_problem(tags, problem):
    found = validate.tags_problem(tags)
    assert (found is None) if problem is None else (problem in found)


def test_codes_must_be_six_digits():
    assert validate.codes_problem({"authentication_code_1": "12345", "authentication_code_2": "123456"}) == (
        "authentication_code_1 must be exactly six digits")
    assert validate.codes_problem({"authentication_code_1": "123456", "authentication_code_2": "654321"}) is None


def test_seed_problem_never_shows_the_seed():
    short = "JBSWY3DP"
    assert validate.seed_problem(SEED) is None
    problem = validate.seed_problem(short)
    assert "bits" in problem and short not in problem
    problem = validate.seed_problem(SEED[:-1] + "1")
    assert "Base32" in problem and SEED[:10] not in problem
