import { runLintK8s } from './k8sLint/runLintK8s.js';

// npm run lint:k8s -- [overlay dir ...]: schema validation + rollout/pod-safety rules (k8s/README.md).
// Every failure is one plain line; never a stack trace.
runLintK8s(process.argv.slice(2), (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`lint:k8s: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
