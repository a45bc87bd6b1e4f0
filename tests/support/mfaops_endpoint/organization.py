"""Client-side helpers (boto3 only) to build an AWS Organization on the endpoint, e.g. for tests of an inventory
plugin that walks member accounts through OrganizationAccountAccessRole.

moto's CreateAccount makes each member account's IAM role OrganizationAccountAccessRole (trusting the management
account), so `assume_role_client` can act in any member account at once; its IAM calls act in that account
(devices and users live there, ARNs carry its id).
"""

from __future__ import annotations

ACCESS_ROLE = "OrganizationAccountAccessRole"


def create_organization(organizations, accounts: int = 20, ou_names=("Production", "Development"),
                        name_prefix: str = "member", tags: dict[str, str] | None = None,
                        names: list[str] | None = None) -> dict:
    """Create an organization (feature set ALL) with `accounts` member accounts spread round-robin over one OU per
    name of `ou_names` under the root (none: all accounts stay under the root), each tagged with `tags`.

    `names`, if given, are the accounts' names (any that Organizations allows, repeats included; `accounts` is then
    their number), with e-mail addresses account-000@example.com, ...; otherwise the names are
    `<name_prefix>-000`, ... with `<name>@example.com`.

    `organizations` is a boto3 Organizations client of the management account (the default 123456789012).
    Returns {"id", "root_id", "ous": {name: ou id}, "accounts": [{"id", "name", "email", "ou"}]} where "ou" is the
    OU name or None; the management account is not in "accounts".
    """
    org = organizations.create_organization(FeatureSet="ALL")["Organization"]
    root_id = organizations.list_roots()["Roots"][0]["Id"]
    ous = {
        name: organizations.create_organizational_unit(ParentId=root_id, Name=name)["OrganizationalUnit"]["Id"]
        for name in ou_names
    }
    tag_list = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    created = []
    for i in range(accounts if names is None else len(names)):
        name = f"{name_prefix}-{i:03d}" if names is None else names[i]
        email = f"{name}@example.com" if names is None else f"account-{i:03d}@example.com"
        kwargs = {"Tags": tag_list} if tag_list else {}
        status = organizations.create_account(AccountName=name, Email=email, **kwargs)["CreateAccountStatus"]
        ou = list(ous)[i % len(ous)] if ous else None
        if ou is not None:
            organizations.move_account(AccountId=status["AccountId"], SourceParentId=root_id, DestinationParentId=ous[ou])
        created.append({"id": status["AccountId"], "name": name, "email": email, "ou": ou})
    return {"id": org["Id"], "root_id": root_id, "ous": ous, "accounts": created}


def assumed_credentials(sts, account_id: str, role_name: str = ACCESS_ROLE, session_name: str = "mfaops-tests") -> dict:
    """boto3 client keyword arguments for `role_name` assumed in `account_id` (AccessDenied if it does not exist)."""
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName=session_name)
    creds = creds["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }
