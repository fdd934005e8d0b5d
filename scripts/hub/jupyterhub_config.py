# Descent Lab on JupyterHub: the one file an instructor edits to run the course for a class.
#
# `npm run hub` starts Debian's JupyterHub (3.0) with this file; so does
# `jupyterhub -f scripts/hub/jupyterhub_config.py`, run as root from anywhere. Read it top to
# bottom: each setting says its default and why the course changes it (or keeps it).
#
# Every student is a real Unix account of this machine. The hub (root) starts each student's
# own Jupyter server as that account (LocalProcessSpawner), so a student's notebooks, results
# cache and kernels belong to them, in a home folder that no other student can enter.

import json
import os
import pwd
import random
import socket
import stat
import subprocess
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it reads this file)

# ---------------------------------------------------------------------------------------------
# 0. Where the course comes from
# ---------------------------------------------------------------------------------------------

# `sudo npm run install-system` puts the library, its kernel (a system-wide kernel spec, which
# every student's server finds by itself) and the student editions under /opt/descent-lab. Where
# that install exists the hub uses it; otherwise it uses this checkout: `npm run hub` registers its
# kernel for the students (JUPYTER_PATH below) and writes the student editions to out/student/.
CHECKOUT = Path(__file__).resolve().parents[2]  # this file is scripts/hub/ of a checkout
INSTALL = Path(os.environ.get('DESCENT_LAB_PREFIX', '/opt/descent-lab'))
if (INSTALL / 'install.json').is_file():
    STUDENT_EDITIONS = INSTALL / 'current' / 'student'
    KERNEL_SPECS = None  # the install's spec is system-wide (/usr/local/share/jupyter/kernels)
    # The shared results cache named at install (--cache-dir); the kernel spec sets it too.
    SHARED_CACHE = json.loads((INSTALL / 'install.json').read_text()).get('cacheDir')
else:
    STUDENT_EDITIONS = CHECKOUT / 'out' / 'student'
    KERNEL_SPECS = CHECKOUT / 'build' / 'hub' / 'share' / 'jupyter'
    SHARED_CACHE = str(CHECKOUT / '.cache' / 'experiments')

# ---------------------------------------------------------------------------------------------
# 1. Who uses the hub
# ---------------------------------------------------------------------------------------------

# The students: Unix account names. Default: empty set = every account that can log in may use
# the hub. A class list keeps everyone else (service accounts, other courses) out.
# Create accounts with `adduser --disabled-password student01` and set passwords with `passwd`
# (PAM checks them), or let the hub create them on login (see create_system_users below).
c.Authenticator.allowed_users = set()   # e.g. {'student01', 'student02'}

# Admins may start, stop and open every student's server from the hub's Admin page
# (Authenticator.admin_users, default empty). Admin rights include entering students' servers.
c.Authenticator.admin_users = set()     # e.g. {'instructor'}
c.JupyterHub.admin_access = True        # default False; True lets admins open students' servers (to help them)

# ---------------------------------------------------------------------------------------------
# 2. How they log in
# ---------------------------------------------------------------------------------------------

# PAM (the default, 'pam'): the machine's own Unix passwords. Right for a real machine.
# The tests and the load benchmark (scripts/hub/, test/hub.test.ts) switch to JupyterHub's
# 'dummy' authenticator with one shared password, in a config file that loads this one first.
c.JupyterHub.authenticator_class = 'pam'

# Default False. True makes the hub run `adduser` for an allowed name that has no account yet
# (PAM cannot check a password of an account that does not exist, so this only helps with
# authenticators that do not use Unix passwords, such as a university's OAuth).
c.LocalAuthenticator.create_system_users = False

# ---------------------------------------------------------------------------------------------
# 3. Where the hub listens and keeps its state
# ---------------------------------------------------------------------------------------------

