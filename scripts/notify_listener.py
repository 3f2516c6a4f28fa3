#!/usr/bin/env python3
"""A stand-in for systemd's notification socket: binds a datagram socket at SOCKET (the path a
server finds in NOTIFY_SOCKET), open to any user, and appends each message it receives to LOG, one
line per field, after the monotonic time it arrived: "12.345 READY=1".
Usage: notify_listener.py SOCKET LOG   (runs until killed)"""
import os
import socket
import sys
import time

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)  # a service may run as its own user
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        for line in sock.recv(4096).decode().split("\n"):
            out.write(f"{time.monotonic():.3f} {line}\n")
