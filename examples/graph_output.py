"""Shared by the picture examples: where they write (``out/``, ``--out DIR``, or ``docs/`` with ``--docs``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import viz  # noqa: E402



def picture_folder(description: str) -> tuple[Path, bool]:
    """Parse ``--out DIR`` / ``--docs`` and return (folder, writing the committed docs pictures?)."""
    parser = argparse.ArgumentParser(description=description)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, default=ROOT / "out", help="folder for the pictures (default: out/)")
    where.add_argument("--docs", action="store_true", help="regenerate the README pictures in docs/ instead")
    args = parser.parse_args()
    folder = ROOT / "docs" if args.docs else args.out
    folder.mkdir(parents=True, exist_ok=True)
    return folder, args.docs


def save_picture(what: Any, folder: Path, stem: str, docs: bool, **options: Any) -> None:
    """Write ``stem.svg`` and ``stem.png`` for a Value or a ready graph (only the small, sharp SVG in docs/)."""
    for suffix in [".svg"] if docs else [".svg", ".png"]:
        path = viz.save(what, folder / f"{stem}{suffix}", **options)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
