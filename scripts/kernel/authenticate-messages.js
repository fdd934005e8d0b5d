// Authenticates every shell and control message the way jupyter_client's Session (and so ipykernel)
// does, and binds the kernel's sockets to this machine only.
//
// On a shared machine (a JupyterHub) every kernel's ports can be reached by every local user; the
// key in the connection file (readable by its owner alone) is the only barrier between one user and
// another's kernel. Stock tslab 1.0.22 (ZmqMessage.fromRaw in tslab/dist/jupyter.js):
// - parses all four JSON parts before it looks at the signature, so anyone can make it parse
//   anything;
// - compares signatures with `==` (time depends on how many leading characters match);
// - accepts the same signed message any number of times (a replay);
// - on a wrong signature throws "invalid hmac X; want Y", which its unhandled-rejection handler
//   writes to stderr, i.e. to the Jupyter server's log: Y is the valid signature of the message;
// - throws a stack trace into that log for every malformed message (missing delimiter, too few
//   frames), so a flood of them fills the log;
// - signs the buffer frames too, so it refuses a valid message that carries buffers;
// - binds to whatever address the connection file names, 0.0.0.0 included, and ignores
//   `signature_scheme` and an empty key.
//
// Here, before anything else, each message must have the <IDS|MSG> delimiter and at least the
// signature and four parts; its signature must be the HMAC of those four parts (scheme from the
// connection file, hmac-sha256 by default), compared in constant time (crypto.timingSafeEqual),
// and must not be one already accepted (a bounded history of 2^16, as jupyter_client's
// digest_history; the oldest tenth is forgotten when it is full). Only then are the parts parsed,
// and they must be JSON objects. A refused message gets no reply and no status: it is counted, and
// the kernel's stderr (the server's log, never a cell's output) gets one line for the first of each
// kind, then at most one summary line per LOG_INTERVAL_MS - never the key or a signature.
//
// At start-up the kernel refuses (exit code 1, one line saying why and what to do) a connection
// file with an empty key (no authentication at all; stock tslab would then refuse every message
// anyway), an unknown signature scheme, or a TCP address that is not loopback (0.0.0.0, *, a
// public address) unless DESCENT_LAB_KERNEL_ALLOW_REMOTE=1 says the exposure is meant (e.g. a
// gateway that runs kernels on other hosts). jupyter_client writes 127.0.0.1 by default. `localhost`
// is bound as 127.0.0.1. The `ipc` transport (jupyter_client's KernelManager.transport = 'ipc':
// Unix sockets `<ip>-<port>` in the user's 0700 runtime folder) is bound as jupyter_client names
// it; stock tslab built a TCP-style address for it.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');

const DELIMITER = Buffer.from('<IDS|MSG>');
/** How many accepted signatures are remembered (jupyter_client's digest_history_size). */
const HISTORY_SIZE = 2 ** 16;
/** At most one summary line about repeated refusals per this many milliseconds. */
const LOG_INTERVAL_MS = 10_000;
const ALLOW_REMOTE_VARIABLE = 'DESCENT_LAB_KERNEL_ALLOW_REMOTE';

/** The kernel's own stderr, captured before tslab redirects process.stderr into cell outputs. */
const serverLog = process.stderr.write.bind(process.stderr);

/** A connection file the kernel refuses to start with. */
class UnsafeConnectionError extends Error {}

/** Whether `ip` (from a connection file) names this machine only. */
function isLoopback(ip) {
  return ip === 'localhost' || ip === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

/** Checks a parsed connection file; returns the HMAC algorithm. Throws UnsafeConnectionError. */
function checkConnection(info, env = process.env) {
  if (typeof info.key !== 'string' || info.key === '') {
    throw new UnsafeConnectionError('the connection file has no key, so any local user could run code in this kernel; let Jupyter write the connection file (it always sets a key)');
  }
  const scheme = info.signature_scheme ?? 'hmac-sha256';
  const algorithm = /^hmac-(.+)$/.exec(scheme)?.[1];
  if (!algorithm || !crypto.getHashes().includes(algorithm)) {
    throw new UnsafeConnectionError(`unknown signature_scheme '${scheme}' in the connection file; use hmac-sha256`);
  }
  const transport = info.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new UnsafeConnectionError(`unknown transport '${transport}' in the connection file; use tcp or ipc`);
  }
  if (transport === 'tcp' && !isLoopback(info.ip) && env[ALLOW_REMOTE_VARIABLE] !== '1') {
    throw new UnsafeConnectionError(
      `the connection file asks to listen on ${info.ip}, which other machines can reach; use 127.0.0.1 (jupyter_client's default), or set ${ALLOW_REMOTE_VARIABLE}=1 if that is meant`,
    );
  }
  return algorithm;
}

/** The address to bind one socket to, as jupyter_client connects to it. */
function bindAddress(info, port) {
  if ((info.transport ?? 'tcp') === 'ipc') return `ipc://${info.ip}-${port}`;
  return `tcp://${info.ip === 'localhost' ? '127.0.0.1' : info.ip}:${port}`;
}

/** Checks messages' frames against one key; remembers the signatures it accepted. */
class MessageAuthenticator {
  constructor(key, algorithm = 'sha256') {
    this.key = Buffer.from(key, 'utf8');
    this.algorithm = algorithm;
    this.signatureLength = crypto.createHmac(algorithm, this.key).digest('hex').length;
    this.history = new Set();
  }

