"""ComfyUI workflows in API format: read one (the editor's UI format is refused with the way to
export the right one), check its bindings against the graph, and fill a take's values in.

The API format is a graph keyed by node id: `{"6": {"class_type": "CLIPTextEncode", "inputs":
{"text": "…", "clip": ["4", 1]}, "_meta": {"title": "Prompt"}}, …}`. A binding names the node
and the input a slot's value goes to ("prompt = 6.text"); an input wired to another node's
output (a `[node, index]` pair) cannot hold a value and is refused at upload."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from generation import text

# The slots a workflow may bind, in the order the upload form lists them.
SLOTS = (
    "prompt",
    "negative_prompt",
    "seed",
    "width",
    "height",
    "frames",
    "seconds",
    "fps",
    "first_frame",
    "last_frame",
)
FRAME_SLOTS = {"first_frame": "first", "last_frame": "last"}
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 2000
# Frame counts by rule: the frames a model makes for n = seconds × fps.
RULE_STEP = {"any": 1, "8n+1": 8, "4n+1": 4}


class WorkflowError(ValueError):
    """Why a workflow or its bindings cannot be used, in words for the person uploading it."""


@dataclass(frozen=True)
class Values:
    """What a take fills into its workflow's slots."""

    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    seconds: int
    fps: int
    frames: int
    first_frame: str = ""  # asset ids on the backend
    last_frame: str = ""


def read_graph(raw: bytes) -> dict[str, Any]:
    """The API-format graph in `raw`, or WorkflowError saying what is wrong with it."""
    if len(raw) > MAX_BYTES:
        raise WorkflowError("The workflow is larger than 2 MB; export it again in API format.")
    try:
        graph = text.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise WorkflowError("The file is not JSON: export the workflow in API format.") from None
    if isinstance(graph, dict) and isinstance(graph.get("nodes"), list) and "links" in graph:
        raise WorkflowError(
            "This is the editor's UI format (with nodes and links), which ComfyUI cannot run "
            "from outside. In ComfyUI choose Workflow → Export (API) and upload that file."
        )
    if not isinstance(graph, dict) or not graph:
        raise WorkflowError("The file holds no workflow: export it in API format.")
    if len(graph) > MAX_NODES:
        raise WorkflowError(f"The workflow has more than {MAX_NODES} nodes.")
    for node_id, node in graph.items():
        if (
            not isinstance(node, dict)
            or not isinstance(node.get("class_type"), str)
            or not isinstance(node.get("inputs"), dict)
        ):
            raise WorkflowError(
                f"Node {node_id!r} has no class_type and inputs: this is not an API-format "
                "workflow. In ComfyUI choose Workflow → Export (API)."
            )
        names = [node_id, *node["inputs"]]
        if any(len(n) > 100 or not n or text.line(n) != n for n in names):
            raise WorkflowError(
                "A node id or input name holds characters a workflow cannot have (control "
                "characters, or over 100 characters): export the workflow again."
            )
    return graph


def read_bindings(lines: str) -> dict[str, list[str]]:
    """`slot = node.input` lines (blank lines and # comments ignored) as {slot: [node, input]}."""
    bindings: dict[str, list[str]] = {}
    for number, line in enumerate(lines.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        slot, equals, target = (part.strip() for part in line.partition("="))
        node, dot, name = target.partition(".")
        if not equals or not dot or not node.strip() or not name.strip():
            raise WorkflowError(
                f"Line {number}: write it as “slot = node.input”, e.g. “prompt = 6.text”."
            )
        if slot not in SLOTS:
            raise WorkflowError(
                f"Line {number}: “{slot}” is not a slot; the slots are {', '.join(SLOTS)}."
            )
        if slot in bindings:
            raise WorkflowError(f"Line {number}: “{slot}” is bound twice.")
        bindings[slot] = [node.strip(), name.strip()]
    return bindings


def check(graph: dict[str, Any], bindings: dict[str, list[str]]) -> None:
    """Every binding points at a node and input that exist and take a value; a prompt is bound."""
    if "prompt" not in bindings:
        raise WorkflowError("Bind the prompt (e.g. “prompt = 6.text”): a take is made from it.")
    if "frames" in bindings and "seconds" in bindings:
        raise WorkflowError("Bind frames or seconds, not both: the length is said once.")
    for slot, (node_id, name) in bindings.items():
        node = graph.get(node_id)
        if node is None:
            raise WorkflowError(
                f"{slot} is bound to node {node_id}, which the workflow does not have."
            )
        inputs = node["inputs"]
        label = f"node {node_id} ({node['class_type']})"
        if name not in inputs:
            have = ", ".join(sorted(inputs)) or "none"
            raise WorkflowError(
                f"{slot} is bound to {label}.{name}, an input it does not have ({have})."
            )
        if isinstance(inputs[name], list):
            raise WorkflowError(
                f"{slot} is bound to {label}.{name}, which is wired to node {inputs[name][0]}: "
                "bind an input that holds a value."
            )
        if slot in FRAME_SLOTS and "image" not in name and "Load" not in node["class_type"]:
            raise WorkflowError(
                f"{slot} is bound to {label}.{name}: a frame goes to an image loader's image input."
            )


def frames_for(seconds: int, fps: int, rule: str) -> int:
    """The frame count a model makes for this length: n = seconds × fps, to the rule (LTX's
    8n+1: 5 s at 24 fps is 121 frames; Wan's 4n+1: 5 s at 16 fps is 81)."""
    step = RULE_STEP.get(rule, 1)
    count = seconds * fps
    if step == 1:
        return count
    return step * max(1, round(count / step)) + 1


def asset_ref(asset_id: str) -> dict[str, Any]:
    """How the Comfy API v2 names an uploaded input inside a graph."""
    return {"__type": "core/ASSET", "info": {"id": asset_id}}


def fill(graph: dict[str, Any], bindings: dict[str, list[str]], values: Values) -> dict[str, Any]:
    """A copy of the graph with the take's values in its bound inputs."""
    filled = copy.deepcopy(graph)
    for slot, (node_id, name) in bindings.items():
        if slot in FRAME_SLOTS:
            asset = getattr(values, slot)
            if asset:
                filled[node_id]["inputs"][name] = asset_ref(asset)
            continue
        filled[node_id]["inputs"][name] = getattr(values, slot)
    return filled


def bound_values(graph: dict[str, Any], bindings: dict[str, list[str]]) -> dict[str, Any]:
    """What a graph holds in its bound inputs (to recognise a take's job by its prompt and
    seed when its create's answer was lost)."""
    found = {}
    for slot in ("prompt", "seed"):
        if slot in bindings:
            node_id, name = bindings[slot]
            found[slot] = (graph.get(node_id) or {}).get("inputs", {}).get(name)
    return found


def describe(bindings: dict[str, list[str]]) -> str:
    return json.dumps(bindings, sort_keys=True)
