"""What the benchmark scripts share."""
import json
import subprocess


def cli_json(command, env=None):
    """Runs a command that prints JSON (tandem-cli --json, the Python baselines) and returns it parsed."""
    return json.loads(subprocess.run(command, stdout=subprocess.PIPE, check=True, env=env).stdout)
