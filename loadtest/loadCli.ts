// `npm run load`: wiring only. flags → open-model generator (+ stream clients) → one NDJSON line per request
// (and per stream) → summary.
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { UsageError } from './flags/usageError.js';
import { LOAD_USAGE, parseLoadFlags, STARTED_LINE } from './loadFlags.js';
import { formatLoadSummary, loadFigures } from './loadSummary.js';
import { createOpenModelGenerator } from './openModelGenerator.js';
import { createStreamClients, type StreamClients } from './streamClients.js';

async function main(argv: string[]): Promise<number> {
  const flags = parseLoadFlags(argv);
  if (flags === null) {
    process.stdout.write(`${LOAD_USAGE}\n`);
    return 0;
  }
  const out = createWriteStream(flags.out);
  const generator = createOpenModelGenerator({
    baseUrl: flags.url,
    request: flags.request,
    rate: flags.rate,
    keepAlive: flags.keepAlive,
    timeoutMs: flags.timeoutMs,
    maxDurationMs: flags.durationMs,
    maxRequests: Math.ceil((flags.rate * flags.durationMs) / 1000),
    mix: flags.mix,
    onSample: (sample) => out.write(`${JSON.stringify(sample)}\n`),
  });
  const streamsOut = flags.streamsOut === null ? null : createWriteStream(flags.streamsOut);
  const streams: StreamClients | null =
    streamsOut === null || flags.streams === 0
      ? null
      : createStreamClients({
          baseUrl: flags.url,
          count: flags.streams,
          idleTimeoutMs: flags.timeoutMs,
          maxDurationMs: flags.durationMs,
          onStream: (stream) => streamsOut.write(`${JSON.stringify(stream)}\n`),
        });
  // Stopping ends the schedule; requests in flight still settle and are written (bounded by --timeout).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      void streams?.stop();
      void generator.stop();
    });
  streams?.start();
  generator.start();
  // For a parent that stops this tool: from here a SIGTERM is handled (before, it would kill the process).
  process.stdout.write(`${STARTED_LINE}\n`);
  await generator.finished();
  const result = await generator.stop();
  const streamSamples = (await streams?.stop()) ?? [];
  for (const file of [out, streamsOut]) {
    if (file === null) continue;
    file.end();
    await once(file, 'finish');
  }
  if (streamSamples.length > 0) result.streams = streamSamples;
  if (flags.summary) writeFileSync(flags.summary, `${JSON.stringify(loadFigures(result))}\n`);
  process.stdout.write(`${formatLoadSummary(result, flags.out)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
