"""The routing files' YAML text read into plain data (pure).

One reader for the example files (:mod:`.expansion`) and the safety signals file
(:mod:`.safety`): PyYAML's safe loader, in C (libyaml) where PyYAML was built with it.
The two give the same data for the same text (the safe constructor is the same; only
the scanning and parsing move to C) and raise the same ``yaml.YAMLError`` classes;
the C one reads the ~45 shipped files in under 0.1 s against ~1.2 s, most of that a
new process's first :class:`~busbaan.routing.Router` (session 16, speed).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``text`` as YAML (one document) read into plain data; raises ``yaml.YAMLError``
    (or ``ValueError``, ``OverflowError``, ``RecursionError``) when it is no YAML."""
    return yaml.load(text, Loader=_LOADER)  # a safe loader: plain data only
