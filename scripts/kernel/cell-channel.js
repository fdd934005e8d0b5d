// Gives the cell that runs a channel to its own request, and broadcasts execute_input.
//
// Stock tslab lets a cell reach the frontend in two ways only: stream text (it swaps
// process.stdout/stderr.write for each request) and display data (tslab.display); the execute_reply
// it sends holds a status and the execution count, nothing else. The Jupyter protocol has more for a
// running cell: the `execute_input` broadcast (the code being run and its count, which other clients
// of the kernel show), `error` and `execute_result` messages, and an error reply that carries ename,
// evalue and traceback. tslab never sends execute_input.
//
// Here each execute_request gets a cell, `{ count, silent, publish(msgType, content), reply }`:
// `publish` sends any IOPub message as a child of that request, and the fields put into `reply` are
// added to its execute_reply. currentCell() is the cell that runs now, the same rule by which tslab
// routes stdout (requests run one at a time, in order). Other adaptations use it (error-messages.js,
// execute-results.js). The execute_input broadcast is this adaptation's own behaviour.
'use strict';

/** execute_request content -> publish(msgType, content) for that request (set by the server). */
const publishers = new WeakMap();
/** execute_request content -> its cell (set by the handler). */
const cells = new WeakMap();
let current = null;

/** The cell whose request runs now (or ran last), or null before the first. */
function currentCell() {
  return current;
}

/** @param {{ jupyter: any }} tslab */
function apply(tslab) {
  const { ZmqServer, JupyterHandlerImpl } = tslab.jupyter;

  tslab.jupyter.ZmqServer = class CellChannelServer extends ZmqServer {
    handleExecute(sock, msg) {
      publishers.set(msg.content, (msgType, content) => {
        const message = msg.createReply();
        message.header.msg_type = msgType;
        message.content = content;
        message.signAndSend(this.connInfo.key, this.iopub);
      });
      return super.handleExecute(sock, msg);
    }
  };

  tslab.jupyter.JupyterHandlerImpl = class CellChannelHandler extends JupyterHandlerImpl {
    async handleExecute(req, writeStream, writeDisplayData) {
      const cell = { count: undefined, silent: Boolean(req.silent), publish: publishers.get(req) ?? (() => {}), reply: {} };
      cells.set(req, cell);
      const content = await super.handleExecute(req, writeStream, writeDisplayData);
      return { ...content, ...cell.reply };
    }

    // Runs once the requests before this one have finished (tslab's execution queue).
    handleExecuteImpl(req, writeStream, writeDisplayData) {
      const cell = cells.get(req);
      if (cell) {
        cell.count = this.execCount + 1; // the count tslab's handleExecuteImpl is about to give this cell
        current = cell;
        if (!cell.silent) cell.publish('execute_input', { code: req.code, execution_count: cell.count });
      }
      return super.handleExecuteImpl(req, writeStream, writeDisplayData);
    }
  };
}

module.exports = { name: 'cellChannel', apply, currentCell };
