import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImage, setImages } from '../../../scripts/manifests/setImages.js';

test('tells a registry port from a tag', () => {
  assert.deepEqual(parseImage('localhost:5000/hello'), { name: 'localhost:5000/hello', suffix: '' });
  assert.deepEqual(parseImage('localhost:5000/hello:v1'), { name: 'localhost:5000/hello', suffix: ':v1' });
  assert.deepEqual(parseImage('hello:v1@sha256:ab'), { name: 'hello', suffix: ':v1@sha256:ab' });
  assert.deepEqual(parseImage('hello@sha256:ab'), { name: 'hello', suffix: '@sha256:ab' });
});

test('rewrites only images of that exact name, in containers anywhere in the object', () => {
  const objects = [
    {
      spec: {
        containers: [{ image: 'hello:v1' }, { image: 'hello-sidecar:v1' }],
        deep: { initContainers: [{ image: 'hello@sha256:aa' }] },
      },
      data: { image: 'hello:v1' },
    },
  ];
  setImages(objects, [{ name: 'hello', newTag: 'v2' }]);
  assert.deepEqual(objects[0], {
    spec: {
      containers: [{ image: 'hello:v2' }, { image: 'hello-sidecar:v1' }],
      deep: { initContainers: [{ image: 'hello:v2' }] },
    },
    data: { image: 'hello:v1' },
  });
});

test('keeps the old tag when only the name changes, and drops it for a digest', () => {
  const objects = [{ containers: [{ image: 'hello:v1' }, { image: 'other:v1' }] }];
  setImages(objects, [
    { name: 'hello', newName: 'registry.local/hello' },
    { name: 'other', digest: 'sha256:cc' },
  ]);
  assert.deepEqual(objects[0]?.containers, [
    { image: 'registry.local/hello:v1' },
    { image: 'other@sha256:cc' },
  ]);
});
