'use strict';
// Tokenizes the thesis with the TextMate grammar, as VS Code does, and checks the scopes of
// its main constructs: `npm run check` (needs the devDependencies).
const fs = require('fs');
const path = require('path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
const registry = new textmate.Registry({
  onigLib: oniguruma.loadWASM(wasm).then(() => ({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  })),
  loadGrammar: async (scopeName) => scopeName === 'source.argdown'
    ? textmate.parseRawGrammar(fs.readFileSync(path.join(__dirname, 'syntaxes/argdown.tmLanguage.json'), 'utf8'),
      'argdown.tmLanguage.json')
    : { scopeName, patterns: [] }, // VS Code brings YAML's grammar for the front matter
});

// [1-based line of maps/natural_manifold.argdown, text on that line, scope it must have]
const expected = [
  [1, '===', 'punctuation.definition.front-matter.argdown'],
  [8, '// ═', 'comment.line.double-slash.argdown'],
  [21, 'Natural Manifold', 'entity.name.type.statement.argdown'],
  [26, '+', 'keyword.operator.relation.argdown'],
  [26, 'SVD Basis Cluster', 'variable.other.argument.argdown'],
  [41, 'SVD Basis', 'entity.name.section.argdown'],
  [43, 'SVD Basis Cluster', 'entity.name.function.argument.argdown'],
  [45, '(1)', 'constant.numeric.step.argdown'],
  [47, '#observation', 'entity.other.attribute-name.tag.argdown'],
  [48, 'https://arxiv.org/abs/2404.02948', 'markup.underline.link.argdown'],
  [50, 'PiSSA shares', 'markup.quote.argdown'],
  [50, '**PiSSA consistently outperforms LoRA under identical experimental setups.**', 'markup.bold.argdown'],
  [51, 'credence', 'keyword.other.vargdown.argdown'],
  [51, '0.88', 'constant.numeric.argdown'],
  [67, '----', 'keyword.other.inference.argdown'],
  [71, '+>', 'keyword.operator.relation.argdown'],
  [71, 'Natural Manifold', 'variable.other.statement.argdown'],
];

registry.loadGrammar('source.argdown').then((grammar) => {
  const lines = fs.readFileSync(path.join(__dirname, '../../maps/natural_manifold.argdown'), 'utf8').split('\n');
  const scopes = [];
  let state = textmate.INITIAL;
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state);
    scopes.push(result.tokens);
    state = result.ruleStack;
  }
  let failures = 0;
  for (const [number, text, scope] of expected) {
    const column = lines[number - 1].indexOf(text);
    const token = column < 0 ? null : scopes[number - 1].find((t) => t.startIndex <= column && column < t.endIndex);
    if (!token || !token.scopes.includes(scope)) {
      failures += 1;
      console.log(`line ${number}: '${text}' should be ${scope}, is ${token ? token.scopes.join(' ') : 'absent'}`);
    }
  }
  console.log(failures ? `${failures} of ${expected.length} scopes wrong` : `all ${expected.length} scopes right`);
  process.exitCode = failures ? 1 : 0;
});