  /**
   * `frames` as a ROUTER socket receives them. Returns `{ frames }` (the routing prefix, delimiter,
   * signature and the four parts, buffers dropped: tslab reads none) and `parts` (the four parsed
   * objects), or `{ refused: reason }`.
   */
  check(frames) {
    const delimiter = frames.findIndex((frame) => frame.equals(DELIMITER));
    if (delimiter < 0) return { refused: 'no <IDS|MSG> delimiter' };
    if (frames.length < delimiter + 6) return { refused: 'fewer than the signature and four parts after the delimiter' };
    const signature = frames[delimiter + 1];
    const signed = frames.slice(delimiter + 2, delimiter + 6);
    if (signature.length === 0) return { refused: 'unsigned' };
    // The length is public (every valid signature has it); only the value must not leak by time.
    if (signature.length !== this.signatureLength) return { refused: 'wrong signature' };
    const hmac = crypto.createHmac(this.algorithm, this.key);
    for (const part of signed) hmac.update(part);
    if (!crypto.timingSafeEqual(signature, Buffer.from(hmac.digest('hex'), 'latin1'))) return { refused: 'wrong signature' };
    const digest = signature.toString('latin1');
    if (this.history.has(digest)) return { refused: 'a signature already seen (replay)' };
    this.remember(digest);
    const parts = [];
    for (const part of signed) {
      let value;
      try {
        value = JSON.parse(part.toString('utf8'));
      } catch {
        return { refused: 'a part that is not JSON' };
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { refused: 'a part that is not a JSON object' };
      parts.push(value);
    }
    if (typeof parts[0].msg_type !== 'string') return { refused: 'a header without msg_type' };
    return { frames: frames.slice(0, delimiter + 6), parts };
  }

  remember(digest) {
    this.history.add(digest);
    if (this.history.size <= HISTORY_SIZE) return;
    // Forget the oldest tenth (a Set iterates in insertion order).
    let forget = Math.floor(this.history.size / 10);
    for (const old of this.history) {
      if (forget-- <= 0) break;
      this.history.delete(old);
    }
  }
}

/**
 * Counts refused messages and logs them: the first of each kind at once (so a log shows what went
 * wrong), later ones as one summary line per LOG_INTERVAL_MS at most (so a flood cannot fill it).
 */
class RefusalLog {
  constructor(write = serverLog, now = Date.now) {
    this.write = write;
    this.now = now;
    this.total = 0;
    this.seen = new Set();
    this.lastSummary = -Infinity;
    this.pending = new Map(); // kind -> count not logged yet
  }

  refused(channel, reason) {
    this.total++;
    const kind = `${reason} (${channel})`;
    if (!this.seen.has(kind)) {
      this.seen.add(kind);
      this.write(`[descent-lab kernel] refused a message: ${kind}\n`);
      return;
    }
    this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
    if (this.now() - this.lastSummary >= LOG_INTERVAL_MS) this.summarize();
    else this.timer ??= setTimeout(() => this.summarize(), LOG_INTERVAL_MS).unref();
  }

  summarize() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const kinds = [...this.pending].map(([kind, count]) => `${count} ${kind}`).join(', ');
    this.write(`[descent-lab kernel] refused more messages: ${kinds}; ${this.total} since start\n`);
    this.lastSummary = this.now();
    this.pending.clear();
  }
}

/**
 * Reads and checks the connection file; on a problem writes one line saying why and what to do,
 * and ends the process (Jupyter then reports that the kernel died). Returns the key's authenticator.
 */
function loadConnection(configPath) {
  try {
    const info = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    const algorithm = checkConnection(info);
    if (fs.statSync(configPath).mode & 0o077) {
      serverLog(`[descent-lab kernel] warning: other users may read the connection file ${configPath} and so its key; Jupyter writes it with mode 0600\n`);
    }
    return new MessageAuthenticator(info.key, algorithm);
  } catch (error) {
    const reason = error instanceof UnsafeConnectionError ? error.message : `cannot read the connection file ${configPath}: ${error.message}`;
    serverLog(`[descent-lab kernel] will not start: ${reason}\n`);
    process.exit(1);
  }
}

/** The value of tslab's `--config-path` option in `argv`, if any. */
function configPathArgument(argv) {
  const index = argv.indexOf('--config-path');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--config-path='))?.slice('--config-path='.length);
}

/** @param {{ jupyter: any }} tslab */
function apply(tslab) {
  const { ZmqServer } = tslab.jupyter;
  if (ZmqServer.authenticatesMessages) return;
  // Check the connection file at once, not after the seconds tslab spends loading TypeScript.
  const configPath = configPathArgument(process.argv);
  if (configPath) loadConnection(configPath);

  tslab.jupyter.ZmqServer = class AuthenticatingServer extends ZmqServer {
    static authenticatesMessages = true;

    init() {
      this.authenticator = loadConnection(this.configPath);
      this.refusals = new RefusalLog();
      return super.init();
    }

    bindSocket(sock, port) {
      return sock.bind(bindAddress(this.connInfo, port));
    }

    handleShellMessage(sock, ...frames) {
      const checked = this.authenticator.check(frames);
      if (checked.refused) {
        this.refusals.refused(sock === this.control ? 'control' : 'shell', checked.refused);
        return Promise.resolve();
      }
      // tslab parses and checks the message again (both now pass) and handles it.
      return super.handleShellMessage(sock, ...checked.frames);
    }
  };
}

module.exports = {
  name: 'authenticateMessages',
  apply,
  MessageAuthenticator,
  RefusalLog,
  checkConnection,
  bindAddress,
  UnsafeConnectionError,
  HISTORY_SIZE,
};
