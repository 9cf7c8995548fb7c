"""YAML as the project reads it (instruments, params, tactics, locales): PyYAML's safe loading,
parsed by libyaml where PyYAML was built with it (the tactics library parses in about a tenth of
the time); both build the same safe types."""

from __future__ import annotations

import yaml

_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """``yaml.safe_load(text)``, parsed by libyaml when it is there. A text libyaml refuses is
    parsed again by PyYAML, which raises the error users read (it shows the line, libyaml's
    does not) or, if the two parsers ever disagree, reads it.

    >>> load_yaml("items: [a, 2]")
    {'items': ['a', 2]}
    """
    try:
        return yaml.load(text, Loader=_FAST)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return yaml.safe_load(text)
