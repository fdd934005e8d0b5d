"""Run as student A against student B's kernel: A knows B's kernel ports (any local user can list
listening ports) but not B's key. Sends execute_requests that would write `marker` as B, once signed
with a wrong key and once unsigned, then says on stdout whether the kernel answered either.

    python3 intrude_kernel.py SHELL_PORT MARKER_PATH
"""

import json
import sys

import zmq
from jupyter_client.session import Session

shell_port, marker = int(sys.argv[1]), sys.argv[2]
code = f"require('fs').writeFileSync({json.dumps(marker)}, 'written by another student')"
content = {'code': code, 'silent': False, 'store_history': False, 'user_expressions': {},
           'allow_stdin': False, 'stop_on_error': True}
context = zmq.Context()
answered = []
for label, key in (('wrong key', b'not-the-key-of-this-kernel'), ('unsigned', b'')):
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(f'tcp://127.0.0.1:{shell_port}')
    Session(key=key, signature_scheme='hmac-sha256').send(socket, 'execute_request', content)
    if socket.poll(3000):
        answered.append(label)
    socket.close()
print(json.dumps({'answered': answered}))
