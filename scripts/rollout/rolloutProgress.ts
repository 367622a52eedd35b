/**
 * Where the rollout tells what it does: step lines, a live status line while load runs, and notes
 * (the CLI's createProgressOutput prints them with the elapsed time; a benchmark passes a quiet one).
 */
export interface ProgressOutput {
  step(text: string): void;
  status(text: string): void;
  note(text: string): void;
}
