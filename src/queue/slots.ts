/**
 * A process's worker slots, shared by the BullMQ workers of every installation: at most `size` jobs
 * run at once; a freed slot goes to the waiter of the best class (commands first), then the earliest.
 */
export class Slots {
  readonly #size: number;
  #used = 0;
  readonly #waiting: { rank: number; go: () => void }[] = [];

  constructor(size: number) {
    this.#size = size;
  }

  async acquire(rank: number): Promise<void> {
    if (this.#used < this.#size) {
      this.#used++;
      return;
    }
    await new Promise<void>((go) => {
      const at = this.#waiting.findIndex((w) => w.rank > rank);
      this.#waiting.splice(at === -1 ? this.#waiting.length : at, 0, { rank, go });
    });
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next.go(); // the slot passes straight on
    else this.#used--;
  }

  get waiting(): number {
    return this.#waiting.length;
  }
}
