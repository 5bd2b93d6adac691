"""Unpacked by a careless reader, this lands outside the staging folder."""

HOSTILE_SLIP = True
