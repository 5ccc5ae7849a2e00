/**
 * The cap on one model answer (issue 11, `LIMITS.gatewayMaxResponseBytes`): the upstream body
 * passes through unchanged, byte for byte and chunk for chunk, until it would pass the cap. Then
 * the run is stopped first — TaskRoom stores why, so however the agent then fails, the run ends
 * `failed` with that reason — and only then is the answer cut (the client's stream errors, the
 * upstream request is cancelled). A provider that streams without end costs one run, never the
 * Worker and the runs and viewers it carries.
 */
import { LIMITS } from '../../../protocol/src/index.ts';
import type { Env } from '../env.ts';
import { taskRoomStub } from '../durable/stubs.ts';

const mib = (bytes: number) => `${Number((bytes / (1024 * 1024)).toFixed(2))} MiB`;

/** Why a run's answer was cut: what the run's `error` says. */
export const answerTooLargeReason = (maxBytes: number) => `the model's answer exceeded the gateway's ${mib(maxBytes)} response cap`;

/** `body` as it is, up to `maxBytes`; past it `onExceeded(reason)` is awaited, then the stream errors. */
export function capAnswer(
  body: ReadableStream<Uint8Array>,
  onExceeded: (reason: string) => Promise<void>,
  maxBytes: number = LIMITS.gatewayMaxResponseBytes,
): ReadableStream<Uint8Array> {
  const upstream = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const { done, value } = await upstream.read();
      if (done) return ctrl.close();
      seen += value.byteLength;
      if (seen <= maxBytes) return ctrl.enqueue(value);
      const reason = answerTooLargeReason(maxBytes);
      await onExceeded(reason);
      await upstream.cancel(reason).catch(() => {});
      ctrl.error(new Error(reason));
    },
    cancel: (reason) => upstream.cancel(reason),
  });
}

/** Tell the run's TaskRoom to stop it as failed; never throws (the answer is cut regardless). */
export async function stopRunForAnswer(env: Env, taskId: string, runId: string, reason: string): Promise<void> {
  try {
    await taskRoomStub(env, taskId).answerTooLarge(runId, reason);
  } catch (err) {
    console.error('llm gateway: could not tell the task room about an answer over the cap:', taskId, runId, err instanceof Error ? err.message : String(err));
  }
}
