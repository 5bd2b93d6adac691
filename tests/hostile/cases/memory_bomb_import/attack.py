"""Fills memory as soon as the module is imported, before any test can call it."""

_hoard = []
while True:
    _block = bytearray(32 * 1024 * 1024)
    _block[::4096] = b"x" * len(_block[::4096])
    _hoard.append(_block)
