import path from 'node:path';
import { CHECKPOINT_DIR, rollBackCheckpoint } from './checkpoint';

/**
 * What the trainer says (and keeps on disk) when a step's loss is NaN/Inf.
 * A checkpoint counts as good only once a finite step has run from its
 * weights: the trainer keeps the previous checkpoint (checkpoint.old) until
 * then, and rolls back to it here when the saved weights themselves diverge
 * (e.g. 1e30 weights after an exploding update still give a finite loss at the
 * step that made them).
 */
export interface DivergenceState {
  runDir: string;
  /** The step whose loss was not finite (1-based: the step that would have been completed). */
  failedStep: number;
  /** The loss values, "G_GAN=NaN, …". */
  losses: string;
  /** Step of the checkpoint on disk (this run's last save, or the resumed one); null when none exists. */
  savedStep: number | null;
  /** The last save has not yet been followed by a finite step (its previous version is still kept). */
  unconfirmed: boolean;
  /** The run was resumed or initialised from `savedStep` and no step has completed since. */
  firstStepAfterLoad: boolean;
  lr: number;
}

export async function divergenceMessage(d: DivergenceState): Promise<string> {
  const where = path.join(d.runDir, CHECKPOINT_DIR);
  const lower = `--lr ${+(d.lr / 10).toPrecision(3)}`;
  const head = `Loss became ${d.losses} at step ${d.failedStep}: training diverged.`;
  if (d.unconfirmed) {
    const kept = await rollBackCheckpoint(d.runDir);
    const moved = `The checkpoint saved at step ${d.savedStep} already gives a non-finite loss and was moved to ${path.join(d.runDir, 'checkpoint.diverged')}`;
    if (kept === null) return `${head} ${moved}; no earlier checkpoint exists, so there is nothing to resume from: start again with a lower --lr (e.g. ${lower}), or check the data.`;
    return `${head} ${moved}; the last good checkpoint (step ${kept}) is back in ${where}: resume from it with a lower learning rate (npm run train -- --resume ${d.runDir} ${lower}), or check the data.`;
  }
  if (d.savedStep === null) return `${head} No checkpoint had been saved yet, so there is nothing to resume from: start again with a lower --lr (e.g. ${lower}), or check the data.`;
  if (d.firstStepAfterLoad) {
    return `${head} It happened on the first step from the checkpoint at step ${d.savedStep} in ${where}: its weights already give a non-finite loss, so resuming it fails the same way whatever the learning rate; use an earlier run or start again.`;
  }
  return `${head} The last good checkpoint in ${where} (step ${d.savedStep}) is kept: resume from it with a lower learning rate (npm run train -- --resume ${d.runDir} ${lower}), or check the data.`;
}
