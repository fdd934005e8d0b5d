"""Sends requests one by one to a fresh Jupyter kernel and records, as JSON, each request's reply
and the IOPub messages it caused (type and full content), in order. Tests use it to check what the
kernel answers at the protocol level: replies' fields, error tracebacks, execute results.

Usage: python3 kernel_requests.py KERNEL_NAME CWD REQUESTS.json OUT.json
REQUESTS.json is a list of requests, each one of
    {"execute": CODE}, {"complete": CODE, "cursor_pos": N}, {"is_complete": CODE},
    {"inspect": CODE, "cursor_pos": N}, {"kernel_info": true}
(cursor_pos defaults to the end of the code); an execute request with "interrupt_after": SECONDS
is interrupted (as Jupyter's stop button does) that long after it was sent. OUT.json gets, per request,
    {"reply": {"msg_type": ..., "content": ...}, "iopub": [{"msg_type": ..., "content": ...}, ...]}
"""

import json
import sys
import time

from jupyter_client.manager import start_new_kernel

from kernel_wire import PAUSE_AFTER_FAILURE, follow_request

TIMEOUT = 300


def send(client, request):
    if 'execute' in request:
        return client.execute(request['execute'])
    if 'complete' in request:
        return client.complete(request['complete'], request.get('cursor_pos'))
    if 'is_complete' in request:
        return client.is_complete(request['is_complete'])
    if 'inspect' in request:
        return client.inspect(request['inspect'], request.get('cursor_pos'))
    if 'kernel_info' in request:
        return client.kernel_info()
    raise ValueError(f'unknown request {request!r}')


def run(manager, client, request):
    """The reply to `request` and its IOPub messages up to the idle status."""
    msg_id = send(client, request)
    interrupt_at = time.monotonic() + request['interrupt_after'] if 'interrupt_after' in request else None
    record = {'reply': None, 'iopub': []}

    def on_tick(now):
        nonlocal interrupt_at
        if interrupt_at is not None and now >= interrupt_at:
            manager.interrupt_kernel()
            interrupt_at = None

    def on_iopub(msg, own):
        if own:
            record['iopub'].append({'msg_type': msg['msg_type'], 'content': msg['content']})

    def on_reply(msg):
        record['reply'] = {'msg_type': msg['msg_type'], 'content': msg['content']}

    follow_request(client, msg_id, TIMEOUT, on_iopub, on_reply, on_tick, shell_wait=0.05)
    return record


def main():
    kernel_name, cwd, requests_file, out_file = sys.argv[1:5]
    with open(requests_file, encoding='utf-8') as f:
        requests = json.load(f)
    manager, client = start_new_kernel(kernel_name=kernel_name, cwd=cwd, startup_timeout=120)
    results = []
    try:
        for request in requests:
            results.append(run(manager, client, request))
            if results[-1]['reply']['content'].get('status') == 'error':
                time.sleep(PAUSE_AFTER_FAILURE)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    with open(out_file, 'w', encoding='utf-8') as f:
        json.dump(results, f, default=str)


if __name__ == '__main__':
    main()
