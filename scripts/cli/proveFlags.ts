import { choiceFlag, listFlag, numberFlag, oneOf, switchFlag, textFlag } from '../../loadtest/flags/flag.js';
import { flagHelp } from '../../loadtest/flags/flagHelp.js';
import { parseFlags, refuseFlagsOfOtherTargets } from '../../loadtest/flags/parseFlags.js';
import { SECONDS_OF_LOAD } from '../../loadtest/flags/sharedFlags.js';
import {
  checkRequestShape,
  parseExpectedStatuses,
  parseVersionFrom,
  type RequestShape,
} from '../../loadtest/requestShape.js';
import { PROTECTIONS, type Protection } from '../prove/protections.js';
import type { ProveSpec } from '../prove/runProve.js';
import { KIND_FLAGS } from '../targets/kind/kindFlags.js';
import { KUBE_FLAGS } from '../targets/kube/kubeFlags.js';
import { ROLLOUT_FLAGS } from './rolloutFlagTable.js';

const PROVE_TARGETS = ['kube', 'kind'] as const;

/** The kind and kube rows but --image (the sample's repository: a team's manifests name their own images). */
const { image: _sampleImage, ...CLUSTER_ROWS } = { ...KIND_FLAGS, ...KUBE_FLAGS };

/** Every flag `npm run prove` takes; the rows it shares with demo:rollout are the same objects. */
export const PROVE_FLAGS = {
  app: textFlag({
    value: 'DIR',
    required: "a kustomization or a folder of YAML with the app's Deployment and Service",
    help: "the app's manifests: a kustomization, or a folder of plain YAML, with its Deployment and Service",
  }),
  'to-image': textFlag({ value: 'IMAGE', required: 'the image rolled out', help: 'the image rolled out' }),
  'from-image': textFlag({
    value: 'IMAGE',
    shownDefault: "the Deployment's own",
    help: 'the image deployed first',
  }),
  deployment: textFlag({ value: 'NAME', help: 'which Deployment of DIR, when it has several' }),
  service: textFlag({
    value: 'NAME',
    shownDefault: 'the one that selects its pods',
    help: 'which Service of DIR',
  }),
  port: textFlag({
    value: 'NAME|N',
    shownDefault: "the Service's first",
    help: "which of the Service's ports",
  }),
  path: textFlag({
    value: 'PATH',
    default: '/',
    parse: (given) => {
      if (!given.startsWith('/') || /\s/.test(given))
        throw new Error(`Invalid --path "${given}": expected /a/path`);
      return given;
    },
    help: 'what each request asks for',
  }),
  method: choiceFlag({ choices: ['GET', 'HEAD'], default: 'GET', help: 'how each request asks' }),
  expect: textFlag({
    value: 'STATUSES',
    default: parseExpectedStatuses('2xx,3xx'),
    shownDefault: '2xx,3xx',
    parse: parseExpectedStatuses,
    help: 'the answers that count as success (200,204 or 2xx); any other answer or error fails',
  }),
  'version-from': textFlag({
    value: 'SOURCE',
    default: parseVersionFrom('none'),
    shownDefault: 'none',
    parse: parseVersionFrom,
    help:
      'how an answer says its version: header:NAME, body:REGEX (its first group), or none (the rollout ' +
      'status alone says when the new one took over)',
  }),
  target: choiceFlag({
    choices: PROVE_TARGETS,
    default: 'kube',
    value: 'NAME',
    help: 'where: kube (a cluster you have, --context NAME) or kind (one it creates or reuses)',
  }),
  controls: switchFlag({
    help: 'after the run, one control run per protection the app has, with only that one removed',
  }),
  control: listFlag({
    value: 'ID,ID',
    item: oneOf(PROTECTIONS.map((p) => p.id)),
    help: `only these controls (implies --controls): ${PROTECTIONS.map((p) => p.id).join(', ')}`,
  }),
  strict: switchFlag({ help: "the zero-downtime lint's findings on the app's manifests are fatal" }),
  'keep-app': switchFlag({
    help: 'leave the app as the last run left it (by default what prove applied is deleted when it is done)',
  }),
  pull: switchFlag({
    targets: { names: ['kube'], why: 'kind loads the images from the local Docker' },
    help: 'kube: let the kubelet pull images no node has (by default prove stops: nothing may be pullable)',
  }),
  rate: ROLLOUT_FLAGS.rate,
  'keep-alive': ROLLOUT_FLAGS['keep-alive'],
  load: ROLLOUT_FLAGS.load,
  'lb-port': ROLLOUT_FLAGS['lb-port'],
  warmup: ROLLOUT_FLAGS.warmup,
  cooldown: numberFlag({
    ...SECONDS_OF_LOAD,
    default: 5,
    value: 'S',
    help: 'seconds of load after the old pods are gone',
  }),
  timeout: ROLLOUT_FLAGS.timeout,
  out: ROLLOUT_FLAGS.out,
  ...CLUSTER_ROWS,
  'dry-run': switchFlag({ help: 'print every command it would run, and run nothing' }),
};

/** What `npm run prove -- ...` was asked to do, validated; the entry point adds the load. */
export interface ProveOptions extends Omit<ProveSpec, 'load' | 'createLoad'> {
  load: 'auto' | 'builtin' | 'k6' | 'none';
  /** Where the reports go; null: reports/prove-<timestamp>/. */
  out: string | null;
}

export const PROVE_USAGE = `Usage: npm run prove -- --app DIR --to-image IMAGE --target kube|kind [options]

Rolls your own Deployment from its image to IMAGE under load and proves (or disproves) that no request was
dropped; with --controls, also shows what each of its protections is worth.

${flagHelp(PROVE_FLAGS)}

Exit status: 0 the proof passed, 1 it failed, 2 bad usage, bad manifests or a missing image, 130 interrupted.`;

/** The options, or null when --help asks for the usage instead. */
export function parseProveFlags(argv: readonly string[]): ProveOptions | null {
  const flags = parseFlags(PROVE_FLAGS, argv);
  if (flags.help) return null;
  refuseFlagsOfOtherTargets(PROVE_FLAGS, flags, [flags.target]);
  const request: RequestShape = {
    method: flags.method,
    path: flags.path,
    expect: flags.expect,
    versionFrom: flags['version-from'],
  };
  checkRequestShape(request);
  return {
    appDir: flags.app,
    toImage: flags['to-image'],
    fromImage: flags['from-image'],
    choice: { deployment: flags.deployment, service: flags.service, port: flags.port },
    request,
    target: flags.target,
    targetFlags: flags,
    controls: flags.control ? (flags.control as Protection['id'][]) : flags.controls ? 'all' : 'none',
    strict: flags.strict,
    pull: flags.pull,
    keepApp: flags['keep-app'],
    rate: flags.rate,
    keepAlive: flags['keep-alive'],
    load: flags.load,
    lbPort: flags['lb-port'],
    warmupMs: flags.warmup * 1000,
    cooldownMs: flags.cooldown * 1000,
    requestTimeoutMs: flags.timeout * 1000,
    out: flags.out,
    dryRun: flags['dry-run'],
  };
}
