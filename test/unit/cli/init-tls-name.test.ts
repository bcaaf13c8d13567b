// `ecar init` with an IP endpoint names the TLS server name of the peer's certificate, so TLS never
// sends an IP as server name (RFC 6066; Node warns about it on every connection).
import { join } from 'node:path';
import { expect } from 'chai';
import { runCli, tempHome } from './harness';

/** A plaintext profile's identity flags, its files in `home` (written by tempHome). */
function identity(home: string): string[] {
  const file = (name: string): string => join(home, 'id', name);
  return [
    ...['--mode', 'plaintext', '--msp-id', 'Org1MSP', '--tls-root-cert', file('tls.pem')],
    ...['--certificate', file('cert.pem'), '--private-key', file('key.pem')],
  ];
}

describe('ecar init', () => {
  it('refuses an IP endpoint without --tls-server-name (exit 2, says which name)', async () => {
    const home = tempHome();
    const run = await runCli(['init', '--profile', 'me', '--endpoint', '127.0.0.1:7051', ...identity(home)], {
      home,
    });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('--endpoint 127.0.0.1:7051 is an IP address: add --tls-server-name NAME');
  });

  it('takes an IP endpoint with --tls-server-name', async () => {
    const home = tempHome();
    const argv = ['init', '--profile', 'me', '--endpoint', '[::1]:7051', '--tls-server-name', 'localhost'];
    const run = await runCli([...argv, ...identity(home)], { home });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('(TLS name localhost)');
  });

  it('keeps the TLS name a profile already has when only the endpoint changes', async () => {
    const home = tempHome();
    await runCli(['init', '--profile', 'test', '--tls-server-name', 'peer0.org1.example.com'], { home });
    const run = await runCli(['init', '--profile', 'test', '--endpoint', '127.0.0.1:9999'], { home });
    expect(run.code, run.stderr).to.equal(0);
  });

  it('takes a DNS endpoint without a TLS name', async () => {
    const home = tempHome();
    const argv = ['init', '--profile', 'me', '--endpoint', 'peer0.org1.example.com:7051'];
    const run = await runCli([...argv, ...identity(home)], { home });
    expect(run.code, run.stderr).to.equal(0);
  });
});
