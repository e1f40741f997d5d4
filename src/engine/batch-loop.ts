import type { FastifyBaseLogger } from 'fastify';

export interface BatchLoopOptions {
  pollMs: number;
  log: FastifyBaseLogger;
  name: string;
  /**
   * Passes run side by side while there is work (default 1). With two, one batch is claimed,
   * rendered and recorded while the other is sending, so the database's round trips do not
   * leave the SMTP pool idle. An idle loop polls with one pass; the others join once it finds work.
   */
  lanes?: number;
}

/**
 * Runs `pass` until it reports no work, then waits `pollMs` (or a `kick`) and goes again.
 * `stop` waits for the passes in flight.
 */
export class BatchLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly options: BatchLoopOptions,
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

  /** Says that a pass in flight found a full batch: another lane may start now rather than when that pass ends. */
  working() {
    this.spawn?.();
  }

  private spawn: (() => void) | undefined;

  /** Lanes of passes; each goes on while its passes find work, and a pass that finds some adds a lane. */
  private async drain() {
    const lanes: Promise<void>[] = [];
    let active = 0;
    const lane = async () => {
      active += 1;
      try {
        while (!this.stopped && (await this.pass()) > 0) spawn();
      } catch (err) {
        this.options.log.error({ err }, `${this.options.name} pass failed`);
      } finally {
        active -= 1;
      }
    };
    const spawn = () => {
      if (!this.stopped && active < (this.options.lanes ?? 1)) lanes.push(lane());
    };
    this.spawn = spawn;
    spawn();
    // Lanes added while waiting are waited for too: only running lanes add one.
    for (let i = 0; i < lanes.length; i++) await lanes[i];
    this.spawn = undefined;
  }
}