# Default 'http://:8000' (every interface). Localhost here: put TLS in front (nginx, Caddy) or set
# c.JupyterHub.ssl_cert / ssl_key before opening the hub to a network; passwords cross it.
c.JupyterHub.bind_url = 'http://127.0.0.1:8000'

# The hub's database, cookie secret and proxy token: default the current folder. Here one folder,
# private to root, that survives restarts (so students stay logged in and servers are re-found).
STATE = Path(os.environ.get('DESCENT_LAB_HUB_STATE', CHECKOUT / '.cache' / 'hub'))
STATE.mkdir(parents=True, exist_ok=True)
STATE.chmod(0o700)  # tokens and the cookie secret: root only
c.JupyterHub.db_url = f'sqlite:///{STATE / "jupyterhub.sqlite"}'
c.JupyterHub.cookie_secret_file = str(STATE / 'jupyterhub_cookie_secret')
c.ConfigurableHTTPProxy.pid_file = str(STATE / 'jupyterhub-proxy.pid')

# Debian's configurable-http-proxy finds its Node modules only through NODE_PATH with the Node
# that runs it (it fails at start without it); the proxy inherits the hub's environment.
os.environ['NODE_PATH'] = ':'.join(filter(None, ['/usr/share/nodejs', os.environ.get('NODE_PATH')]))

# ---------------------------------------------------------------------------------------------
# 4. Each student's server
# ---------------------------------------------------------------------------------------------

# The interface: JupyterLab 4 where this checkout has built it (`npm run hub` and `npm run lab`
# build it into build/lab/ from npm packages; Debian's jupyter_server serves it through the
# course's server extension in scripts/lab/server/), else the classic Notebook (Debian's
# jupyter-notebook 6). jupyterhub-singleuser is told which server to wrap: left to itself it
# picks jupyter_server even where nothing serves a page on it.
LAB_SERVER = CHECKOUT / 'scripts' / 'lab' / 'server'
JUPYTERLAB = (CHECKOUT / 'build' / 'lab' / 'static').is_dir() and (LAB_SERVER / 'descent_lab_jupyterlab.py').is_file()
SERVER_APP = 'ServerApp' if JUPYTERLAB else 'NotebookApp'

c.Spawner.environment = {
    'JUPYTERHUB_SINGLEUSER_APP': 'jupyter_server.serverapp.ServerApp' if JUPYTERLAB else 'notebook.notebookapp.NotebookApp',
    # The hub's own PATH may hold root's private folders; students get the system's.
    'PATH': '/usr/local/bin:/usr/bin:/bin',
}
if KERNEL_SPECS:
    # The checkout's kernel spec (descent-lab-tslab), which `npm run hub` registers there.
    c.Spawner.environment['JUPYTER_PATH'] = str(KERNEL_SPECS)
if SHARED_CACHE:
    # The instructor's results cache (`npm start` fills it): students replay the course's runs
    # from it instead of training them again, and write their own new runs to their own cache.
    c.Spawner.environment['DESCENT_LAB_CACHE_DIR'] = SHARED_CACHE
if JUPYTERLAB:
    c.Spawner.environment['PYTHONPATH'] = str(LAB_SERVER)
c.Spawner.notebook_dir = '~'             # default: the home folder too
c.Spawner.default_url = '/lab/tree/descent-lab' if JUPYTERLAB else '/tree/descent-lab'

# How long a starting server may take before the hub calls the start failed: defaults 60 s and
# 30 s. A class logging in at the start of a lecture starts 30 servers at once on a small machine.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# The port of each server (default: a random port from the system's ephemeral range, which
# JupyterHub finds by binding port 0 and closing the socket again). The server binds it seconds
# later and, under JupyterHub, never tries another (port_retries = 0), so if anything took the port
# in between (the kernels' sockets and every outgoing connection draw from that same range), the
# server exits with "address already in use" and the student's start fails (jupyterhub/jupyterhub
# issues #3005 and #1830). With a class starting at once on a busy machine that window is long:
# one load-test run lost a student's server this way, or in a way that looked the same. Here each
# server gets a port from SERVER_PORTS, below the ephemeral range (32768-60999 on Linux), so no
# connection or kernel is ever given it; never the port of another student's server; checked free.
SERVER_PORTS = range(20000, 30000)
_server_ports = {}  # student -> the port their server was last given


