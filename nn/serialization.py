"""The saved-model file format: human-readable JSON, written atomically and read back with every check.

The file holds the architecture (``Module.config()``) and every named parameter, floats with all
their digits so a round trip is exact::

    {
      "format": "valuegrad.nn",
      "version": 1,
      "architecture": {"type": "MLP", "nin": 2, "sizes": [1], "activation": "relu", ...},
      "num_parameters": 3,
      "parameters": {"layers.0.neurons.0.w.0": 0.25, ...}
    }

This module knows the format only, not the modules (``nn.module`` builds models from what it reads):
a file that is not such a document, however broken or hostile, is a ``ValueError`` naming the file.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping

from autograd.files import write_atomically

FORMAT = "valuegrad.nn"
VERSION = 1
MAX_FILE_BYTES = 64 * 2**20
"""Larger files are refused unread: 64 MiB holds about three million parameters, far more than a
scalar engine trains, and reading stays well under a second."""


def save(path: str | os.PathLike, architecture: Mapping[str, Any], parameters: Mapping[str, float]) -> None:
    """Write ``architecture`` and ``parameters`` to ``path`` as indented JSON, atomically.

    A reader of ``path`` sees the previous file or the whole new one, never a half-written one.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "line.json")
    >>> save(path, {"type": "Line"}, {"slope": 2.0, "intercept": 0.5})
    >>> read(path)["parameters"]
    {'slope': 2.0, 'intercept': 0.5}
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": dict(architecture),
        "num_parameters": len(parameters),
        "parameters": dict(parameters),
    }
    write_atomically(path, _format(document))


def read(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check a saved-model file: size, encoding, JSON, format tag, version and sections.

    Any defect (binary data, deep nesting, ``NaN``, a wrong section...) is a ValueError naming the file.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> _ = open(path, "w").write('{"format": "valuegrad.nn", "version": 1, "parameters": {"b": NaN}}')
    >>> read(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...bad.json is not valid JSON: NaN is not a finite number
    """
    document = _parse(path, _text(path))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved valuegrad model (no \"format\": \"{FORMAT}\" entry)")
    if document.get("version") != VERSION:
        raise ValueError(f"{path} has format version {short_repr(document.get('version'))}; "
                         f"this library reads version {VERSION}")
    for section in ("architecture", "parameters"):
        if not isinstance(document.get(section), dict):
            raise ValueError(f"{path} has no {section!r} object")
    return document


def _text(path: str | os.PathLike) -> str:
    """The file's text, refusing files too big to be a model and bytes that are not UTF-8."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > MAX_FILE_BYTES:  # checked before reading: no big buffer
            raise ValueError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MiB: not a model this library saved")
        data = file.read(size + 1)  # read(n) allocates n bytes: ask only for what is there
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MiB: not a model this library saved")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} is not a text file (byte {exc.start} is not UTF-8): not a saved model") from None


def _parse(path: str | os.PathLike, text: str) -> Any:
    def refuse(name: str) -> float:
        raise ValueError(f"{name} is not a finite number")

    try:
        return json.loads(text, parse_constant=refuse)
    except RecursionError:
        raise ValueError(f"{path} is not a saved model: its JSON is nested too deeply to read") from None
    except ValueError as exc:  # JSONDecodeError, our refusal, or an integer of thousands of digits
        raise ValueError(f"{path} is not valid JSON: {exc}") from None


def short_repr(value: Any) -> str:
    """A value from a file for an error message, cut short (a file may hold a 400-digit number)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _format(document: dict[str, Any]) -> str:
    """JSON with each top-level entry on one line, except the parameters: one line each."""
    entries = []
    for key, value in document.items():
        if key == "parameters":
            lines = ",\n".join(f"    {json.dumps(name)}: {json.dumps(x)}" for name, x in value.items())
            text = "{\n" + lines + "\n  }"
        else:
            text = json.dumps(value, ensure_ascii=False)
        entries.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(entries) + "\n}\n"
