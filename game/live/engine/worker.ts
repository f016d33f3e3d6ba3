/// <reference lib="webworker" />
/**
 * Worker entry: runs EngineCore off the main thread so that drawing stays
 * smooth while the model runs. Pure message plumbing.
 */
import { EngineCore } from './engineCore';
import { toLiveError, type EventMessage, type RequestMessage, type ResponseMessage, type TranslateResult } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const core = new EngineCore((event) => scope.postMessage({ event } satisfies EventMessage));

scope.addEventListener('message', async (e: MessageEvent<RequestMessage>) => {
  const { id, type, args } = e.data;
  let response: ResponseMessage;
  const transfer: Transferable[] = [];
  try {
    const result = await core.handle(type, args);
    if (result && typeof result === 'object' && 'pixels' in result) {
      const { pixels, regions } = result as TranslateResult;
      transfer.push(pixels.buffer, regions.labels.buffer);
    }
    response = { id, ok: true, result };
  } catch (err) {
    response = { id, ok: false, error: toLiveError(err, type === 'load' ? 'THEME_LOAD_FAILED' : 'INFERENCE_FAILED') };
  }
  scope.postMessage(response, transfer);
});
