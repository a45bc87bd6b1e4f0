"""Make (or complete) an organization on the endpoint whose member accounts have hostile names; print them as JSON.

Usage: organization.py <endpoint url>. Re-runnable: an existing organization and accounts of these names are kept.
"""

import json
import sys

import boto3

NAMES = ["{{lookup('pipe','touch pwn')}}", "dup", "dup", "../escape", "victim/."]


def main(url):
    client = boto3.client("organizations", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    try:
        client.create_organization(FeatureSet="ALL")
    except client.exceptions.AlreadyInOrganizationException:
        pass
    existing = [a["Name"] for a in client.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]]
    for index, name in enumerate(NAMES):
        if existing.count(name) < NAMES[:index + 1].count(name):
            client.create_account(AccountName=name, Email="hostile-%03d@example.com" % index)
    accounts = client.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]
    first_dup = sorted(a["Id"] for a in accounts if a["Name"] == "dup")[0]
    if not any(a["Name"] == "dup_" + first_dup for a in accounts):
        client.create_account(AccountName="dup_" + first_dup, Email="hostile-twin@example.com")
        accounts = client.get_paginator("list_accounts").paginate().build_full_result()["Accounts"]
    management = client.describe_organization()["Organization"]["MasterAccountId"]
    print(json.dumps({"management": management,
                      "accounts": [{"id": a["Id"], "name": a["Name"]} for a in accounts if a["Id"] != management]}))


if __name__ == "__main__":
    main(sys.argv[1])
