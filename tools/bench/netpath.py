#!/usr/bin/env python3
# The impaired network path of tools/bench/voice-rungs.mjs. This kernel has
# no netem qdisc (`tc qdisc add ... netem` says "Specified qdisc kind is
# unknown"), so the path is two TUN devices with this process between them:
# every IP packet one side sends is read here and, unless dropped, written
# to the other side after its own delay. Both the WebSocket's TCP segments
# and WebRTC's UDP datagrams cross it, each exactly once per direction.
#
#   python3 netpath.py TUN_A TUN_B [SEED]
# prints "ready" once both devices exist; then reads commands on stdin:
#   set DELAY_MS JITTER_MS LOSS_PCT   every packet, each direction: dropped
#                                     with probability LOSS_PCT/100, else held
#                                     DELAY_MS + uniform(-JITTER_MS, +JITTER_MS),
#                                     drawn per packet, but never released
#                                     before the packet ahead of it in the
#                                     same direction (first in, first out:
#                                     queueing jitter; netem's default lets
#                                     packets overtake, which real paths
#                                     seldom do at this rate)
#   stats                             prints {"a_to_b": [forwarded, dropped],
#                                     "b_to_a": [...]} since the last stats
# and answers "ok" to each set. Exits when stdin closes (the devices go with it).
import fcntl
import heapq
import json
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    a, b = open_tun(sys.argv[1]), open_tun(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 17)
    other = {a: b, b: a}
    name = {a: 'a_to_b', b: 'b_to_a'}
    delay = jitter = loss = 0.0
    stats = {'a_to_b': [0, 0], 'b_to_a': [0, 0]}
    queue = []  # (due, order, fd, packet): a heap ordered by release time
    order = 0
    last_due = {a: 0.0, b: 0.0}  # per direction: the latest release time given
    stdin = sys.stdin.fileno()
    pending = b''
    print('ready', flush=True)
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        ready, _, _ = select.select([a, b, stdin], [], [], timeout)
        for fd in ready:
            if fd == stdin:
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return
                pending += chunk
                while b'\n' in pending:
                    line, pending = pending.split(b'\n', 1)
                    words = line.decode().split()
                    if words[:1] == ['set']:
                        delay, jitter, loss = (float(w) for w in words[1:4])
                        print('ok', flush=True)
                    elif words[:1] == ['stats']:
                        print(json.dumps(stats), flush=True)
                        stats = {'a_to_b': [0, 0], 'b_to_a': [0, 0]}
                continue
            while True:
                try:
                    packet = os.read(fd, 65535)
                except (BlockingIOError, OSError):
                    break
                counts = stats[name[fd]]
                if loss > 0 and rng.random() * 100 < loss:
                    counts[1] += 1
                    continue
                counts[0] += 1
                held = delay + (rng.uniform(-jitter, jitter) if jitter > 0 else 0.0)
                order += 1
                due = max(last_due[fd], time.monotonic() + max(0.0, held) / 1000)
                last_due[fd] = due
                heapq.heappush(queue, (due, order, other[fd], packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, fd, packet = heapq.heappop(queue)
            try:
                os.write(fd, packet)
            except OSError:
                pass  # the other side is down: the packet is lost, as on a wire


if __name__ == '__main__':
    main()
