/** For the stories' play functions: wait for `selector` inside the element's shadow root. */
export async function inShadow<E extends Element>(host: Element | null, selector: string): Promise<E> {
  for (let tries = 0; tries < 100; tries += 1) {
    const found = host?.shadowRoot?.querySelector<E>(selector);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new globalThis.Error(`${selector} never appeared`);
}
