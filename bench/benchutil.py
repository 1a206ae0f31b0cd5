"""What the benchmark scripts share."""
import argparse
import json
import os
import subprocess

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")


def cli_json(command, env=None):
    """Runs a command that prints JSON (tandem-cli --json, the Python baselines) and returns it parsed."""
    return json.loads(subprocess.run(command, stdout=subprocess.PIPE, check=True, env=env).stdout)


def training_parser(doc, work, images, epochs, batch, lr):
    """The options every model benchmark takes, with its own defaults; work is a folder name under build/."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=BUILD)
    parser.add_argument("--work", default=os.path.join(BUILD, work))
    parser.add_argument("--images", type=int, default=images)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch", type=int, default=batch)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--progress", action="store_true", help="show the training progress on stderr")
    return parser
