"""The team's own GPUs: ComfyUI backends behind the Comfy API v2 (configured by the operator in
the environment), the slots that spread takes over them, and bound workflows, which the catalog
offers as models (docs/providers.md "Your own GPUs")."""
