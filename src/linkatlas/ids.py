"""Stable 64-bit ids of URLs, hosts, domains and snapshots.

An id is XXH64 of the UTF-8 string with seed 42, read as a signed 64-bit integer. That is
exactly what Apache Spark's built-in ``xxhash64`` column function computes for a string, so
the Spark path can derive the same ids natively, and runs on different machines produce
mergeable tables without a shared dictionary.
"""

from __future__ import annotations

import xxhash

SEED = 42


def stable_id(text: str) -> int:
    """The signed 64-bit id of ``text`` (Spark's ``xxhash64`` of the same string)."""
    value: int = xxhash.xxh64_intdigest(text.encode("utf-8", "surrogatepass"), SEED)
    return value - (1 << 64) if value >= 1 << 63 else value


def snapshot_id(name: str) -> int:
    """The id of a snapshot, derived from its name."""
    return stable_id("snapshot:" + name)


def link_id(source_url: str, target_url: str, kind: str, occurrence: int) -> int:
    """The id of one backlink: the ``occurrence``-th link of ``kind`` from source to target.

    The same link seen in a later snapshot gets the same id, so first-seen and last-seen
    are answerable. The anchor is not part of the identity: an edited anchor is the same link.
    """
    return stable_id(f"{source_url}\x00{target_url}\x00{kind}\x00{occurrence}")
