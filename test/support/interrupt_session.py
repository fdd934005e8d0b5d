"""Runs code cells one by one in a fresh Jupyter kernel and presses Interrupt during the cells that
ask for it, the way Jupyter's Interrupt button does (KernelManager.interrupt_kernel(): SIGINT, as
the kernel spec sets no interrupt_mode). Prints, as JSON, each cell's IOPub messages (with the ones
that arrived after the cell had ended flagged `late`), its reply, and for an interrupted cell: when
the interrupt went out, how long the cell took to end after it, how long a kernel_info request sent
while the cell ran took to be answered, and the kernel process's CPU use in the 2 s after.

Usage: python3 interrupt_session.py KERNEL_NAME CWD CELLS.json OUT.json
CELLS.json: a list of {"code": str, "interrupt": {"after": regex, "delay": seconds} or null};
the interrupt goes out `delay` seconds after the cell's output first matched `after`.
The record goes to OUT.json, not stdout, which the kernel process shares.
"""

import json
import queue
import re
import sys
import time

from jupyter_client.manager import start_new_kernel

from kernel_wire import PAUSE_AFTER_FAILURE, cpu_seconds

TIMEOUT = 900  # long enough for a training run that ignores Interrupt to end by itself
KERNEL_INFO_WAIT = 15
CPU_WINDOW = 2.0


def cpu_share(pid, seconds=CPU_WINDOW):
    """The fraction of one core process `pid` used over the next `seconds`."""
    start, wall = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - start) / (time.monotonic() - wall)


class Session:
    def __init__(self, client):
        self.client = client
        self.events = {}  # msg_id -> summaries of its IOPub messages, in arrival order
        self.ended = set()  # msg_ids whose cell has replied and gone idle
        self.idle = set()
        self.replies = {}  # msg_id -> (reply content, arrival time)

    def pump(self, timeout=0.01):
        """Files every IOPub and shell message that has arrived."""
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=timeout)
            except queue.Empty:
                break
            parent = msg['parent_header'].get('msg_id')
            kind = msg['msg_type']
            if kind == 'status':
                if msg['content']['execution_state'] == 'idle':
                    self.idle.add(parent)
                continue
            content = msg['content']
            event = {'type': kind, 'late': parent in self.ended}
            if kind == 'stream':
                event['name'] = content.get('name')
                event['text'] = content.get('text', '')
            elif kind == 'error':
                event['text'] = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind in ('execute_result', 'display_data', 'update_display_data'):
                event['text'] = content.get('data', {}).get('text/plain', '')
            self.events.setdefault(parent, []).append(event)
        while True:
            try:
                reply = self.client.get_shell_msg(timeout=0.01)
            except queue.Empty:
                break
            self.replies[reply['parent_header'].get('msg_id')] = (reply['content'], time.monotonic())

    def text(self, msg_id):
        return ''.join(event.get('text', '') for event in self.events.get(msg_id, []))

    def wait(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f'{what}: nothing within {timeout} s')
            self.pump(0.02)

    def run_cell(self, manager, cell):
        msg_id = self.client.execute(cell['code'])
        record = {}
        interrupt = cell.get('interrupt')
        if interrupt:
            pattern = re.compile(interrupt['after'])
            self.wait(lambda: pattern.search(self.text(msg_id)) or msg_id in self.replies, TIMEOUT, 'the cell\'s cue')
            cue = time.monotonic()
            while time.monotonic() < cue + interrupt['delay'] and msg_id not in self.replies:
                self.pump(0.02)
            # Is the kernel answering while the cell runs? (the reply is filed by msg_id)
            info_id = self.client.kernel_info()
            asked = time.monotonic()
            try:
                self.wait(lambda: info_id in self.replies, KERNEL_INFO_WAIT, 'kernel_info')
                record['kernel_info_seconds'] = self.replies[info_id][1] - asked
            except TimeoutError:
                record['kernel_info_seconds'] = None
            record['ended_before_interrupt'] = msg_id in self.replies
            interrupted_at = time.monotonic()
            manager.interrupt_kernel()
        self.wait(lambda: msg_id in self.replies and msg_id in self.idle, TIMEOUT, 'the execute reply')
        self.ended.add(msg_id)
        record['status'] = self.replies[msg_id][0].get('status')
        if interrupt:
            record['seconds_to_end'] = self.replies[msg_id][1] - interrupted_at
            record['cpu_after'] = cpu_share(manager.provisioner.process.pid)
            self.pump()
        if record['status'] != 'ok':
            time.sleep(PAUSE_AFTER_FAILURE)
        record['msg_id'] = msg_id
        return record


def main():
    kernel_name, cwd, cells_file, out_file = sys.argv[1:5]
    with open(cells_file, encoding='utf-8') as f:
        cells = json.load(f)
    manager, client = start_new_kernel(kernel_name=kernel_name, cwd=cwd, startup_timeout=120)
    session = Session(client)
    try:
        records = [session.run_cell(manager, cell) for cell in cells]
        time.sleep(1)  # anything still on its way from the last cell
        session.pump()
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    for record in records:
        record['events'] = session.events.get(record.pop('msg_id'), [])
    with open(out_file, 'w', encoding='utf-8') as f:
        json.dump(records, f)


if __name__ == '__main__':
    main()
