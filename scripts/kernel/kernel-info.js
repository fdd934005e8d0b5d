// Makes kernel_info_reply complete and true.
//
// Stock tslab's kernel_info_reply has no `status`, which every reply that the protocol gives a status
// must carry (jupyter_kernel_test rejects the reply without it), and it reports TypeScript "3.7.2"
// and implementation version "1.0.0" whatever actually runs. Here the reply says status 'ok', the
// TypeScript version tslab compiles with, tslab's own version, and the language_info fields Jupyter
// documents for nbconvert and syntax highlighting (pygments_lexer, nbconvert_exporter).
'use strict';

/** The versions of tslab, its TypeScript and Node (tslab's public `versions`), read when first asked. */
const versions = () => require('tslab/dist/public').versions;

/** @param {{ jupyter: any }} tslab */
function apply(tslab) {
  const { JupyterHandlerImpl } = tslab.jupyter;
  tslab.jupyter.JupyterHandlerImpl = class KernelInfoHandler extends JupyterHandlerImpl {
    handleKernel() {
      const reply = super.handleKernel();
      const { tslab: tslabVersion, typescript, node } = versions();
      const language = this.isJs ? 'javascript' : 'typescript';
      return {
        status: 'ok',
        ...reply,
        implementation_version: tslabVersion,
        language_info: {
          ...reply.language_info,
          version: this.isJs ? reply.language_info.version : typescript,
          pygments_lexer: language,
          nbconvert_exporter: 'script',
        },
        banner: `${reply.banner} ${this.isJs ? '' : `${typescript} `}(tslab ${tslabVersion}, Node.js ${node})`,
      };
    }
  };
}

module.exports = { name: 'kernelInfoStatus', apply };
