// Profiles: validation with errors that name the field and the fix, relative paths resolved against
// the config file, selection of the default, and writeProfile keeping other profiles.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  ecarHome,
  loadProfile,
  parseProfileSettings,
  writeProfile,
  type ProfileSettings,
} from '../../../client/src/profile/profile';
import { ProfileError } from '../../../client/src/profile/profile-error';

const WHERE = { file: '/x/config.json', profile: 'p' };

function settings(overrides: Partial<Record<keyof ProfileSettings, unknown>> = {}): Record<string, unknown> {
  return {
    endpoint: '127.0.0.1:7051',
    tlsRootCert: 'org1/tlsca.pem',
    mspId: 'Org1MSP',
    certificate: 'org1/cert.pem',
    privateKey: 'org1/key.pem',
    channel: 'ecar',
    chaincode: 'ecar',
    mode: 'plaintext',
    ...overrides,
  };
}

function catchProfileError(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('expected a ProfileError');
}

/** A home with the files of settings() present. */
function homeWithFiles(): string {
  const home = mkdtempSync(join(tmpdir(), 'ecar-profile-'));
  mkdirSync(join(home, 'org1'));
  for (const f of ['tlsca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(home, 'org1', f), 'x');
  return home;
}

describe('profile', () => {
  describe('parseProfileSettings', () => {
    it('defaults the mode to confidential, which needs a policy and a wallet', () => {
      const error = catchProfileError(() => parseProfileSettings(settings({ mode: undefined }), WHERE));
      expect(error.code).to.equal('PROFILE_INVALID');
      expect(error.field).to.equal('policy');
      expect(error.message).to.include('ecar init --profile p --policy');
      const ok = parseProfileSettings(
        settings({ mode: undefined, policy: 'pol.json', wallet: 'w.json' }),
        WHERE,
      );
      expect(ok.mode).to.equal('confidential');
    });

    const BAD: readonly [string, Partial<Record<keyof ProfileSettings, unknown>>, string][] = [
      ['endpoint', { endpoint: 'localhost' }, 'host:port'],
      ['endpoint', { endpoint: '127.0.0.1:70000' }, '1-65535'],
      ['endpoint', { endpoint: undefined }, 'endpoint is missing'],
      ['mspId', { mspId: 'Org 1' }, 'MSP id'],
      ['channel', { channel: 'Ecar' }, 'channel name'],
      ['chaincode', { chaincode: 'ec ar' }, 'chaincode name'],
      ['mode', { mode: 'secret' }, 'confidential, plaintext'],
      ['certificate', { certificate: '' }, 'non-empty string'],
      ['privateKey', { privateKey: 42 }, 'non-empty string'],
      ['tlsServerName', { tlsServerName: 'bad name' }, 'DNS name'],
    ];
    for (const [field, override, says] of BAD) {
      it(`throws PROFILE_INVALID naming ${field} when ${JSON.stringify(override)}`, () => {
        const error = catchProfileError(() => parseProfileSettings(settings(override), WHERE));
        expect(error).to.include({ code: 'PROFILE_INVALID', field, profile: 'p', file: '/x/config.json' });
        expect(error.message).to.include(says);
      });
    }

    it('refuses unknown fields rather than ignoring a misspelling', () => {
      const error = catchProfileError(() => parseProfileSettings({ ...settings(), walet: 'w.json' }, WHERE));
      expect(error.field).to.equal('walet');
    });
  });

  describe('loadProfile', () => {
    it('resolves relative paths against the folder of the config file, not the working folder', () => {
      const home = homeWithFiles();
      writeProfile({
        home,
        name: 'p',
        settings: settings({ policy: undefined }) as unknown as ProfileSettings,
      });
      const profile = loadProfile({ home });
      expect(profile.tlsRootCert).to.equal(join(home, 'org1', 'tlsca.pem'));
      expect(profile.certificate).to.equal(join(home, 'org1', 'cert.pem'));
      expect(profile.file).to.equal(join(home, 'config.json'));
    });

    it('keeps absolute paths as they are', () => {
      const home = homeWithFiles();
      const abs = join(home, 'org1', 'key.pem');
      writeProfile({
        home,
        name: 'p',
        settings: settings({ privateKey: abs }) as unknown as ProfileSettings,
      });
      expect(loadProfile({ home }).privateKey).to.equal(abs);
    });

    it('throws PROFILE_INVALID naming the field and the init flag when a file is missing', () => {
      const home = homeWithFiles();
      writeProfile({
        home,
        name: 'p',
        settings: settings({ certificate: 'org1/nope.pem' }) as unknown as ProfileSettings,
      });
      const error = catchProfileError(() => loadProfile({ home }));
      expect(error).to.include({ code: 'PROFILE_INVALID', field: 'certificate' });
      expect(error.message).to.include('--certificate FILE');
    });

    it('throws PROFILE_FILE_MISSING saying to run ecar init when there is no config', () => {
      const error = catchProfileError(() => loadProfile({ home: mkdtempSync(join(tmpdir(), 'ecar-none-')) }));
      expect(error.code).to.equal('PROFILE_FILE_MISSING');
      expect(error.message).to.include("'ecar init'");
    });

    it('throws PROFILE_FILE_INVALID for a config that is not JSON', () => {
      const home = mkdtempSync(join(tmpdir(), 'ecar-bad-'));
      writeFileSync(join(home, 'config.json'), '{ not json');
      expect(catchProfileError(() => loadProfile({ home })).code).to.equal('PROFILE_FILE_INVALID');
    });

    it('picks --profile, else the default, else the only profile; unknown names list the known ones', () => {
      const home = homeWithFiles();
      writeProfile({ home, name: 'driver', settings: settings() as unknown as ProfileSettings });
      writeProfile({
        home,
        name: 'host',
        settings: settings({ mspId: 'Org2MSP' }) as unknown as ProfileSettings,
      });
      expect(loadProfile({ home }).name, 'the first written became the default').to.equal('driver');
      expect(loadProfile({ home, name: 'host' }).mspId).to.equal('Org2MSP');
      const error = catchProfileError(() => loadProfile({ home, name: 'issuer' }));
      expect(error.code).to.equal('PROFILE_UNKNOWN');
      expect(error.message).to.include('known: driver, host');
    });
  });

  describe('writeProfile', () => {
    it('adds profiles without touching the others, optionally as the new default, in a private file', () => {
      const home = join(mkdtempSync(join(tmpdir(), 'ecar-write-')), 'nested', 'ecar');
      writeProfile({ home, name: 'a', settings: settings() as unknown as ProfileSettings });
      const file = writeProfile({
        home,
        name: 'b',
        settings: settings({ channel: 'other' }) as unknown as ProfileSettings,
        makeDefault: true,
      });
      const config = JSON.parse(readFileSync(file, 'utf8')) as {
        defaultProfile: string;
        profiles: Record<string, { channel: string; tlsRootCert: string }>;
      };
      expect(config.defaultProfile).to.equal('b');
      expect(Object.keys(config.profiles)).to.deep.equal(['a', 'b']);
      expect(config.profiles.b?.channel).to.equal('other');
      expect(config.profiles.a?.tlsRootCert, 'relative paths stay relative').to.equal('org1/tlsca.pem');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('writes nothing when the settings are invalid', () => {
      const home = mkdtempSync(join(tmpdir(), 'ecar-inval-'));
      catchProfileError(() =>
        writeProfile({
          home,
          name: 'a',
          settings: settings({ endpoint: 'nope' }) as unknown as ProfileSettings,
        }),
      );
      expect(() => statSync(join(home, 'config.json'))).to.throw();
    });
  });

  describe('ecarHome', () => {
    it('uses ECAR_HOME when set, else ~/.config/ecar', () => {
      expect(ecarHome({ ECAR_HOME: '/tmp/eh' })).to.equal('/tmp/eh');
      expect(ecarHome({})).to.match(/\.config[/\\]ecar$/);
    });
  });
});
