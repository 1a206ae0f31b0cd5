"""What the benchmark scripts share."""
import argparse
import json
import os
import subprocess

BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")

# The Python twins' VQA model: FiLM without the standard preset's recipe options
# (CoordConv, pixel path and its object positions, question gate, attention,
# offsets), which the twins do not have.
PLAIN_FILM = [arg for option in ("coordinate_channels=false", "pixel_channels=0", "object_positions=false",
                                 "film_gate=false", "film_attention=false", "film_relative=false")
              for arg in ("--model-option", option)]


def cli_json(command, env=None):
    """Runs a command that prints JSON (tandem-cli --json, the Python baselines) and returns it parsed."""
    return json.loads(subprocess.run(command, stdout=subprocess.PIPE, check=True, env=env).stdout)


def model_environment(cli):
    """The environment tandem-cli sets for itself before it runs a model (its
    thread pools, OpenBLAS's build and kernels), as `tandem-cli version --json`
    reports it: the Python twins get the same."""
    return cli_json([cli, "version", "--json"]).get("model_environment", {})


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


def machine_load():
    """The load average and the busiest other processes: what else was running beside a benchmark."""
    load = os.getloadavg()
    out = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], stdout=subprocess.PIPE,
                         text=True).stdout.splitlines()
    busy = [line.split(None, 1) for line in out if line.strip()]
    others = ["%s %s%%" % (name.strip(), cpu) for cpu, name in busy[:6] if float(cpu) >= 5.0
              and name.strip() not in ("ps", "python3")]
    return "load %.2f %.2f %.2f; busy: %s" % (load[0], load[1], load[2], ", ".join(others) or "nothing above 5% CPU")
