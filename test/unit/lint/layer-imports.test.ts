// The layer rule runs through ESLint's own API with the project's real config, on real files of
// each layer whose text is replaced by one import: a wrong arrow must fail `npx eslint .`.
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { projectRoot } from '../../support/testdata';

const RULE = 'layers/imports';

async function layerMessages(filePath: string, code: string): Promise<readonly string[]> {
  const eslint = new ESLint({ cwd: projectRoot() });
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) throw new Error(`ESLint returned no result for ${filePath}`);
  return result.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe('ESLint rule layers/imports', function () {
  // Type-aware linting loads the TypeScript project once: slow on a busy machine, never timed.
  this.timeout(180_000);

  it('rejects the protocol importing the domain', async () => {
    const messages = await layerMessages(
      'chaincode/src/protocol/json.ts',
      "import { loadParams } from '../domain/params';\nexport const used = loadParams;\n",
    );
    expect(messages, 'protocol -> domain must be reported').to.have.length(1);
    expect(messages[0]).to.contain('protocol must not import domain (chaincode/src/domain/params)');
  });

  it('rejects the protocol importing the ports, the enclave and fabric, also through re-exports', async () => {
    const messages = await layerMessages(
      'chaincode/src/protocol/confidential/envelope.ts',
      [
        "import type { Ports } from '../../ports';",
        "export { readEnclaveConfig } from '../../enclave/config';",
        "export * from '../../fabric/fabric-clock';",
        'export type Used = Ports;',
        '',
      ].join('\n'),
    );
    expect(messages).to.have.length(3);
    expect(messages[0]).to.contain('protocol must not import domain (chaincode/src/ports)');
    expect(messages[1]).to.contain('protocol must not import enclave');
    expect(messages[2]).to.contain('protocol must not import fabric');
  });

  it('rejects the domain importing the enclave and the enclave importing fabric', async () => {
    const domain = await layerMessages(
      'chaincode/src/domain/accounts.ts',
      "import { sealerFromKey } from '../enclave/sealing';\nexport const used = sealerFromKey;\n",
    );
    expect(domain).to.have.length(1);
    expect(domain[0]).to.contain('domain must not import enclave');
    const enclave = await layerMessages(
      'chaincode/src/enclave/runtime.ts',
      "import { clockFromStub } from '../fabric/fabric-clock';\nexport const used = clockFromStub;\n",
    );
    expect(enclave).to.have.length(1);
    expect(enclave[0]).to.contain('enclave must not import fabric');
  });

  it('accepts imports that point down the layers', async () => {
    const messages = await layerMessages(
      'chaincode/src/fabric/fabric-clock.ts',
      [
        "import { EcarError } from '../protocol/errors';",
        "import type { Clock } from '../ports';",
        "import { enclaveRuntime } from '../enclave/runtime';",
        'export const used: readonly unknown[] = [EcarError, enclaveRuntime];',
        'export type Used = Clock;',
        '',
      ].join('\n'),
    );
    expect(messages).to.deep.equal([]);
  });

  it('rejects the client, the scripts and the CLI tests importing chaincode internals, not the protocol', async () => {
    const client = await layerMessages(
      'client/src/cli/format.ts',
      [
        "import { displayMoney } from '../../../chaincode/src/protocol/units';",
        "import { decodeBooking } from '../../../chaincode/src/domain/bookings';",
        'export const used: readonly unknown[] = [displayMoney, decodeBooking];',
        '',
      ].join('\n'),
    );
    expect(client).to.have.length(1);
    expect(client[0]).to.contain('not chaincode/src/domain/bookings');
    const scripts = await layerMessages(
      'scripts/src/network/network.ts',
      "import type { JsonValue } from '../../../chaincode/src/ports';\nexport type Used = JsonValue;\n",
    );
    expect(scripts).to.have.length(1);
    expect(scripts[0]).to.contain('not chaincode/src/ports');
    const cliTest = await layerMessages(
      'test/unit/cli/amounts.test.ts',
      "import { readEnclaveConfig } from '../../../chaincode/src/enclave/config';\nexport const used = readEnclaveConfig;\n",
    );
    expect(cliTest).to.have.length(1);
    expect(cliTest[0]).to.contain('not chaincode/src/enclave/config');
  });
});
