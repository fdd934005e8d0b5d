"""Runs code cells one by one in a fresh Jupyter kernel, pressing Interrupt (KernelManager's
interrupt_kernel: SIGINT, as the kernel spec sets no interrupt_mode) during the cells that ask for
it, and records what a frontend and the operating system see: every IOPub message of each cell,
how long the cell took to end after the interrupt, the kernel process's CPU time and thread count,
and, after a graceful shutdown, the kernel's exit code and its stderr.

Usage: python3 sweep_interrupt_session.py KERNEL_NAME CWD STEPS.json OUT.json
STEPS.json: a list of cells, each {"code": str} plus, for a cell to interrupt,
  "interrupt": {"after_s": seconds after the cell starts, "when_file_in": a folder (optional: wait
  until it holds a .json file first), "then_s": seconds to wait after that (optional)},
and, for a cell during which to measure the kernel's CPU use, "measure_cpu": {"from_s", "for_s"}.
The record goes to OUT.json, not stdout, which the kernel process shares.
"""

import json
import os
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

from kernel_wire import PAUSE_AFTER_FAILURE, cpu_seconds, follow_request, thread_count

TIMEOUT = 900

def summary(msg):
    kind = msg['msg_type']
    content = msg['content']
    event = {'type': kind, 'at': time.monotonic()}
    if kind == 'stream':
        event['name'] = content.get('name')
        event['text'] = content.get('text', '')
    elif kind == 'error':
        event['text'] = f"{content.get('ename')}: {content.get('evalue')}"
    elif kind in ('display_data', 'update_display_data'):
        event['display_id'] = content.get('transient', {}).get('display_id')
    return event


def has_json_file(folder):
    return os.path.isdir(folder) and any(name.endswith('.json') for name in os.listdir(folder))


def run_cell(manager, client, pid, step):
    """Runs one cell; returns its record."""
    msg_id = client.execute(step['code'])
    started = time.monotonic()
    events = []
    interrupt = step.get('interrupt')
    interrupted_at = None
    ready_at = None  # when the interrupt's conditions (file, then_s) were first met
    measure = step.get('measure_cpu')
    cpu = {}
    record = {'events': events}

    def on_tick(now):
        nonlocal interrupted_at, ready_at
        if interrupt and interrupted_at is None and now - started >= interrupt.get('after_s', 0):
            if ready_at is None and ('when_file_in' not in interrupt or has_json_file(interrupt['when_file_in'])):
                ready_at = now
            if ready_at is not None and now - ready_at >= interrupt.get('then_s', 0):
                record['threads_before_interrupt'] = thread_count(pid)
                interrupted_at = time.monotonic()
                manager.interrupt_kernel()
        if measure:
            if 'start' not in cpu and now - started >= measure['from_s']:
                cpu['start'] = (now, cpu_seconds(pid))
            if 'start' in cpu and 'end' not in cpu and now - cpu['start'][0] >= measure['for_s']:
                cpu['end'] = (now, cpu_seconds(pid))
                record['cpu_fraction'] = (cpu['end'][1] - cpu['start'][1]) / (cpu['end'][0] - cpu['start'][0])
                record['threads_while_measured'] = thread_count(pid)

    def on_iopub(msg, own):
        if msg['msg_type'] == 'execute_input':  # the kernel's echo of the code, not output
            return
        # Output of another cell (an earlier one) arriving now: the stray output a test looks for.
        events.append(summary(msg) if own else {**summary(msg), 'foreign': True})

    def on_reply(reply):
        record['reply_at'] = time.monotonic()
        record['status'] = reply['content'].get('status')

    follow_request(client, msg_id, TIMEOUT, on_iopub, on_reply, on_tick)
    if interrupted_at is not None:
        record['interrupt_to_reply_s'] = record['reply_at'] - interrupted_at
        record['started_to_interrupt_s'] = interrupted_at - started
    record['threads_after'] = thread_count(pid)
    for event in events:
        event['at'] -= started
    return record


def main():
    kernel_name, cwd, steps_file, out_file = sys.argv[1:5]
    with open(steps_file, encoding='utf-8') as f:
        steps = json.load(f)
    manager = KernelManager(kernel_name=kernel_name)
    with tempfile.TemporaryFile(mode='w+') as stderr:
        manager.start_kernel(cwd=cwd, stderr=stderr)
        process = manager.provisioner.process
        pid = process.pid
        client = manager.client()
        client.start_channels()
        cells = []
        try:
            client.wait_for_ready(timeout=120)
            for step in steps:
                cells.append(run_cell(manager, client, pid, step))
                if cells[-1]['status'] == 'error':
                    time.sleep(PAUSE_AFTER_FAILURE)
        finally:
            client.stop_channels()
            # Graceful: a shutdown_request, then the kernel must exit by itself (else it is killed).
            manager.shutdown_kernel(now=False)
        exit_code = process.wait(timeout=30)
        stderr.seek(0)
        record = {'cells': cells, 'exit_code': exit_code, 'stderr': stderr.read()}
    with open(out_file, 'w', encoding='utf-8') as f:
        json.dump(record, f)


if __name__ == '__main__':
    main()
