"""What the jupyter_client drivers in test/support share: following one request's messages to its
end, the kernel process's CPU time and threads, and the pause a driver makes after a failed cell.
Each driver imports it from its own folder (Python puts a script's folder first on sys.path).
"""

import os
import queue
import time

# tslab aborts every execute request that reaches it within 200 ms of a failed cell (so that Run All
# stops at an error); a person runs the next cell later than that, and so do the drivers.
PAUSE_AFTER_FAILURE = 0.5


def cpu_seconds(pid):
    """User + system CPU time of process `pid` so far (all its threads), from /proc/<pid>/stat."""
    with open(f'/proc/{pid}/stat', encoding='ascii') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    # Fields 14 and 15 of stat(5) (utime, stime), counted after the ')' that ends the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def thread_count(pid):
    """How many threads process `pid` has now, from /proc/<pid>/status."""
    with open(f'/proc/{pid}/status', encoding='ascii') as f:
        return int(next(line for line in f if line.startswith('Threads:')).split()[1])


def follow_request(client, msg_id, timeout, on_iopub, on_reply, on_tick=None, shell_wait=0.02):
    """Reads the kernel's messages until request `msg_id` has its reply and its idle status.

    Every IOPub message but status goes to `on_iopub(msg, own)` in arrival order (`own`: a child of
    this request; others are an earlier request's output arriving late); the request's reply goes to
    `on_reply(msg)`, after every IOPub message that reached this client before it. `on_tick(now)` is
    called once a round, for what a driver does while the request runs (an interrupt, a CPU reading).
    """
    idle = replied = False
    deadline = time.monotonic() + timeout
    while not (idle and replied):
        now = time.monotonic()
        if now > deadline:
            raise TimeoutError(f'no reply and idle status within {timeout} s')
        if on_tick:
            on_tick(now)
        while True:
            try:
                msg = client.get_iopub_msg(timeout=0.01)
            except queue.Empty:
                break
            own = msg['parent_header'].get('msg_id') == msg_id
            if msg['msg_type'] == 'status':
                idle = idle or (own and msg['content']['execution_state'] == 'idle')
            else:
                on_iopub(msg, own)
        if not replied:
            try:
                reply = client.get_shell_msg(timeout=shell_wait)
            except queue.Empty:
                continue
            if reply['parent_header'].get('msg_id') == msg_id:
                replied = True
                on_reply(reply)
