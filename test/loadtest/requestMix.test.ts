import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMix, isPost, parseMix } from '../../loadtest/requestMix.js';

test('a mix reads as kind:percent pairs that add up to 100, and writes back the same', () => {
  assert.deepEqual(parseMix('get:80,post:20'), { get: 80, post: 20 });
  assert.deepEqual(parseMix('post:100'), { get: 0, post: 100 });
  assert.equal(formatMix(parseMix('post:30,get:70')), 'get:70,post:30');
});

test('a bad mix is one plain line saying what is wrong', () => {
  for (const [text, message] of [
    ['get:80', /add up to 80, not 100/],
    ['get:80,put:20', /expected kind:percent pairs/],
    ['get:50,get:50', /expected kind:percent pairs/],
    ['get:80.5,post:19.5', /expected kind:percent pairs/],
    ['', /expected kind:percent pairs/],
  ] as const) {
    assert.throws(
      () => parseMix(text),
      (error: Error) => message.test(error.message) && !error.message.includes('\n'),
    );
  }
});

test('POSTs are spread evenly: exactly their share of every hundred requests, never two in a row under half', () => {
  const kinds = (post: number) =>
    Array.from({ length: 1000 }, (_, i) => isPost(i, { get: 100 - post, post }));
  for (const post of [0, 1, 20, 33, 50, 100]) {
    const posts = kinds(post);
    for (let start = 0; start < 1000; start += 100) {
      assert.equal(
        posts.slice(start, start + 100).filter(Boolean).length,
        post,
        `post:${post} from ${start}`,
      );
    }
    if (post <= 50) assert.ok(!posts.some((p, i) => p && posts[i + 1]), `post:${post}: two in a row`);
  }
  assert.deepEqual(kinds(20).slice(0, 10), [
    false,
    false,
    false,
    false,
    true,
    false,
    false,
    false,
    false,
    true,
  ]);
});
