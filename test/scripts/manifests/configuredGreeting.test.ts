import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configuredGreeting, greetingHash } from '../../../scripts/manifests/configuredGreeting.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { configHash } from '../../../service/greetingSource.js';
import { composedOverlay } from '../../support/compositions.js';

test('hashes a greeting exactly as the service does, so the harness knows the header to expect', () => {
  for (const greeting of ['Hello', 'Howdy', 'Grüß Gott', 'x'.repeat(100)]) {
    assert.equal(greetingHash(greeting), configHash(greeting));
  }
});

test('reads the greeting of the hardened manifests from the generated ConfigMap, as env', () => {
  const found = configuredGreeting(renderKustomization(composedOverlay('hardened', 1)));
  assert.equal(found.greeting, 'Hello');
  assert.match(found.source, /^ConfigMap hello-config-[a-z0-9]{10} key GREETING, as env$/);
});

test('reads the new greeting of a configuration change under a new hashed name', () => {
  const before = configuredGreeting(renderKustomization(composedOverlay('config-hashed', 1)));
  const after = configuredGreeting(renderKustomization(composedOverlay('config-hashed', 2)));
  assert.equal(after.greeting, 'Howdy');
  assert.notEqual(after.source, before.source, 'a new ConfigMap name');
});

test('reads a mounted greeting through GREETING_FILE, and follows a renamed key', () => {
  const volume = configuredGreeting(renderKustomization(composedOverlay('config-in-place-volume', 2)));
  assert.deepEqual(volume, {
    greeting: 'Howdy',
    hash: configHash('Howdy'),
    source: 'ConfigMap hello-config key GREETING, as a file',
  });
  const renamed = configuredGreeting(renderKustomization(composedOverlay('config-shared-breaking', 2)));
  assert.equal(renamed.source, 'ConfigMap hello-config key greeting.txt, as a file');
});
