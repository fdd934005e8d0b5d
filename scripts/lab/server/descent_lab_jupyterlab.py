"""The server side of the course's JupyterLab 4: a jupyter_server extension serving the front end
that `npm run lab` builds into build/lab/ (scripts/lab/bundle.ts), on jupyterlab_server's
LabServerApp, the way JupyterLab's `examples/app` does. It needs only Debian's
python3-jupyter-server (1.23) and python3-jupyterlab-server (2.16), no pip JupyterLab.

JupyterLab 4 expects two endpoints that jupyter_server 2 added and 1.x lacks; on 1.x this module
answers them itself: `GET /api/me` (who the user is, for the collaborative bits of the interface)
and the `/api/events/subscribe` websocket (server events; none are sent here).

Run it standalone (what `npm run lab` does):

    PYTHONPATH=scripts/lab/server python3 -m descent_lab_jupyterlab --ServerApp.root_dir=notebooks

or load it into another jupyter_server, e.g. JupyterHub's single-user server:

    PYTHONPATH=<checkout>/scripts/lab/server jupyterhub-singleuser \\
        --ServerApp.jpserver_extensions='{"descent_lab_jupyterlab": True}' --ServerApp.default_url=/lab
"""
import getpass
import json
import os

import jupyter_server
from jupyter_core.paths import jupyter_config_dir, jupyter_data_dir
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket
from traitlets import default

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
# Where `npm run lab` builds the front end; DESCENT_LAB_LAB_BUILD points elsewhere.
BUILD_DIR = os.environ.get("DESCENT_LAB_LAB_BUILD") or os.path.join(PROJECT_ROOT, "build", "lab")
SERVER_HAS_IDENTITY_API = int(jupyter_server.__version__.split(".")[0]) >= 2


class IdentityHandler(APIHandler):
    """`GET /api/me` as jupyter_server 2 answers it: the user's identity, and the permissions asked
    for, all granted (a single-user server: whoever holds the token owns it)."""

    @web.authenticated
    def get(self):
        # Under JupyterHub the user is the hub's user model; a token-only server's is a random id.
        user = self.current_user
        username = user.get("name") if isinstance(user, dict) else None
        username = username or getpass.getuser()
        permissions = json.loads(self.get_argument("permissions", "{}") or "{}")
        self.finish(json.dumps({
            "identity": {
                "username": username,
                "name": username,
                "display_name": username,
                "initials": username[:1].upper(),
                "avatar_url": None,
                "color": None,
            },
            "permissions": {resource: list(actions) for resource, actions in permissions.items()},
        }))


class EventsHandler(JupyterHandler, websocket.WebSocketHandler):
    """The `/api/events/subscribe` websocket, open and silent: this server emits no events, and
    JupyterLab keeps retrying (and logging) when the socket is refused."""

    async def get(self, *args, **kwargs):
        if self.current_user is None:
            raise web.HTTPError(403)
        return await super().get(*args, **kwargs)

    def check_origin(self, origin):
        return JupyterHandler.check_origin(self, origin)

    def on_message(self, message):
        pass


def _jupyter_server_extension_points():
    return [{"module": "descent_lab_jupyterlab", "app": DescentLabApp}]


class DescentLabApp(LabServerApp):
    name = "descent_lab_jupyterlab"
    app_name = "JupyterLab"
    description = "JupyterLab 4 for the Descent Lab course, served from build/lab/"
    extension_url = "/lab"
    default_url = "/lab"
    # A pip-installed JupyterLab's own extension would claim /lab too.
    load_other_extensions = False
    app_version = "4.6.6"
    app_settings_dir = os.path.join(BUILD_DIR, "settings")
    schemas_dir = os.path.join(BUILD_DIR, "schemas")
    static_dir = os.path.join(BUILD_DIR, "static")
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD_DIR, "themes")

    # The student's settings and open tabs, kept apart from a pip JupyterLab's (another version's);
    # defaults, so `--DescentLabApp.user_settings_dir=...` still applies.
    @default("user_settings_dir")
    def _default_user_settings_dir(self):
        return os.path.join(jupyter_config_dir(), "descent-lab", "user-settings")

    @default("workspaces_dir")
    def _default_workspaces_dir(self):
        return os.path.join(jupyter_data_dir(), "descent-lab", "workspaces")

    def initialize_settings(self):
        if not os.path.exists(os.path.join(self.static_dir, "lab.js")):
            raise SystemExit(f"The JupyterLab front end is not built in {BUILD_DIR}: run `npm run lab` (or node build/scripts/lab/bundle.js) in the checkout first.")
        super().initialize_settings()
        self.serverapp.web_app.settings["terminals_available"] = False

    def initialize_handlers(self):
        super().initialize_handlers()
        if not SERVER_HAS_IDENTITY_API:
            self.handlers.append(("/api/me", IdentityHandler))
            self.handlers.append(("/api/events/subscribe", EventsHandler))


main = launch_new_instance = DescentLabApp.launch_instance

if __name__ == "__main__":
    main()
