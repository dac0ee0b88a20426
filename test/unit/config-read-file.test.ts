// readConfigFile decodes ASCII files as latin1 (a plain copy, for speed) and
// every other file as UTF-8: the text must be what readFileSync(path, 'utf8') gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfigFile } from '../../src/config/load.ts';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), `vkread${process.pid}`)); });
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

const CASES: Record<string, Buffer> = {
  ascii: Buffer.from('vrrp_instance A {\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n'),
  utf8: Buffer.from('# caf\u00e9 \u2603 \u{1f600}\nvrrp_instance \u00c9 {\n}\n'),
  'invalid utf-8 and latin1 bytes': Buffer.from([0x61, 0x20, 0xff, 0xfe, 0x0a, 0xe9, 0x74, 0xe9, 0x0a, 0xc3, 0x28, 0x0a]),
  'BOM and NUL': Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x00, 0x62, 0x0a]),
};

for (const [name, bytes] of Object.entries(CASES)) {
  test(`readConfigFile gives readFileSync's UTF-8 text: ${name}`, () => {
    const f = join(dir, name.replace(/\W/g, '_'));
    writeFileSync(f, bytes, { mode: 0o644 });
    const r = readConfigFile(f);
    assert.ok('text' in r);
    assert.equal(r.text, readFileSync(f, 'utf8'));
  });
}
