// The layer order of DESIGN as a lint rule: protocol <- domain <- enclave <- fabric <- entry point
// inside the chaincode; client, scripts and the client-facing tests import from the chaincode only
// its protocol home. Imports are judged by the file they resolve to, not by how the path is spelled.
import path from 'node:path';

/** Chaincode layers, lowest first: a file may import its own layer or a lower one. */
const CHAINCODE_LAYERS = [
  { name: 'protocol', test: (p) => within(p, 'chaincode/src/protocol') },
  // ports.ts is what the domain is written against: it sits with the domain.
  { name: 'domain', test: (p) => within(p, 'chaincode/src/domain') || p === 'chaincode/src/ports' },
  { name: 'enclave', test: (p) => within(p, 'chaincode/src/enclave') },
  { name: 'fabric', test: (p) => within(p, 'chaincode/src/fabric') },
  { name: 'entry point', test: (p) => within(p, 'chaincode/src') },
];

/** Whether the repo-relative path `p` is the folder `dir` or inside it. */
function within(p, dir) {
  return p === dir || p.startsWith(`${dir}/`);
}

/**
 * Outside the chaincode, these may import from it only the protocol home. The development
 * attestation platform (the dev CA and quote writer) is the one exception: the network scripts
 * provision simulated enclaves with it, and the CLI and e2e tests make quotes with it.
 */
const PROTOCOL_ONLY = [
  { prefix: 'client/', allow: [] },
  { prefix: 'scripts/', allow: ['chaincode/src/enclave/simulated-platform-file'] },
  {
    prefix: 'test/unit/cli/',
    allow: ['chaincode/src/enclave/simulated-platform', 'chaincode/src/enclave/simulated-platform-file'],
  },
  {
    prefix: 'test/e2e/',
    allow: ['chaincode/src/enclave/simulated-platform', 'chaincode/src/enclave/simulated-platform-file'],
  },
];

function layerIndex(target) {
  return CHAINCODE_LAYERS.findIndex((layer) => layer.test(target));
}

/** The message for an import of `target` (repo-relative, no extension) from `file`, or undefined. */
export function layerViolation(file, target) {
  if (!within(target, 'chaincode/src')) return undefined;
  if (within(file, 'chaincode/src')) {
    const from = layerIndex(file);
    const to = layerIndex(target);
    if (to > from) {
      const fromName = CHAINCODE_LAYERS[from].name;
      return `${fromName} must not import ${CHAINCODE_LAYERS[to].name} (${target}): the arrows point down (protocol <- domain <- enclave <- fabric); move the shared concept into the lower layer`;
    }
    return undefined;
  }
  const group = PROTOCOL_ONLY.find((g) => file.startsWith(g.prefix));
  if (group === undefined || within(target, 'chaincode/src/protocol') || group.allow.includes(target)) {
    return undefined;
  }
  return `${group.prefix} imports from the chaincode only its protocol home (chaincode/src/protocol), not ${target}`;
}

function createRule(root) {
  return {
    meta: {
      type: 'problem',
      docs: { description: 'forbid imports against the layer order of DESIGN' },
      schema: [],
      messages: { layer: '{{reason}}' },
    },
    create(context) {
      const file = path.relative(root, context.filename).split(path.sep).join('/');
      function check(node) {
        const source = node.source;
        if (source == null || source.type !== 'Literal' || typeof source.value !== 'string') return;
        if (!source.value.startsWith('.')) return;
        const resolved = path.resolve(path.dirname(context.filename), source.value);
        const target = path
          .relative(root, resolved)
          .split(path.sep)
          .join('/')
          .replace(/\.(js|ts)$/, '');
        const reason = layerViolation(file, target);
        if (reason !== undefined) context.report({ node: source, messageId: 'layer', data: { reason } });
      }
      return {
        ImportDeclaration: check,
        ExportNamedDeclaration: check,
        ExportAllDeclaration: check,
        ImportExpression: check,
      };
    },
  };
}

/** The plugin for a repository rooted at `root`: one rule, `layers/imports`. */
export function layersPlugin(root) {
  return { rules: { imports: createRule(root) } };
}
