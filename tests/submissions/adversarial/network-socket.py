"""The solution cell opens network sockets (to fetch answers, or to send the notebook away).

The sandbox has no network: every connection fails; the exercise scores zero.
"""

from _attack import submission as attack

EXPECTED = {"status": "scored", "lost": "exercise"}

ATTACK = '''
import socket as _socket

_network = []
for _address in (("1.1.1.1", 53), ("8.8.8.8", 443), ("127.0.0.1", 22), ("127.0.0.1", 8888)):
    try:
        _socket.create_connection(_address, timeout=2).close()
        _network.append(f"{_address}: CONNECTED")
    except OSError as _error:
        _network.append(f"{_address}: {_error}")
print("network:", _network)
'''


def submission(correct, notebook, exercise):
    return attack(correct, notebook, exercise, ATTACK)