def free_server_port(student):
    """A port of SERVER_PORTS that no other student's server has and nothing listens on now."""
    taken = {port for name, port in _server_ports.items() if name != student}
    for port in random.sample(SERVER_PORTS, 200):
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(('127.0.0.1', port))
            except OSError:
                continue
        _server_ports[student] = port
        return port
    raise RuntimeError(f'no free port for {student} in {SERVER_PORTS}: change SERVER_PORTS in the hub config')

# ---------------------------------------------------------------------------------------------
# 5. Idle culling: give memory back when students walk away
# ---------------------------------------------------------------------------------------------

# jupyterhub-idle-culler (the hub service for this) is not packaged in Debian, so each student's
# server culls itself (defaults: never):
# - a kernel with no activity for 30 minutes is shut down, even with a browser tab still open
#   (cull_connected); its variables are lost, the notebook file is not (autosave every 2 min);
# - a server with no kernel, no terminal and no request for 60 minutes stops itself; the hub
#   notices within Spawner.poll_interval (30 s) and the student's next visit starts a new one.
# A training cell that runs keeps its kernel busy, and busy kernels are never culled.
KERNEL_IDLE_MINUTES = 30
SERVER_IDLE_MINUTES = 60
c.Spawner.args = [
    f'--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_MINUTES * 60}',
    '--MappingKernelManager.cull_interval=60',
    '--MappingKernelManager.cull_connected=True',
    f'--{SERVER_APP}.shutdown_no_activity_timeout={SERVER_IDLE_MINUTES * 60}',
]
if JUPYTERLAB:
    c.Spawner.args.append('--ServerApp.jpserver_extensions={"descent_lab_jupyterlab": True}')

# ---------------------------------------------------------------------------------------------
# 6. The course in each home: the student editions, never over the student's work
# ---------------------------------------------------------------------------------------------

# STUDENT_EDITIONS (section 0): the notebooks with solutions cut out and checks kept.

def prepare_home(spawner):
    """Before each server starts: a private home, and the course folder's missing notebooks.

    A notebook the student already has is never touched, so their work survives every login; a
    notebook the instructor adds later arrives at the student's next start. Homes lose every
    permission for other users (0750 at most), whatever adduser made them. The copying runs as
    the student, so a link they planted in their home cannot make root write anywhere else.
    """
    account = pwd.getpwnam(spawner.user.name)
    home = Path(account.pw_dir)
    if not home.is_dir():
        raise RuntimeError(f'{spawner.user.name} has no home folder {home}: create the account with adduser.')
    mode = stat.S_IMODE(home.stat().st_mode)
    if mode & 0o027:
        os.chmod(home, mode & ~0o027)
        spawner.log.info('Home %s was mode %o; now %o (no access for other users)', home, mode, mode & ~0o027)
    editions = sorted(STUDENT_EDITIONS.glob('*.ipynb'))
    if not editions:
        spawner.log.warning('No student editions in %s: run `npm run student`', STUDENT_EDITIONS)
        return
    as_student = dict(user=account.pw_uid, group=account.pw_gid, extra_groups=[], cwd=home, check=True)
    subprocess.run(['mkdir', '-p', '-m', '750', 'descent-lab'], **as_student)
    # --no-clobber: an existing file (or link) of that name is left as it is.
    subprocess.run(['cp', '--no-clobber', *map(str, editions), 'descent-lab/'], **as_student)


def before_each_start(spawner):
    """The home (section 6) and the server's port (section 4), before each server starts."""
    prepare_home(spawner)
    spawner.port = free_server_port(spawner.user.name)


c.Spawner.pre_spawn_hook = before_each_start
