// Back and forward between the places a teammate went (a view, a ticket opened from a profile,
// a profile opened from a ticket…), like a browser's: Alt+Left and Alt+Right. Only moves the
// teammate asked for are places; moving through a list with j/k is not.

/** At most this many places are kept behind (and ahead). */
export const HISTORY_LIMIT = 50;

export class History<T> {
  #back: T[] = [];
  #forward: T[] = [];

  /** Leaving `here` for somewhere new: it is where Back returns, and Forward is forgotten. */
  leave(here: T) {
    this.#back.push(here);
    if (this.#back.length > HISTORY_LIMIT) this.#back.shift();
    this.#forward = [];
  }

  /** Where Back goes from `here`, or null at the start. */
  back(here: T): T | null {
    const to = this.#back.pop();
    if (to === undefined) return null;
    this.#forward.push(here);
    return to;
  }

  /** Where Forward goes from `here`, or null when nothing was gone back from. */
  forward(here: T): T | null {
    const to = this.#forward.pop();
    if (to === undefined) return null;
    this.#back.push(here);
    return to;
  }
}
