import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ConfigError, loadConfig, loadVariables } from '../../service/config.js';

test('defaults to port 8080, version 1 and 2 s of work', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.appVersion, '1');
  assert.equal(config.workDelayMs, 2000);
  assert.ok(config.podName.length > 0, 'POD_NAME defaults to the hostname');
});

test('version 2 defaults to 1 s of work', () => {
  assert.equal(loadConfig({ APP_VERSION: '2' }).workDelayMs, 1000);
});

test('reads every variable it documents', () => {
  const config = loadConfig({
    PORT: '9000',
    APP_VERSION: '2',
    WORK_DELAY_MS: '10',
    SHUTDOWN_DELAY_MS: '20',
    SHUTDOWN_TIMEOUT_MS: '30',
    POD_NAME: 'hello-abc',
    LOG_LEVEL: 'warn',
    STARTUP_DELAY_MS: '40',
    GREETING: 'Howdy',
    GREETING_FILE: '/etc/hello/GREETING',
  });
  assert.deepEqual(config, {
    port: 9000,
    appVersion: '2',
    workDelayMs: 10,
    shutdownDelayMs: 20,
    shutdownTimeoutMs: 30,
    podName: 'hello-abc',
    logLevel: 'warn',
    startupDelayMs: 40,
    greeting: 'Howdy',
    greetingFile: '/etc/hello/GREETING',
  });
});

test('treats an empty variable as unset', () => {
  assert.equal(loadConfig({ PORT: '', WORK_DELAY_MS: '' }).port, 8080);
});

const badValues: Array<[string, string, RegExp]> = [
  ['PORT', 'http', /^Invalid PORT="http": expected a port number from 0 to 65535\.$/],
  ['PORT', '70000', /^Invalid PORT="70000"/],
  ['APP_VERSION', '3', /^Invalid APP_VERSION="3": expected 1 or 2\.$/],
  ['WORK_DELAY_MS', '-1', /^Invalid WORK_DELAY_MS="-1": expected a whole number of milliseconds/],
  ['SHUTDOWN_DELAY_MS', '1.5', /^Invalid SHUTDOWN_DELAY_MS="1.5"/],
  ['SHUTDOWN_TIMEOUT_MS', 'soon', /^Invalid SHUTDOWN_TIMEOUT_MS="soon"/],
  ['LOG_LEVEL', 'loud', /^Invalid LOG_LEVEL="loud": expected one of fatal, error/],
  [
    'GREETING',
    'two\nlines',
    /^Invalid GREETING="two\\nlines": expected one line of 1 to 100 printable characters\.$/,
  ],
  ['GREETING', 'x'.repeat(101), /^Invalid GREETING="x+": expected one line/],
  [
    'GREETING_FILE',
    'relative/path',
    /^Invalid GREETING_FILE="relative\/path": expected an absolute file path\.$/,
  ],
];

for (const [name, value, message] of badValues) {
  test(`rejects ${name}=${value} with one line naming the variable`, () => {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message) && !error.message.includes('\n'),
    );
  });
}

test('names every bad variable, one line each', () => {
  assert.throws(
    () => loadConfig({ PORT: 'x', APP_VERSION: '9' }),
    (error: unknown) => error instanceof ConfigError && error.message.split('\n').length === 2,
  );
});

test('checks the variables a module of its own declares the same way, one line each', () => {
  const declared = { COLOUR: z.enum(['red', 'blue']).default('red').describe('red or blue') };
  assert.deepEqual(loadVariables({ COLOUR: '' }, declared), { COLOUR: 'red' });
  assert.deepEqual(loadVariables({ COLOUR: 'blue', PORT: 'x' }, declared), { COLOUR: 'blue' });
  assert.throws(
    () => loadVariables({ COLOUR: 'green' }, declared),
    (error: unknown) =>
      error instanceof ConfigError && error.message === 'Invalid COLOUR="green": expected red or blue.',
  );
});
