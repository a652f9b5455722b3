/**
 * Events held until the end of the task an element connected in, then dispatched in order:
 * frameworks attach listeners while they insert the element (React's commit, Angular's
 * creation pass) and count a component as mounted after that task.
 */
export class HeldEvents {
  readonly #target: EventTarget;
  /** `null`: none held, dispatch at once. */
  #held: Event[] | null = null;

  constructor(target: EventTarget) {
    this.#target = target;
  }

  /** Holds what is dispatched from now to the end of this task (unless already holding). */
  holdForThisTask(): void {
    if (this.#held) return;
    this.#held = [];
    setTimeout(() => this.release());
  }

  dispatch(event: Event): void {
    if (this.#held) this.#held.push(event);
    else this.#target.dispatchEvent(event);
  }

  /** Dispatches the held events, in order; events that happen meanwhile queue behind them. */
  release(): void {
    const held = this.#held;
    if (!held) return;
    for (let event = held.shift(); event; event = held.shift()) this.#target.dispatchEvent(event);
    if (this.#held === held) this.#held = null;
  }
}
