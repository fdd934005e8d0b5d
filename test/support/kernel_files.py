"""Starts the kernel through jupyter_client's KernelManager, as Jupyter's server (and so a
JupyterHub user's server) does, once over TCP and once over the ipc transport (Unix sockets), and
records for each the modes of the connection file and its folder, and whether a cell ran.

Usage: python3 kernel_files.py KERNEL_NAME CWD    (JUPYTER_RUNTIME_DIR chooses where the files go)
Prints a JSON list: [{"transport", "file_mode", "dir_mode", "reply", "result"}, ...]
"""

import json
import os
import stat
import sys

from jupyter_client.manager import KernelManager

from kernel_wire import follow_request

TIMEOUT = 300


def run(kernel_name, cwd, transport):
    manager = KernelManager(kernel_name=kernel_name, transport=transport)
    manager.start_kernel(cwd=cwd)
    try:
        file = manager.connection_file
        record = {
            'transport': transport,
            'file_mode': oct(stat.S_IMODE(os.stat(file).st_mode)),
            'dir_mode': oct(os.stat(os.path.dirname(file)).st_mode & 0o777),
        }
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=TIMEOUT)
        msg_id = client.execute('6 * 7')
        outputs = []
        replies = []
        follow_request(client, msg_id, TIMEOUT, lambda msg, own: own and outputs.append(msg), replies.append)
        record['reply'] = replies[0]['content']['status']
        record['result'] = next(
            (msg['content']['data']['text/plain'] for msg in outputs if msg['msg_type'] == 'execute_result'), None)
        client.stop_channels()
        return record
    finally:
        manager.shutdown_kernel(now=True)


def main():
    kernel_name, cwd = sys.argv[1:3]
    print(json.dumps([run(kernel_name, cwd, transport) for transport in ('tcp', 'ipc')]))


if __name__ == '__main__':
    main()
