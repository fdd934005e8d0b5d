// Makes complete_request offer only the names that start with what was typed.
//
// Stock tslab answers with every candidate that contains the typed text anywhere, in any case
// (`ma` offers `flatMap`, `alpha` offers `myAlpha`): a frontend that inserts the first match, or
// Tab in a console, replaces the word with an unrelated one, and jupyter_kernel_test's completion
// check fails. Here the matches are tslab's candidates (in tslab's order) that start with the text
// between cursor_start and the cursor, case included. tslab also reads cursor_pos and answers
// cursor_start/cursor_end as indexes into a JavaScript string (UTF-16 code units), while the
// protocol (5.2 on) counts Unicode code points; an emoji earlier in the cell shifted them. Both
// directions are converted here.
'use strict';

/** The UTF-16 index of code point `points` of `text`. */
function utf16Index(text, points) {
  let index = 0;
  for (let seen = 0; seen < points && index < text.length; seen++) index += text.codePointAt(index) > 0xffff ? 2 : 1;
  return index;
}

/** The number of code points in the first `index` UTF-16 units of `text`. */
const codePoints = (text, index) => [...text.slice(0, index)].length;

/** @param {{ jupyter: any }} tslab */
function apply(tslab) {
  const { JupyterHandlerImpl } = tslab.jupyter;
  tslab.jupyter.JupyterHandlerImpl = class PrefixCompletionHandler extends JupyterHandlerImpl {
    handleComplete(req) {
      const code = req.code;
      const cursor = utf16Index(code, req.cursor_pos ?? [...code].length);
      const reply = super.handleComplete({ ...req, cursor_pos: cursor });
      const typed = code.slice(reply.cursor_start, Math.max(reply.cursor_start, cursor));
      return {
        ...reply,
        matches: [...new Set(reply.matches.filter((name) => name.startsWith(typed)))],
        cursor_start: codePoints(code, reply.cursor_start),
        cursor_end: codePoints(code, reply.cursor_end),
      };
    }
  };
}

module.exports = { name: 'prefixCompletion', apply, utf16Index };
