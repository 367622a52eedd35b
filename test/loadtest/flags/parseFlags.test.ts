import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  choiceFlag,
  listFlag,
  numberFlag,
  onOffFlag,
  oneOf,
  switchFlag,
  textFlag,
} from '../../../loadtest/flags/flag.js';
import { flagHelp, usageLine } from '../../../loadtest/flags/flagHelp.js';
import { parseFlags, refuseFlagsOfOtherTargets } from '../../../loadtest/flags/parseFlags.js';
import { UsageError } from '../../../loadtest/flags/usageError.js';

const TABLE = {
  rate: numberFlag({ min: 1, max: 100, unit: 'requests per second', default: 10, help: 'how fast' }),
  copies: numberFlag({ min: 0, max: 5, unit: 'a whole number', whole: true, default: 0, help: 'how many' }),
  color: choiceFlag({ choices: ['red', 'blue'], default: 'red', help: 'which color' }),
  'keep-alive': onOffFlag({ default: true, help: 'reuse connections' }),
  'node-port': onOffFlag({
    default: false,
    targets: { names: ['kube'], why: 'kind has its own' },
    help: 'publish',
  }),
  'dry-run': switchFlag({ help: 'run nothing' }),
  out: textFlag({ value: 'DIR', help: 'where' }),
  rows: listFlag({ value: 'ID,ID', item: oneOf(['a', 'b']), help: 'which rows' }),
};

const REQUIRED = {
  url: textFlag({ value: 'URL', required: 'e.g. http://127.0.0.1:8080/', help: 'where to' }),
};

/** Asserts `run` throws a UsageError whose message is exactly `message` (one line). */
function refuses(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: Error) => {
    assert.ok(error instanceof UsageError, `a UsageError, not ${error.name}`);
    assert.equal(error.message.split('\n').length, 1);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

test('a flag left out takes the default of its row in the table', () => {
  assert.deepEqual(parseFlags(TABLE, []), {
    help: false,
    rate: 10,
    copies: 0,
    color: 'red',
    'keep-alive': true,
    'node-port': false,
    'dry-run': false,
    out: null,
    rows: null,
  });
});

test('each flag given is read as its type says: number, choice, on|off, switch, text, list', () => {
  const flags = parseFlags(TABLE, [
    ...['--rate', '2.5', '--copies', '3', '--color', 'blue', '--keep-alive', 'off'],
    ...['--dry-run', '--out', 'x/y', '--rows', 'b,a'],
  ]);
  assert.equal(flags.rate, 2.5);
  assert.equal(flags.copies, 3);
  assert.equal(flags.color, 'blue');
  assert.equal(flags['keep-alive'], false);
  assert.equal(flags['dry-run'], true);
  assert.equal(flags.out, 'x/y');
  assert.deepEqual(flags.rows, ['b', 'a']);
});

test('an unknown flag is one line that names it and points to --help', () => {
  refuses(() => parseFlags(TABLE, ['--rat', '5']), "Unknown option '--rat'. See --help.");
});

test('a flag given without its value is one line that names it', () => {
  refuses(() => parseFlags(TABLE, ['--rate']), /^Option '--rate <value>' argument missing\. See --help\.$/);
});

test('a number out of its range is one line with the range', () => {
  refuses(
    () => parseFlags(TABLE, ['--rate', '101']),
    'Invalid --rate "101": expected requests per second from 1 to 100.',
  );
  refuses(
    () => parseFlags(TABLE, ['--rate', '0']),
    'Invalid --rate "0": expected requests per second from 1 to 100.',
  );
});

test('a value of the wrong type is one line: not a number, not whole, not a choice, not on or off', () => {
  refuses(
    () => parseFlags(TABLE, ['--rate', 'lots']),
    'Invalid --rate "lots": expected requests per second from 1 to 100.',
  );
  refuses(() => parseFlags(TABLE, ['--rate', '']), /^Invalid --rate "": expected/);
  refuses(
    () => parseFlags(TABLE, ['--copies', '1.5']),
    'Invalid --copies "1.5": expected a whole number from 0 to 5.',
  );
  refuses(() => parseFlags(TABLE, ['--color', 'green']), 'Invalid --color "green": expected red, blue.');
  refuses(() => parseFlags(TABLE, ['--keep-alive', 'yes']), 'Invalid --keep-alive "yes": expected on, off.');
  refuses(() => parseFlags(TABLE, ['--rows', 'a,c']), 'Invalid --rows "c": expected one of a, b.');
});

test('a required flag left out is one line saying what to give, unless --help is asked for', () => {
  refuses(() => parseFlags(REQUIRED, []), '--url URL is required (e.g. http://127.0.0.1:8080/). See --help.');
  assert.deepEqual(parseFlags(REQUIRED, ['--help']), { help: true });
  assert.deepEqual(parseFlags(REQUIRED, ['--url', 'u']), { help: false, url: 'u' });
});

test('a value given with --help is still checked', () => {
  assert.equal(parseFlags(TABLE, ['-h']).help, true);
  refuses(() => parseFlags(TABLE, ['--help', '--rate', 'lots']), /^Invalid --rate "lots"/);
});

test('a flag given for a target it does not apply to is refused with why; absent or off, it passes', () => {
  const check = (argv: string[], reachable: string[]) =>
    refuseFlagsOfOtherTargets(TABLE, parseFlags(TABLE, argv), reachable);
  refuses(
    () => check(['--node-port', 'on'], ['local']),
    '--node-port goes with --target kube (kind has its own).',
  );
  assert.doesNotThrow(() => check(['--node-port', 'on'], ['kube']));
  assert.doesNotThrow(() => check(['--node-port', 'off'], ['local']));
  assert.doesNotThrow(() => check([], ['local']));
});

test('the help has one entry per row of the table, with its value, default, range and targets', () => {
  const help = flagHelp(TABLE);
  assert.match(help, /^ {2}--rate N +how fast \(default 10, from 1 to 100\)$/m);
  assert.match(help, /^ {2}--color red\|blue +which color \(default red\)$/m);
  assert.match(help, /^ {2}--node-port on\|off +kube target: publish \(default off\)$/m);
  assert.match(help, /^ {2}--dry-run +run nothing$/m);
  assert.match(help, /^ {2}-h, --help +show this help$/m);
  assert.match(flagHelp(REQUIRED), /--url URL +where to \(required\)/);
  assert.equal(usageLine('x', REQUIRED), 'Usage: npm run x -- --url URL');
  assert.match(usageLine('x', TABLE), /^Usage: npm run x -- \[--rate N\] \[--copies N\]/);
});
