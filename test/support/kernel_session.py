"""Runs code cells one by one in a fresh Jupyter kernel and prints, as JSON, every IOPub message
each cell caused, in the order they arrived, plus the cell's execute_reply. Tests use it to see
what a notebook frontend sees while a cell is still running (nbclient only keeps the end state).

Usage: python3 kernel_session.py KERNEL_NAME CWD CELLS.json OUT.json   (CELLS.json: a list of code strings)
The record goes to OUT.json, not stdout, which the kernel process shares.
"""

import json
import sys

from jupyter_client.manager import start_new_kernel

from kernel_wire import follow_request

PLOTLY_MIME = 'application/vnd.plotly.v1+json'
TIMEOUT = 600


def millis(msg):
    """When the kernel made the message (jupyter_client parses the header's date), in ms."""
    date = msg['header'].get('date')
    return date.timestamp() * 1000 if hasattr(date, 'timestamp') else None


def summary(msg):
    """The parts of an IOPub message a test asserts on."""
    kind = msg['msg_type']
    content = msg['content']
    event = {'type': kind, 'time': millis(msg)}
    if kind == 'stream':
        event['text'] = content.get('text', '')
    elif kind in ('display_data', 'update_display_data', 'execute_result'):
        data = content.get('data', {})
        event['display_id'] = content.get('transient', {}).get('display_id')
        event['mime'] = sorted(data.keys())
        figure = data.get(PLOTLY_MIME)
        if figure:
            event['traces'] = [[trace['name'], len(trace['y'])] for trace in figure['data']]
    elif kind == 'error':
        event['text'] = f"{content.get('ename')}: {content.get('evalue')}"
    return event


def run_cell(client, code):
    """The cell's IOPub messages and its execute_reply, in the order they reached this client
    (the reply's header date is when the request came in, so only arrival order places it)."""
    msg_id = client.execute(code)
    events = []

    def on_iopub(msg, own):
        if own:
            events.append(summary(msg))

    def on_reply(reply):
        events.append({'type': 'execute_reply', 'status': reply['content'].get('status')})

    follow_request(client, msg_id, TIMEOUT, on_iopub, on_reply, shell_wait=0.05)
    return events


def main():
    kernel_name, cwd, cells_file, out_file = sys.argv[1:5]
    with open(cells_file, encoding='utf-8') as f:
        cells = json.load(f)
    manager, client = start_new_kernel(kernel_name=kernel_name, cwd=cwd, startup_timeout=120)
    try:
        results = [run_cell(client, code) for code in cells]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    with open(out_file, 'w', encoding='utf-8') as f:
        json.dump(results, f)


if __name__ == '__main__':
    main()
