/**
 * RunnerPool: one Durable Object per pool name. Entry points only. (Skeleton: filled in by the
 * RunnerPool work.)
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import type { LiveRunner, RunOffer } from '../task-room/types.ts';

export class RunnerPool extends DurableObject<Env> {
  async offer(offer: RunOffer): Promise<void> {
    void offer;
    throw new Error('not implemented');
  }
  async withdraw(runId: string): Promise<void> {
    void runId;
    throw new Error('not implemented');
  }
  async listRunners(): Promise<LiveRunner[]> {
    return [];
  }
}
