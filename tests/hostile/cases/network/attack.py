"""Tries every way out: TCP, UDP, DNS, the Docker daemon over TCP, the host's gateway.

answer() returns 42 only when every attempt failed, so a wall that gives way costs a point.
"""

import socket


def _tcp(host, port):
    with socket.create_connection((host, port), timeout=1):
        return True


def _udp_dns():
    header = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
    query = header + b"\x07example\x03com\x00\x00\x01\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(1)
        sock.sendto(query, ("8.8.8.8", 53))
        return bool(sock.recvfrom(512)[0])


def _resolve():
    return bool(socket.getaddrinfo("example.com", 80))


ATTEMPTS = [
    lambda: _tcp("1.1.1.1", 53),
    lambda: _tcp("172.17.0.1", 2375),
    lambda: _tcp("172.17.0.1", 22),
    lambda: _tcp("10.0.2.2", 80),
    _udp_dns,
    _resolve,
]


def answer():
    for attempt in ATTEMPTS:
        try:
            if attempt():
                return "network reachable"
        except OSError:
            continue
    return 42
