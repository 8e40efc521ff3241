// Parses TeX formulas with MathJax 3 (TeX input jax, as GitHub renders Markdown math) and reports errors.
//
// stdin:  JSON list of {"tex": "...", "display": true|false}
// stdout: JSON list of the same length: null where the formula parsed, else the error message.
//
// One process checks a whole batch: loading MathJax takes most of the time, each formula a fraction
// of a millisecond. Only the input side runs (TeX -> internal MathML); nothing is typeset.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { mathjax } = require('mathjax-full/js/mathjax.js');
const { TeX } = require('mathjax-full/js/input/tex.js');
const { liteAdaptor } = require('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = require('mathjax-full/js/handlers/html.js');
const { STATE } = require('mathjax-full/js/core/MathItem.js');
const { SerializedMmlVisitor } = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');

// The extensions github.com was seen to enable (MathJax 3.2; a survey of its renderer in 2023 found
// these and no others), less bussproofs, whose proof trees need an output jax to measure boxes, plus
// newcommand, which mathtools builds on. Left out on purpose: noundefined (it would typeset an
// unknown \foo in red instead of failing), noerrors (the same for syntax errors), require and
// autoload (they load more packages on demand), and physics, bbox, html, action, extpfeil,
// colortbl, colorv2, which GitHub does not enable.
const PACKAGES = [
  'base', 'ams', 'amscd', 'boldsymbol', 'braket', 'cancel', 'cases', 'centernot',
  'color', 'empheq', 'enclose', 'gensymb', 'mathtools', 'mhchem', 'newcommand', 'textcomp',
  'textmacros', 'unicode', 'upgreek', 'verb',
];
for (const name of [
  'base/BaseConfiguration', 'ams/AmsConfiguration', 'amscd/AmsCdConfiguration',
  'boldsymbol/BoldsymbolConfiguration', 'braket/BraketConfiguration',
  'cancel/CancelConfiguration', 'cases/CasesConfiguration',
  'centernot/CenternotConfiguration', 'color/ColorConfiguration', 'empheq/EmpheqConfiguration',
  'enclose/EncloseConfiguration', 'gensymb/GensymbConfiguration',
  'mathtools/MathtoolsConfiguration', 'mhchem/MhchemConfiguration',
  'newcommand/NewcommandConfiguration', 'textcomp/TextcompConfiguration',
  'textmacros/TextMacrosConfiguration', 'unicode/UnicodeConfiguration',
  'upgreek/UpgreekConfiguration', 'verb/VerbConfiguration',
]) {
  require(`mathjax-full/js/input/tex/${name}.js`);
}

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({
  packages: PACKAGES,
  // By default a parse error becomes an <merror> node in the output; throw it instead so the
  // message comes back verbatim. The <merror> scan below catches errors made any other way.
  formatError: (_jax, err) => {
    throw err;
  },
});
const doc = mathjax.document('', { InputJax: tex });
const serializer = new SerializedMmlVisitor();

function check(item) {
  if (item === null || typeof item !== 'object' || typeof item.tex !== 'string') {
    return 'malformed request: expected {"tex": string, "display": boolean}';
  }
  // Equation numbers and labels belong to one formula here, so a \label reused in another
  // formula of the batch is not reported as "multiply defined".
  tex.reset();
  let node;
  try {
    node = doc.convert(item.tex, { display: Boolean(item.display), end: STATE.CONVERT });
  } catch (err) {
    const message = err && err.message ? String(err.message) : String(err);
    return message.replace(/\n[\s\S]*/, '') || 'unknown MathJax error';
  }
  const mml = serializer.visitTree(node);
  if (/<merror\b/.test(mml) || mml.includes('data-mjx-error')) {
    const found = /data-mjx-error="([^"]*)"/.exec(mml);
    return found ? found[1] : 'MathJax produced an error node';
  }
  return null;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const input = JSON.parse(await readStdin());
if (!Array.isArray(input)) {
  process.stderr.write('check.mjs: expected a JSON list on stdin\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(input.map(check)) + '\n');
