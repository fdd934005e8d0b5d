"""Starts the kernel as Jupyter's server (and so a JupyterHub user's server) does - a
MultiKernelManager whose connection files go to the runtime folder that jupyter_core's JupyterApp
makes - once over TCP and once over the ipc transport (Unix sockets next to the connection file),
and records for each the modes of the connection file and its folder, and whether a cell ran.

Usage: python3 kernel_files.py KERNEL_NAME CWD    (JUPYTER_RUNTIME_DIR chooses where the files go)
Prints a JSON list: [{"transport", "file_mode", "dir_mode", "reply", "result"}, ...]
"""

import json
import os
import stat
import sys

from jupyter_client.multikernelmanager import MultiKernelManager
from jupyter_core.application import JupyterApp
from traitlets.config import Config

from kernel_wire import follow_request

TIMEOUT = 120


def run(kernel_name, cwd, transport):
    # What jupyter_server's ServerApp and the classic NotebookApp do: connection_dir=self.runtime_dir.
    kernels = MultiKernelManager(connection_dir=JupyterApp().runtime_dir,
                                 config=Config({'KernelManager': {'transport': transport}}))
    kernel_id = kernels.start_kernel(kernel_name=kernel_name, cwd=cwd)
    manager = kernels.get_kernel(kernel_id)
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
        msg_id = client.execute('console.log(6 * 7)')
        outputs = []
        replies = []
        follow_request(client, msg_id, TIMEOUT, lambda msg, own: own and outputs.append(msg), replies.append)
        record['reply'] = replies[0]['content']['status']
        record['result'] = ''.join(msg['content']['text'] for msg in outputs if msg['msg_type'] == 'stream').strip()
        client.stop_channels()
        return record
    finally:
        manager.shutdown_kernel(now=True)


def main():
    kernel_name, cwd = sys.argv[1:3]
    print(json.dumps([run(kernel_name, cwd, transport) for transport in ('tcp', 'ipc')]))


if __name__ == '__main__':
    main()
