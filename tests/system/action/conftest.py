"""Run a task of the collection through real ansible-playbook (so through the action plugin) against the endpoint."""

import json
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@pytest.fixture
def play(endpoint, tmp_path):
    """``play(tasks, check=False, diff=False)`` -> (returncode, {task name: result}, stdout)."""

    def run(tasks, check=False, diff=False, extra_args=()):
        playbook = [{
            "hosts": "localhost", "gather_facts": False,
            "module_defaults": {"group/mfaops.iam.aws": {
                "endpoint_url": endpoint.url, "access_key": "testing", "secret_key": "testing", "region": "us-east-1"}},
            "tasks": [dict(task, register="r", ignore_errors=True) for task in tasks]
            + [{"name": "results", "ansible.builtin.debug": {"var": "r"}}],
        }]
        path = tmp_path / "play.yml"
        path.write_text(yaml.safe_dump(playbook))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, "build", "collections"),
                   ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="0")
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,",
                   "-c", "local", "-e", "ansible_python_interpreter=%s" % sys.executable, str(path), *extra_args]
        command += ["--check"] if check else []
        command += ["--diff"] if diff else []
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        output = json.loads(proc.stdout)
        results = {t["task"]["name"]: t["hosts"]["localhost"] for t in output["plays"][0]["tasks"]}
        return proc.returncode, results, proc.stdout + proc.stderr

    return run
