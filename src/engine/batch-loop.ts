import type { FastifyBaseLogger } from 'fastify';

/**
 * Runs `pass` until it reports no work, then waits `pollMs` (or a `kick`) and goes again.
 * One pass at a time; `stop` waits for the pass in flight.
 */
export class BatchLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly options: { pollMs: number; log: FastifyBaseLogger; name: string },
  ) {}

  start() {
    this.stopped = false;
    this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  kick() {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  private schedule(delay: number) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.options.pollMs);
      });
    }, delay);
  }

  private async drain() {
    try {
      while (!this.stopped && (await this.pass()) > 0) {
        /* keep going while there is work */
      }
    } catch (err) {
      this.options.log.error({ err }, `${this.options.name} pass failed`);
    }
  }
}
