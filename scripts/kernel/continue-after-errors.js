// Honours `stop_on_error: false` in an execute request, which stock tslab 1.0.22 ignores.
//
// Stock tslab: once a cell fails, its execution queue stays rejected for 200 ms (a delayed reset,
// its fix for tslab issue 19), and every execute request that arrives meanwhile is aborted, whatever
// the request says. Jupyter's messaging protocol makes that abort the choice of the failing
// request: `stop_on_error` (true by default) asks the kernel to abort what is queued behind it.
// nbclient with `allow_errors` - and so nbgrader's autograde, and the runs of the student editions -
// sends `stop_on_error: false` and the next cell as soon as a reply arrives, well within 200 ms; under
// stock tslab every cell after the first failing one is aborted, so a student edition stopped at its
// first unfinished exercise and autograde would mark every later check as failed.
//
// Here a request with `stop_on_error: false` runs after everything queued before it, whether that
// failed or not, and its own failure cancels nothing. A request without it (JupyterLab's "Run All",
// nbclient's default) goes through stock tslab's code unchanged.
'use strict';

const noop = () => {};

/** Replaces `JupyterHandlerImpl.prototype.handleExecute` by one that honours stop_on_error: false. Idempotent. */
function continueAfterErrors(JupyterHandlerImpl) {
  const proto = JupyterHandlerImpl.prototype;
  if (proto.handleExecute.honoursStopOnError) return;
  const stock = proto.handleExecute;

  async function handleExecute(req, writeStream, writeDisplayData) {
    if (!req || req.stop_on_error !== false) return stock.call(this, req, writeStream, writeDisplayData);
    const queue = this.execQueue;
    // In order behind the cells before it; an earlier failure or abort does not cancel this one.
    const run = queue.prev.catch(noop).then(() => this.handleExecuteImpl(req, writeStream, writeDisplayData));
    // Nor does this one's failure cancel the cells behind it.
    queue.prev = run.catch(noop);
    try {
      const count = await run;
      return { status: 'ok', execution_count: count.count };
    } catch (error) {
      // handleExecuteImpl throws its ExecutionCount (an object with `count`) when the cell failed.
      if (error && typeof error.count === 'number') return { status: 'error', execution_count: error.count };
      console.error('unexpected error:', error);
      return { status: 'error', execution_count: undefined };
    }
  }
  handleExecute.honoursStopOnError = true;
  proto.handleExecute = handleExecute;
}

module.exports = {
  name: 'continueAfterErrors',
  continueAfterErrors,
  /** @param {{ jupyter: { JupyterHandlerImpl: Function } }} tslab */
  apply: (tslab) => continueAfterErrors(tslab.jupyter.JupyterHandlerImpl),
};
